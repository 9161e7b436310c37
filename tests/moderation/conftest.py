"""Fixtures for moderation: a moderator (a staff account), and API clients whose tokens carry
the admin scopes or not."""

import pytest
from django.test import Client

from chirvir.oauth import services as auth

USER_SCOPES = "read write follow push"
ADMIN_SCOPES = "read write follow admin:read admin:write"


@pytest.fixture
def api_client():
    """A test client for the account whose requests carry a token with these scopes."""
    application, _client_id, _secret = auth.create_application("Moderation tests", scopes=ADMIN_SCOPES)

    def make(account, scopes=USER_SCOPES):
        return Client(HTTP_AUTHORIZATION=f"Bearer {auth.issue_token(application, account, scopes)}")

    return make


@pytest.fixture
def moderator(make_account):
    account = make_account("mod", email="mod@example.com")
    account.is_staff = True
    account.save(update_fields=["is_staff"])
    return account


@pytest.fixture
def as_moderator(api_client, moderator):
    return api_client(moderator, ADMIN_SCOPES)


@pytest.fixture
def signed_in():
    """A browser's session (Django's test client) signed in as the account."""

    def make(account):
        client = Client()
        client.force_login(account)
        return client

    return make
