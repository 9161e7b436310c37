"""The API fixtures (tokens, a test client with one, Mastodon.py and toot against the live test server)
and the browser's (a real Chromium at a live `chirvir serve`)."""

from tests.api.conftest import api_client, as_alice, as_bob, as_carol, mastodon_for, oauth_app, token_for  # noqa: F401
from tests.api.conftest import toot  # noqa: F401  the real toot CLI against the live test server
from tests.web.conftest import browser, site, visitor  # noqa: F401  a real browser at a live server
