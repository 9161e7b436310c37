"""Logging in tells nothing about whether an account exists: the same answer, and the same
password hashing work, for a wrong password at a real account and for a name nobody has."""

import re

from django.contrib.auth.hashers import Argon2PasswordHasher, get_hashers
from django.test import Client

from chirvir.accounts.models import Account

PASSWORD = "a long password 7"


class CountingArgon2(Argon2PasswordHasher):
    """Argon2 itself, counting each time it hashes a password (to store it or to check it)."""

    runs = 0

    def encode(self, password, salt):
        type(self).runs += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        type(self).runs += 1
        return super().verify(password, encoded)


def answer_and_work(username):
    # The instance Django uses (settings name this module by its dotted path, which may be a
    # second copy of the module pytest imported).
    hasher = type(get_hashers()[0])
    hasher.runs = 0
    page = Client().post("/login", {"username": username, "password": "wrong guess 1"})
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())  # new on every page
    return page.status_code, html.replace(username, "NAME"), hasher.runs


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer_for_the_same_work(make_account, settings):
    settings.PASSWORD_HASHERS = ["tests.auth.test_log_in.CountingArgon2"]
    make_account("alice")
    known, unknown = answer_and_work("alice"), answer_and_work("nobody")
    assert known == unknown
    assert known[2] == 1  # the hasher ran once for each
    assert "Wrong username or password" in known[1]


def test_the_admins_log_in_is_throttled_too(make_account):
    make_account("alice")
    Account.objects.filter(username="alice").update(is_staff=True, is_superuser=True)
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(5):
        attacker.post("/admin/login/", {"username": "alice", "password": f"guess {n} wrong"})
    refused = attacker.post("/admin/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200 and "Too many failed attempts" in refused.content.decode()
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert owner.post("/admin/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert owner.get("/admin/").status_code == 200
