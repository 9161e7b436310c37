"""Polls through the Mastodon API, as apps send them (form-encoded `poll[options][]` and JSON):
the limits the instance announces are the ones enforced, votes by the rules, results that
respect hide_totals, edits that reset votes, and the audience gate."""

from datetime import timedelta
from urllib.parse import urlencode

import orjson
import pytest
from django.test import Client
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.polls.models import Poll

FORM = "application/x-www-form-urlencoded"


def post_poll(client, options=("Tea", "Coffee"), expires_in=600, **extra):
    form = {"status": "Tea or coffee?", "poll[options][]": list(options), "poll[expires_in]": str(expires_in)}
    form.update({f"poll[{k}]": str(v).lower() for k, v in extra.items()})
    return client.post("/api/v1/statuses", form)


def post_json(client, body):
    return client.post("/api/v1/statuses", orjson.dumps(body), content_type="application/json")


def vote(client, poll_id, *choices):
    return client.post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": [str(c) for c in choices]})


def test_a_form_poll_is_posted_and_shown_in_the_status(as_alice):
    r = post_poll(as_alice, ("Tea", "Coffee", "Both"), expires_in=3600, multiple=True)
    assert r.status_code == 200, r.content
    poll = r.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee", "Both"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 0, 0]
    assert poll["multiple"] is True and poll["expired"] is False
    assert poll["votes_count"] == 0 and poll["voters_count"] == 0
    assert poll["voted"] is True and poll["own_votes"] == []  # the author, as on Mastodon


def test_a_json_poll_is_posted(as_alice):
    r = post_json(as_alice, {"status": "Which?",
                             "poll": {"options": ["A", "B"], "expires_in": 300, "hide_totals": True}})
    assert r.status_code == 200, r.content
    assert [o["title"] for o in r.json()["poll"]["options"]] == ["A", "B"]


def test_the_instance_announces_exactly_the_limits_enforced(as_alice):
    polls = Client().get("/api/v2/instance").json()["configuration"]["polls"]
    assert polls == Client().get("/api/v1/instance").json()["configuration"]["polls"]
    assert polls == {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                     "max_expiration": 2629746}
    most, longest = polls["max_options"], polls["max_characters_per_option"]
    assert post_poll(as_alice, [f"o{i}" for i in range(most)]).status_code == 200
    r = post_poll(as_alice, [f"o{i}" for i in range(most + 1)])
    assert r.status_code == 422
    assert r.json()["error"] == "Validation failed: Poll options can't contain more than 4 items"
    assert post_poll(as_alice, ["x" * longest, "y"]).status_code == 200
    assert post_poll(as_alice, ["ह" * longest, "y"]).status_code == 200  # counted as a reader counts
    r = post_poll(as_alice, ["x" * (longest + 1), "y"])
    assert r.status_code == 422 and "cannot be longer than 50 characters" in r.json()["error"]
    assert post_poll(as_alice, expires_in=polls["min_expiration"]).status_code == 200
    assert post_poll(as_alice, expires_in=polls["max_expiration"]).status_code == 200
    r = post_poll(as_alice, expires_in=polls["min_expiration"] - 1)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: Poll expires at is too soon"
    r = post_poll(as_alice, expires_in=polls["max_expiration"] + 1)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: Poll expires at is too far into the future"


@pytest.mark.parametrize(
    "options, message",
    [
        (["only one"], "Validation failed: Poll options must have more than one item"),
        (["same", "same"], "Validation failed: Poll options contain duplicate items"),
    ],
)
def test_a_poll_needs_two_different_options(as_alice, options, message):
    r = post_poll(as_alice, options)
    assert r.status_code == 422 and r.json()["error"] == message
    assert not Poll.objects.exists()


def test_a_vote_counts_and_shows_on_the_next_read(as_alice, as_bob, as_carol):
    status = post_poll(as_alice).json()
    poll_id = status["poll"]["id"]
    as_alice.get(f"/api/v1/statuses/{status['id']}")  # the status's JSON is cached now
    r = vote(as_bob, poll_id, 1)
    assert r.status_code == 200, r.content
    assert r.json()["voted"] is True and r.json()["own_votes"] == [1]
    assert [o["votes_count"] for o in r.json()["options"]] == [0, 1]
    seen = as_carol.get(f"/api/v1/statuses/{status['id']}").json()["poll"]
    assert seen["votes_count"] == 1 and seen["voters_count"] == 1
    assert seen["voted"] is False and seen["own_votes"] == []
    assert as_alice.get(f"/api/v1/statuses/{status['id']}").json()["poll"]["options"][1]["votes_count"] == 1
    public = Client().get(f"/api/v1/polls/{poll_id}").json()
    assert public["votes_count"] == 1 and "voted" not in public and "own_votes" not in public


