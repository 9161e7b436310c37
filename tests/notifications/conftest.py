"""The API tests' fixtures (an app, tokens, test clients, Mastodon.py against the live server)."""

from tests.api.conftest import api_client, mastodon_for, oauth_app, token_for  # noqa: F401
