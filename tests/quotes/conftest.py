"""Quote tests use the API tests' clients (a test client with a token, Mastodon.py live) and the
web tests' live server and browser."""

from tests.api.conftest import api_client, as_alice, as_bob, as_carol, mastodon_for, oauth_app, token_for  # noqa: F401
from tests.web.conftest import browser, site, visitor  # noqa: F401, E402  a real browser at a live server
