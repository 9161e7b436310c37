"""Fixtures for API tests: an app, tokens, a test client that sends one, and the real Mastodon.py
client against the live test server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from mastodon import Mastodon

from chirvir.oauth import services as auth

DEFAULT_SCOPES = "read write follow push"
TOOT = Path(sys.executable).with_name("toot")


@pytest.fixture
def oauth_app():
    application, _client_id, _secret = auth.create_application("Chirvir tests", scopes=DEFAULT_SCOPES)
    return application


@pytest.fixture
def token_for(oauth_app):
    def issue(account, scopes=DEFAULT_SCOPES):
        return auth.issue_token(oauth_app, account, scopes)

    return issue


@pytest.fixture
def api_client(token_for):
    """A test client for the account (None: an app token) whose requests carry its token."""

    def make(account, scopes=DEFAULT_SCOPES):
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(account, scopes)}")

    return make


@pytest.fixture
def mastodon_for(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.DOMAIN = live_server.url.split("://", 1)[-1]

    def make(account, scopes=DEFAULT_SCOPES):
        application, client_id, client_secret = auth.create_application("Mastodon.py", scopes=DEFAULT_SCOPES)
        return Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            access_token=auth.issue_token(application, account, scopes),
            api_base_url=live_server.url,
        )

    return make


@pytest.fixture
def as_alice(api_client, alice):
    return api_client(alice)


@pytest.fixture
def as_bob(api_client, bob):
    return api_client(bob)


@pytest.fixture
def as_carol(api_client, carol):
    return api_client(carol)


@pytest.fixture
def toot(live_server, settings, tmp_path):
    """The real toot CLI against the live test server: `toot(*args)` runs one command and returns
    what it printed; it must succeed, or with `fails=True` fail."""
    settings.SITE_URL = live_server.url
    settings.DOMAIN = live_server.url.split("://", 1)[-1]
    # toot keeps its app and token under $XDG_CONFIG_HOME/toot, and the last post's ID in its cache.
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run(*args: str, fails: bool = False) -> str:
        done = subprocess.run([TOOT, *args], env=env, capture_output=True, text=True, timeout=120, check=False)
        assert (done.returncode != 0) == fails, f"toot {args[0]}:\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    return run
