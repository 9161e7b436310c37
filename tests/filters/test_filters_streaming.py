"""Filters on the live streams of a running `chirvir serve`: a hidden post never arrives, a warned
one arrives marked, on the user stream (home) and the public one."""

import json

from tests.streaming.test_streaming import ids, is_update_of


def test_the_streams_apply_the_readers_filters(community):
    alice, bob, carol = (community.join(name) for name in ("alice", "bob", "carol"))
    bob.api.account_follow(alice.id)
    bob.api.create_filter_v2("Veg", ["home", "public"], "hide", keywords_attributes=[{"keyword": "broccoli"}])
    bob.api.create_filter_v2("Films", ["home"], "warn", keywords_attributes=[{"keyword": "spoiler"}])
    with (
        community.sse("user", bob.token) as home,
        community.sse("public", bob.token) as public,
        community.sse("public", carol.token) as witness,
    ):
        hidden = alice.api.status_post("broccoli for dinner")
        assert ids([witness.next_event()]) == [str(hidden.id)]  # carol has no filter
        warned = alice.api.status_post("a spoiler ahead")
        heard = home.events_until(is_update_of(warned))
        assert ids(heard) == [str(warned.id)]
        assert json.loads(heard[0][1])["filtered"][0]["filter"]["title"] == "Films"
        # The public stream is read in the public context: only the hide filter is for it.
        [(_name, data)] = public.events_until(is_update_of(warned))
        assert json.loads(data)["filtered"] == []
