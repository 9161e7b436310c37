"""The `list` stream on a live server: its owner hears its members' posts as the list takes them
(replies_policy at work), a subscriber of a public list hears only what their own gate allows, and
anyone else is refused."""

import json

from tests.streaming.test_streaming import ids, is_frame_of, is_update_of


def test_the_owner_and_a_subscriber_hear_a_list_as_it_fills(community):
    alice, bob, pat, erin, dave = (community.join(name) for name in ("alice", "bob", "pat", "erin", "dave"))
    pat.api.account_update_credentials(locked=True)
    for followed in (bob, pat, dave):
        alice.api.account_follow(followed.id)
    pat.api.follow_request_authorize(alice.id)
    tea = alice.api.list_create("Tea", replies_policy="none")
    alice.api.list_accounts_add(tea.id, [bob.id, pat.id])
    # Beyond Mastodon.py's reach: making the list public and subscribing to it.
    alice.api._Mastodon__api_request("PUT", f"/api/v1/lists/{tea.id}", {"public": True})
    erin.api._Mastodon__api_request("POST", f"/api/v1/lists/{tea.id}/subscribe")

    with (
        community.sse("list", alice.token, list=tea.id) as owner,
        community.sse("list", erin.token, list=tea.id) as sub,
    ):
        hidden = pat.api.status_post("Pat to approved followers")
        question = dave.api.status_post("Dave asks")
        bob.api.status_post("Dave, no: replies are left out", in_reply_to_id=question.id)
        last = bob.api.status_post("Bob for all")
        heard = owner.events_until(is_update_of(last))
        assert ids(heard) == [hidden.id, last.id]
        # erin does not follow pat: the same list, read through her own gate.
        assert ids(sub.events_until(is_update_of(last))) == [last.id]
        assert json.loads(heard[-1][1]) == alice.api._Mastodon__api_request("GET", f"/api/v1/statuses/{last.id}")

    # Over the WebSocket, as [name, list_id]; someone neither owner nor subscriber is refused.
    with community.websocket(alice.token) as ws:
        ws.send(type="subscribe", stream="list", list=str(tea.id))
        ws.settled()
        posted = bob.api.status_post("Bob again")
        frame = ws.next_frame()
        assert is_frame_of(posted)(frame) and frame["stream"] == ["list", str(tea.id)]
    with community.sse("list", dave.token, list=tea.id) as refused:
        assert (refused.status_code, refused.body()) == (401, {"error": "Not authorized to stream this list"})
