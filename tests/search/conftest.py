"""Search tests use the API tests' clients: a test client with a token, Mastodon.py live."""

from tests.api.conftest import api_client, as_bob, as_carol, mastodon_for, oauth_app, toot, token_for  # noqa: F401
