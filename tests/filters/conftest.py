"""The API tests' fixtures (an app, tokens, test clients, Mastodon.py against the live server)."""

from tests.api.conftest import api_client, mastodon_for, oauth_app, token_for  # noqa: F401
from tests.streaming.conftest import community  # noqa: F401, E402  a live `chirvir serve`, for the streams
from tests.web.conftest import browser, site, visitor  # noqa: F401, E402  a real browser at a live server
