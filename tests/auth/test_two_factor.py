"""Two-factor authentication (TOTP): turned on from settings with a QR code and a code that
proves the app holds the key, ten recovery codes shown once and kept hashed; asked after the
password on the web log-in and on the OAuth authorize page; refused for the password grant with
a clear error; turned off with a code. pyotp computes codes as an authenticator app would."""

import re
import time

import pyotp
from django.test import Client

from chirvir.oauth import services as oauth
from chirvir.signins.models import RecoveryCode

PASSWORD = "a long password 7"


def logged_in(username):
    client = Client()
    assert client.post("/login", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def turn_on(client) -> tuple[str, list[str]]:
    page = client.get("/settings/two_factor").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    secret = re.search(r'id="two-factor-secret" dir="ltr">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/settings/two_factor/enable", {"code": "000000"})
    assert wrong.status_code == 422
    done = client.post("/settings/two_factor/enable", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.content.decode())
    assert len(codes) == 10
    return secret, codes


def next_code(secret: str) -> str:
    """A code of a later step than any taken: each step's code works once."""
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + totp.interval)


def test_turning_it_on_shows_ten_recovery_codes_once_kept_only_hashed(make_account):
    alice = make_account("alice")
    client = logged_in("alice")
    _secret, codes = turn_on(client)
    stored = list(RecoveryCode.objects.filter(account=alice).values_list("digest", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert not any(code in client.get("/settings/two_factor").content.decode() for code in codes)


def test_the_web_log_in_asks_for_the_code_after_the_password(make_account):
    make_account("alice")
    secret, codes = turn_on(logged_in("alice"))
    browser = Client()
    step = browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert step.status_code == 302 and step["Location"].startswith("/login/code")
    assert browser.get("/settings").status_code == 302  # not logged in yet
    assert browser.post(step["Location"], {"code": "123456"}).status_code == 422
    assert browser.get("/settings").status_code == 302
    done = browser.post(step["Location"], {"code": next_code(secret)})
    assert done.status_code == 302 and browser.get("/settings").status_code == 200

    # A recovery code works once.
    other = Client()
    step = other.post("/login", {"username": "alice", "password": PASSWORD})
    assert other.post(step["Location"], {"code": codes[0]}).status_code == 302
    again = Client()
    step = again.post("/login", {"username": "alice", "password": PASSWORD})
    assert again.post(step["Location"], {"code": codes[0]}).status_code == 422


def test_the_code_page_without_a_right_password_first_lets_nobody_in(make_account):
    make_account("alice")
    secret, _codes = turn_on(logged_in("alice"))
    stranger = Client()
    assert stranger.post("/login/code", {"code": next_code(secret)})["Location"] == "/login"
    assert stranger.get("/settings").status_code == 302


def test_guessing_codes_is_throttled(make_account):
    make_account("alice")
    secret, _codes = turn_on(logged_in("alice"))
    browser = Client()
    step = browser.post("/login", {"username": "alice", "password": PASSWORD})
    for n in range(5):
        browser.post(step["Location"], {"code": f"00000{n}"})
    refused = browser.post(step["Location"], {"code": next_code(secret)})
    assert "Too many failed attempts" in refused.content.decode()
    assert browser.get("/settings").status_code == 302


def test_the_authorize_page_asks_for_the_code_too(make_account):
    make_account("alice")
    secret, _codes = turn_on(logged_in("alice"))
    _app, client_id, _secret = oauth.create_application("Pocket Reader")
    url = f"/oauth/authorize?client_id={client_id}&response_type=code&redirect_uri={oauth.OOB}&scope=read"
    browser = Client()
    assert browser.post(url, {"username": "alice", "password": PASSWORD}).status_code == 303
    page = browser.get(url).content.decode()
    assert 'name="code"' in page and 'name="decision"' not in page
    assert 'name="decision"' not in browser.post(url, {"code": "999999"}).content.decode()
    assert browser.post(url, {"code": next_code(secret)}).status_code == 303
    assert 'name="decision"' in browser.get(url).content.decode()


def test_the_password_grant_is_refused_with_a_clear_error(make_account):
    make_account("alice")
    turn_on(logged_in("alice"))
    _app, client_id, client_secret = oauth.create_application("Pocket Reader")
    answer = Client().post("/oauth/token", {
        "grant_type": "password", "client_id": client_id, "client_secret": client_secret,
        "username": "alice", "password": PASSWORD, "scope": "read",
    })
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_grant" and "two-factor" in body["error_description"]
    assert "access_token" not in body


def test_turning_it_off_takes_a_code(make_account):
    make_account("alice")
    client = logged_in("alice")
    secret, _codes = turn_on(client)
    assert client.post("/settings/two_factor/disable", {"code": "111111"}).status_code == 422
    assert client.post("/settings/two_factor/disable", {"code": next_code(secret)}).status_code == 302
    step = Client().post("/login", {"username": "alice", "password": PASSWORD})
    assert step["Location"] == "/home"
