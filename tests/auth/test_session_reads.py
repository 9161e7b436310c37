"""A signed-in request's session and account are read by compiled queries (chirvir/core/sessions.py,
chirvir/accounts/backends.py), afresh at every request: an expired session, a suspended or deleted
account and a forged cookie are refused at once, and the sessions logged in under Django's own
backend's name before stay signed in after the upgrade (accounts/migrations/0012)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from chirvir.accounts.models import Account

PASSWORD = "a long password 7"
renaming = importlib.import_module("chirvir.accounts.migrations.0012_sessions_name_the_account_backend")


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def logged_in(username) -> Client:
    client = Client()
    assert client.post("/login", {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.django_db
def test_a_session_kept_under_djangos_backend_name_stays_signed_in_after_the_upgrade(make_account):
    alice = make_account("alice")
    before = SessionStore()  # as a log-in left it before AUTHENTICATION_BACKENDS named chirvir's
    before[SESSION_KEY] = str(alice.pk)
    before[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    before[HASH_SESSION_KEY] = alice.get_session_auth_hash()
    before.save()
    client = Client()
    client.cookies["sessionid"] = before.session_key
    assert not is_signed_in(client), "Django accepts only the backends it is given"

    renaming.forwards(apps, None)
    assert is_signed_in(client)
    kept = SessionStore(before.session_key).load()
    assert kept[BACKEND_SESSION_KEY] == "chirvir.accounts.backends.AccountBackend"
    assert kept[SESSION_KEY] == str(alice.pk) and kept[HASH_SESSION_KEY] == alice.get_session_auth_hash()

    renaming.backwards(apps, None)
    assert SessionStore(before.session_key).load()[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"


@pytest.mark.django_db
def test_an_expired_session_a_suspended_or_deleted_account_and_a_forged_cookie_are_refused(make_account):
    make_account("alice")
    client = logged_in("alice")
    assert is_signed_in(client)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert not is_signed_in(client)

    client = logged_in("alice")
    Account.objects.filter(username="alice").update(is_active=False)
    assert not is_signed_in(client)

    make_account("bob")
    client = logged_in("bob")
    Account.objects.filter(username="bob").delete()
    assert not is_signed_in(client)

    # Bytes beyond ASCII reach Django as Latin-1, as WSGI hands them over.
    for forged in ("'; DROP TABLE django_session; --", "x" * 5000, "\u00e9t\u00e9\u00ff" * 40):
        client = Client()
        client.cookies["sessionid"] = forged
        assert client.get("/settings").status_code == 302  # to the log-in page, not an error
    assert Session.objects.exists()
