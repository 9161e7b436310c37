"""Two `chirvir serve` processes on one data directory (one database), as an operator runs more
than one: what a process keeps to answer fast (the JSON cache, the SQL of the hot reads compiled
once, chirvir/core/queries.py) never lets it answer from before a change made through the other.
A revoked token, a block, a deletion and an edit made through one are seen on the very next
request to the other."""

import time

import httpx
import pytest
from mastodon import Mastodon

from tests.servers import serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    data = tmp_path_factory.mktemp("two")
    # One web worker each, so every request to a server lands on the process that answered before.
    with serving(data, CHIRVIR_WEB_WORKERS="1", CHIRVIR_RATE_LIMIT="0") as first:
        with serving(data, CHIRVIR_WEB_WORKERS="1", CHIRVIR_RATE_LIMIT="0") as second:
            yield first, second


def join(base, client_id, client_secret, username):
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    return api, api.create_account(username, "a long password 7", f"{username}@example.com", agreement=True)


def home(base, token) -> list[dict]:
    response = httpx.get(f"{base}/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_what_one_server_changes_the_other_shows_on_its_next_answer(servers):
    first, second = servers
    client_id, client_secret = Mastodon.create_app("Two servers", api_base_url=first)
    (alice, _alice_token), (bob, bob_token) = (join(first, client_id, client_secret, name) for name in ("alice", "bob"))
    bob.account_follow(alice.me().id)
    kept = alice.status_post("kept")
    deleted = alice.status_post("to be deleted")
    edited = alice.status_post("as first written")

    def delivered():
        return {s["id"] for s in home(second, bob_token)} >= {str(kept.id), str(deleted.id), str(edited.id)}

    deadline = time.monotonic() + 30
    while not delivered():  # delivery is a job, done by either server's consumer
        assert time.monotonic() < deadline, "the posts never reached bob's home"
        time.sleep(0.2)
    for base in (first, second):  # each process has read, cached and compiled its answer
        assert {s["content"] for s in home(base, bob_token)} >= {"<p>as first written</p>", "<p>to be deleted</p>"}

    alice.status_update(edited.id, "as edited")
    alice.status_delete(deleted.id)
    shown = home(second, bob_token)
    assert str(deleted.id) not in {s["id"] for s in shown}
    assert {s["content"] for s in shown if s["id"] == str(edited.id)} == {"<p>as edited</p>"}

    alice.account_block(bob.me().id)
    assert home(second, bob_token) == []

    revoke = {"client_id": client_id, "client_secret": client_secret, "token": bob_token}
    assert httpx.post(f"{first}/oauth/revoke", data=revoke).status_code == 200
    refused = httpx.get(f"{second}/api/v1/timelines/home", headers={"Authorization": f"Bearer {bob_token}"})
    assert refused.status_code == 401
