"""Fixtures for hashtag tests: the API's tokens and the real Mastodon.py against the live test server."""

from tests.api.conftest import api_client, mastodon_for, oauth_app, token_for  # noqa: F401
from tests.web.conftest import browser, site, visitor  # noqa: F401  a real browser at a live server
from tests.streaming.conftest import community  # noqa: F401, E402  a live `chirvir serve`, for the user stream
