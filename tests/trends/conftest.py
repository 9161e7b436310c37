"""Trends tests use the API tests' clients (a test client with a token)."""

from tests.api.conftest import api_client, oauth_app, token_for  # noqa: F401
