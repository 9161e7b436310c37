"""The media tests upload as a client app does: the API tests' token fixtures."""

from tests.api.conftest import api_client, as_alice, as_bob, mastodon_for, oauth_app, toot, token_for  # noqa: F401
from tests.web.conftest import browser, site, visitor  # noqa: F401,E402  (the browser test's real server)
