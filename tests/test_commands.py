"""The `chirvir` command's own subcommands, run as a person would run them."""

import pytest
from django.core.management import CommandError, call_command

from chirvir.accounts.models import Account


def test_createuser_makes_an_account_and_says_so(capsys):
    call_command("createuser", "Dina", "--password", "a long password 7", "--email", "dina@example.org")
    assert "Created @Dina" in capsys.readouterr().out
    account = Account.objects.get(username="Dina")
    assert account.check_password("a long password 7") and not account.is_staff


def test_createuser_can_make_an_admin():
    call_command("createuser", "root_", "--password", "a long password 7", "--admin")
    assert Account.objects.get(username="root_").is_superuser


def test_createuser_explains_what_is_wrong():
    with pytest.raises(CommandError, match="1 to 30"):
        call_command("createuser", "no spaces", "--password", "a long password 7")
    with pytest.raises(CommandError, match="too common"):
        call_command("createuser", "weak", "--password", "password")


def test_demo_builds_a_community_once(capsys):
    call_command("demo")
    assert "Demo community ready: 12 accounts" in capsys.readouterr().out
    zhanna = Account.objects.get(username="zhanna")
    assert zhanna.locked and zhanna.followers_count > 0
    assert Account.objects.get(username="chirvir").followers_count == 11
    posts = sum(a.statuses_count for a in Account.objects.all())
    call_command("demo")
    assert "adding nothing" in capsys.readouterr().out
    assert sum(a.statuses_count for a in Account.objects.all()) == posts


def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
