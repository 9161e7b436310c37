"""Trends tests use the API tests' clients: a test client with a token, Mastodon.py live."""

from tests.api.conftest import api_client, mastodon_for, oauth_app, token_for  # noqa: F401
