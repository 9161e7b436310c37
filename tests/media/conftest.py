"""The media tests upload as a client app does: the API tests' token fixtures."""

from tests.api.conftest import api_client, as_alice, oauth_app, token_for  # noqa: F401
