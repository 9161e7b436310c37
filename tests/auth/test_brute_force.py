"""A password-guessing loop against a live `chirvir serve`, as an attacker runs it: from one
address, forging a new X-Forwarded-For on every guess, on the web log-in and on /oauth/token's
password grant. After a few wrong guesses that address is refused, even with the right password,
while the owner, from another address, logs in with it at once. (Loopback has many addresses:
each client here connects from its own 127.0.0.x, as machines on a network would.)"""

import re

import httpx
import pytest

from tests.servers import manage, serving

PASSWORD = "a long password 7"
GUESSES = ["123456", "password1", "letmein!", "qwertyuiop", "iloveyou2", "sunshine9", "dragon12", "monkey99"]
pytestmark = pytest.mark.slow


def client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address=address), timeout=30)


def web_log_in(client: httpx.Client, username: str, password: str, forged: str | None = None) -> httpx.Response:
    page = client.get("/login").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    headers = {"X-Forwarded-For": forged} if forged else {}
    return client.post("/login", data={"csrfmiddlewaretoken": token, "username": username, "password": password},
                       headers=headers)


def token_request(client: httpx.Client, app: dict, username: str, password: str, forged: str | None = None):
    form = {"grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": username, "password": password, "scope": "read"}
    return client.post("/oauth/token", data=form, headers={"X-Forwarded-For": forged} if forged else {})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("brute")
    with serving(data) as base:
        manage(data, "createuser", "alice", "--password", PASSWORD)
        manage(data, "createuser", "bob", "--password", PASSWORD)
        yield base


def test_guessing_on_the_web_log_in_stops_while_the_owner_gets_in_from_elsewhere(site):
    with client_from(site, "127.0.0.2") as attacker:
        answers = [web_log_in(attacker, "alice", guess, forged=f"198.51.100.{n}") for n, guess in enumerate(GUESSES)]
        assert all(a.status_code == 200 for a in answers)  # the form again, never a way in
        assert "match" in answers[0].text or "Wrong" in answers[0].text
        assert all("Too many failed attempts" in a.text for a in answers[5:])
        # The right password no longer helps from this address, nor from a forged one.
        right = web_log_in(attacker, "alice", PASSWORD, forged="203.0.113.50")
        assert right.status_code == 200 and "Too many failed attempts" in right.text
    with client_from(site, "127.0.0.3") as owner:
        answer = web_log_in(owner, "alice", PASSWORD)
        assert answer.status_code == 302 and answer.headers["location"] == "/home"


def test_guessing_on_the_token_endpoint_stops_while_the_owner_gets_a_token_from_elsewhere(site):
    app = httpx.post(f"{site}/api/v1/apps", data={"client_name": "Guesser", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                 "scopes": "read"}).json()
    with client_from(site, "127.0.0.4") as attacker:
        answers = [token_request(attacker, app, "bob", guess, forged=f"198.51.100.{n}") for n, guess in enumerate(GUESSES)]
        assert [a.status_code for a in answers[:5]] == [400] * 5
        assert all(a.json()["error"] == "invalid_grant" for a in answers[:5])
        assert [a.status_code for a in answers[5:]] == [429] * (len(GUESSES) - 5)
        assert "Too many failed attempts" in answers[-1].json()["error"]
        right = token_request(attacker, app, "bob", PASSWORD, forged="203.0.113.50")
        assert right.status_code == 429 and "access_token" not in right.json()
    with client_from(site, "127.0.0.5") as owner:
        answer = token_request(owner, app, "bob", PASSWORD)
        assert answer.status_code == 200 and answer.json()["access_token"]


def test_spraying_many_accounts_from_one_address_is_stopped_too(site):
    with client_from(site, "127.0.0.6") as attacker:
        answers = [web_log_in(attacker, f"someone{n}", "password1") for n in range(21)]
        assert "Too many failed attempts" not in answers[0].text
        assert "Too many failed attempts" in answers[-1].text
        assert "Too many failed attempts" in web_log_in(attacker, "alice", PASSWORD).text