def test_votes_by_mastodons_rules(as_alice, as_bob, as_carol):
    single = post_poll(as_alice).json()["poll"]["id"]
    r = vote(as_alice, single, 0)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: You cannot vote in your own polls"
    r = vote(as_bob, single, 0, 1)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: You have already voted on this poll"
    r = vote(as_bob, single, 2)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: The chosen vote option does not exist"
    r = as_bob.post(f"/api/v1/polls/{single}/votes", {})
    assert r.status_code == 400 and "choices" in r.json()["error"]
    assert vote(as_bob, single, 0).status_code == 200
    r = vote(as_bob, single, 1)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: You have already voted on this poll"
    several = post_poll(as_alice, ("A", "B", "C"), multiple=True).json()["poll"]["id"]
    r = vote(as_carol, several, 0, 2)
    assert r.status_code == 200 and r.json()["own_votes"] == [0, 2]
    assert r.json()["votes_count"] == 2 and r.json()["voters_count"] == 1


def test_no_vote_after_the_poll_ended(as_alice, as_bob):
    poll_id = post_poll(as_alice).json()["poll"]["id"]
    Poll.objects.filter(id=poll_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    r = vote(as_bob, poll_id, 0)
    assert r.status_code == 422 and r.json()["error"] == "Validation failed: The poll has already ended"
    assert as_bob.get(f"/api/v1/polls/{poll_id}").json()["expired"] is True


def test_hidden_totals_show_once_the_poll_ended(as_alice, as_bob):
    status = post_poll(as_alice, hide_totals=True).json()
    poll_id = status["poll"]["id"]
    r = vote(as_bob, poll_id, 0)
    assert [o["votes_count"] for o in r.json()["options"]] == [None, None]
    assert [o["votes_count"] for o in as_alice.get(f"/api/v1/polls/{poll_id}").json()["options"]] == [None, None]
    Poll.objects.filter(id=poll_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    shown = as_alice.get(f"/api/v1/statuses/{status['id']}").json()["poll"]
    assert [o["votes_count"] for o in shown["options"]] == [1, 0]


def test_an_edit_with_new_options_resets_the_votes(as_alice, as_bob):
    status = post_poll(as_alice).json()
    poll_id = status["poll"]["id"]
    vote(as_bob, poll_id, 0)
    same = {"status": "Tea or coffee, really?", "poll[options][]": ["Tea", "Coffee"], "poll[expires_in]": "600"}
    r = as_alice.put(f"/api/v1/statuses/{status['id']}", urlencode(same, doseq=True), content_type=FORM)
    assert r.status_code == 200 and r.json()["poll"]["votes_count"] == 1  # the same options keep them
    changed = {**same, "poll[options][]": ["Tea", "Coffee", "Water"]}
    r = as_alice.put(f"/api/v1/statuses/{status['id']}", urlencode(changed, doseq=True), content_type=FORM)
    assert r.status_code == 200, r.content
    poll = r.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee", "Water"]
    assert poll["votes_count"] == 0 and [o["votes_count"] for o in poll["options"]] == [0, 0, 0]
    bob_sees = as_bob.get(f"/api/v1/polls/{poll['id']}").json()
    assert bob_sees["voted"] is False and bob_sees["own_votes"] == []
    assert vote(as_bob, poll["id"], 2).status_code == 200  # and bob may vote again
    r = as_alice.put(f"/api/v1/statuses/{status['id']}", urlencode({"status": "No poll now"}), content_type=FORM)
    assert r.status_code == 200 and r.json()["poll"] is None


def test_a_followers_only_poll_is_closed_to_a_stranger(as_alice, as_bob, as_carol, bob, alice):
    accounts.follow(bob, alice)
    status = as_alice.post(
        "/api/v1/statuses",
        {"status": "For my followers", "visibility": "private", "poll[options][]": ["Yes", "No"],
         "poll[expires_in]": "600"},
    ).json()
    poll_id = status["poll"]["id"]
    assert vote(as_bob, poll_id, 0).status_code == 200
    r = vote(as_carol, poll_id, 1)
    assert r.status_code == 404
    assert as_carol.get(f"/api/v1/polls/{poll_id}").status_code == 404
    assert Client().get(f"/api/v1/polls/{poll_id}").status_code == 404
    assert as_carol.get(f"/api/v1/statuses/{status['id']}").status_code == 404
    assert as_alice.get(f"/api/v1/polls/{poll_id}").json()["votes_count"] == 1


def test_a_blocked_account_cannot_vote(as_alice, as_bob, alice, bob):
    poll_id = post_poll(as_alice).json()["poll"]["id"]
    accounts.block(alice, bob)
    assert vote(as_bob, poll_id, 0).status_code == 404


def test_the_poll_shows_in_timelines_and_reposts(as_alice, as_bob, alice, bob):
    accounts.follow(bob, alice)
    status = post_poll(as_alice).json()
    vote(as_bob, status["poll"]["id"], 1)
    home = as_bob.get("/api/v1/timelines/home").json()
    assert home[0]["poll"]["own_votes"] == [1]
    repost = as_bob.post(f"/api/v1/statuses/{status['id']}/reblog").json()
    assert repost["poll"] is None and repost["reblog"]["poll"]["own_votes"] == [1]
    assert as_alice.get(f"/api/v1/accounts/{bob.id}/statuses").json()[0]["reblog"]["poll"]["votes_count"] == 1
