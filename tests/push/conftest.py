"""Fixtures for push tests in the test run's own process: a test client carrying a token."""

import pytest
from django.test import Client

from chirvir.oauth import services as auth


@pytest.fixture
def api_client():
    """A test client for the account whose requests carry a token with these scopes."""
    application, _client_id, _secret = auth.create_application("Push tests", scopes="read write follow push")

    def make(account, scopes="read write follow push"):
        return Client(HTTP_AUTHORIZATION=f"Bearer {auth.issue_token(application, account, scopes)}")

    return make


@pytest.fixture
def as_bob(api_client, bob):
    return api_client(bob)
