"""The API fixtures (tokens, a test client with one, Mastodon.py against the live test server)."""

from tests.api.conftest import api_client, as_alice, as_bob, as_carol, mastodon_for, oauth_app, token_for  # noqa: F401
