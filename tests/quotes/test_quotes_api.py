"""Quote posts through the Mastodon API (4.5's shapes): quoting, who may quote, the quote in a
status's JSON through the audience gate for each viewer (the cached JSON never carries it to
someone who may not see the quoted post), a deleted quoted post, the quotes of one's post,
revoking, and the `quote` notification."""

import asyncio

import pytest

from chirvir.accounts import services as accounts
from chirvir.events.bus import Event
from chirvir.statuses import services as statuses
from chirvir.streaming import streams


def quote(client, quoted_id, text="look at this", **more):
    return client.post("/api/v1/statuses", {"status": text, "quoted_status_id": str(quoted_id), **more})


def read(client, status_id) -> dict:
    response = client.get(f"/api/v1/statuses/{status_id}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def protected_alice(alice, bob):
    """Alice is protected; Bob is her approved follower, Carol a stranger."""
    accounts.update_profile(alice, locked=True)
    accounts.follow(bob, alice)
    accounts.approve_follow_request(alice, bob)
    return alice


def test_a_quote_carries_the_quoted_post_its_count_and_a_notification(as_alice, as_bob, alice):
    post = statuses.post_status(alice, "worth quoting")
    response = quote(as_bob, post.id)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["quote"]["state"] == "accepted"
    assert data["quote"]["quoted_status"]["id"] == str(post.id)
    assert data["quote"]["quoted_status"]["content"] == "<p>worth quoting</p>"
    assert data["quote"]["quoted_status"]["quote"] is None
    assert read(as_bob, post.id)["quotes_count"] == 1
    notes = as_alice.get("/api/v1/notifications").json()
    assert [(n["type"], n["status"]["id"]) for n in notes] == [("quote", data["id"])]


def test_a_post_that_quotes_nothing_says_so_and_who_may_quote_it(as_alice, as_bob, client, alice):
    post = statuses.post_status(alice, "plain")
    mine, theirs, anonymous = read(as_alice, post.id), read(as_bob, post.id), read(client, post.id)
    assert mine["quote"] is None and mine["quotes_count"] == 0
    assert mine["quote_approval"] == {"automatic": ["public"], "manual": [], "current_user": "automatic"}
    assert theirs["quote_approval"]["current_user"] == "automatic"
    assert anonymous["quote_approval"]["current_user"] == "unknown"


def test_followers_only_posts_and_direct_messages_cannot_be_quoted_by_others(as_alice, as_bob, alice, bob):
    accounts.follow(bob, alice)
    private = statuses.post_status(alice, "followers only", visibility="private")
    direct = statuses.post_status(alice, "@bob just you", visibility="direct")
    for post in (private, direct):
        response = quote(as_bob, post.id)
        assert response.status_code == 422, response.content
        assert read(as_bob, post.id)["quote_approval"] == {"automatic": [], "manual": [], "current_user": "denied"}
    # Its author may quote it (as Mastodon allows one's own).
    assert quote(as_alice, private.id, visibility="private").status_code == 200


def test_the_quote_approval_policy_decides_who_may_quote(as_alice, as_bob, as_carol, alice, bob):
    accounts.follow(bob, alice)
    response = as_alice.post("/api/v1/statuses", {"status": "followers may", "quote_approval_policy": "followers"})
    followers = response.json()
    assert followers["quote_approval"]["automatic"] == ["followers"]
    assert read(as_bob, followers["id"])["quote_approval"]["current_user"] == "automatic"
    assert read(as_carol, followers["id"])["quote_approval"]["current_user"] == "denied"
    assert quote(as_carol, followers["id"]).status_code == 403
    assert quote(as_bob, followers["id"]).status_code == 200

    nobody = as_alice.post("/api/v1/statuses", {"status": "no quotes", "quote_approval_policy": "nobody"}).json()
    assert nobody["quote_approval"] == {"automatic": [], "manual": [], "current_user": "automatic"}
    assert quote(as_bob, nobody["id"]).status_code == 403
    bad = as_alice.post("/api/v1/statuses", {"status": "?", "quote_approval_policy": "everyone"})
    assert bad.status_code == 422


def test_the_default_quote_policy_is_the_accounts_source(as_alice, as_bob):
    form = "application/x-www-form-urlencoded"
    response = as_alice.patch("/api/v1/accounts/update_credentials", "source[quote_policy]=nobody", content_type=form)
    assert response.status_code == 200, response.content
    assert response.json()["source"]["quote_policy"] == "nobody"
    post = as_alice.post("/api/v1/statuses", {"status": "by default"}).json()
    assert post["quote_approval"]["automatic"] == []
    assert quote(as_bob, post["id"]).status_code == 403


def test_a_stranger_never_gets_a_protected_post_through_the_cache(as_bob, as_carol, client, protected_alice, bob):
    secret = statuses.post_status(protected_alice, "for my followers")
    mine = quote(as_bob, secret.id, "public words about it").json()
    # The follower reads first: the cache now holds the quoting post's JSON.
    assert read(as_bob, mine["id"])["quote"]["quoted_status"]["content"] == "<p>for my followers</p>"
    assert as_bob.get("/api/v1/timelines/home").json()[0]["quote"]["state"] == "accepted"
    for stranger in (as_carol, client):
        seen = read(stranger, mine["id"])
        assert seen["quote"] == {"state": "unauthorized", "quoted_status": None}
        assert "for my followers" not in str(seen)
        timeline = stranger.get("/api/v1/timelines/public").json()
        assert [s["quote"] for s in timeline] == [{"state": "unauthorized", "quoted_status": None}]
        assert "for my followers" not in str(timeline)
        assert "for my followers" not in stranger.get(f"/api/v1/accounts/{bob.id}/statuses").content.decode()


def test_a_live_update_to_a_stranger_holds_no_protected_quoted_post(carol, protected_alice, bob):
    secret = statuses.post_status(protected_alice, "for my followers")
    mine = statuses.post_status(bob, "about it", quoted_status_id=secret.id)
    update = Event(keys=("public:local",), name="update", payload={"status_id": mine.id})
    assert "for my followers" in asyncio.run(streams.render(bob, update))
    for stranger in (carol, None):
        sent = asyncio.run(streams.render(stranger, update))
        assert '"state":"unauthorized"' in sent and "for my followers" not in sent


def test_a_block_hides_the_quoted_post_from_the_blocked(as_carol, alice, carol, bob):
    post = statuses.post_status(alice, "open words")
    mine = statuses.post_status(bob, "quoting", quoted_status_id=post.id)
    assert read(as_carol, mine.id)["quote"]["state"] == "accepted"
    accounts.block(alice, carol)
    assert read(as_carol, mine.id)["quote"] == {"state": "unauthorized", "quoted_status": None}


def test_a_quote_of_a_deleted_post_shows_deleted(as_bob, alice, bob):
    post = statuses.post_status(alice, "soon gone")
    mine = statuses.post_status(bob, "quoting", quoted_status_id=post.id)
    statuses.delete_status(alice, post.id)
    assert read(as_bob, mine.id)["quote"] == {"state": "deleted", "quoted_status": None}


def test_a_quoted_post_shows_its_own_quote_shallow_through_the_gate(as_bob, as_carol, protected_alice, bob, carol):
    secret = statuses.post_status(protected_alice, "for my followers")
    inner = statuses.post_status(bob, "inner", quoted_status_id=secret.id)
    outer = statuses.post_status(carol, "outer", quoted_status_id=inner.id)
    follower_sees = read(as_bob, outer.id)["quote"]["quoted_status"]["quote"]
    assert follower_sees == {"state": "accepted", "quoted_status_id": str(secret.id)}
    stranger_sees = read(as_carol, outer.id)["quote"]["quoted_status"]["quote"]
    assert stranger_sees == {"state": "unauthorized", "quoted_status_id": None}


def test_only_the_quoted_posts_author_lists_its_quotes_and_revokes_one(as_alice, as_bob, as_carol, client, alice, bob):
    post = statuses.post_status(alice, "quote me")
    first = statuses.post_status(bob, "first quote", quoted_status_id=post.id)
    second = statuses.post_status(bob, "second quote", quoted_status_id=post.id)
    listed = as_alice.get(f"/api/v1/statuses/{post.id}/quotes")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()] == [str(second.id), str(first.id)]
    assert as_bob.get(f"/api/v1/statuses/{post.id}/quotes").status_code == 403
    assert as_carol.post(f"/api/v1/statuses/{post.id}/quotes/{first.id}/revoke").status_code == 403

    revoked = as_alice.post(f"/api/v1/statuses/{post.id}/quotes/{first.id}/revoke")
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["id"] == str(first.id)
    assert revoked.json()["quote"] == {"state": "revoked", "quoted_status": None}
    for reader in (as_bob, client):
        assert read(reader, first.id)["quote"] == {"state": "revoked", "quoted_status": None}
    assert read(as_alice, post.id)["quotes_count"] == 1
    assert [s["id"] for s in as_alice.get(f"/api/v1/statuses/{post.id}/quotes").json()] == [str(second.id)]
    # Twice changes nothing.
    assert as_alice.post(f"/api/v1/statuses/{post.id}/quotes/{first.id}/revoke").status_code == 200
    assert read(as_alice, post.id)["quotes_count"] == 1
    assert as_alice.post(f"/api/v1/statuses/{post.id}/quotes/{post.id}/revoke").status_code == 404


def test_deleting_a_quote_uncounts_it_and_an_edit_tells_the_quoters(as_alice, as_bob, alice, bob):
    post = statuses.post_status(alice, "counted")
    mine = statuses.post_status(bob, "quoting", quoted_status_id=post.id)
    assert read(as_alice, post.id)["quotes_count"] == 1
    statuses.edit_status(alice, post.id, "counted, edited")
    assert [n["type"] for n in as_bob.get("/api/v1/notifications").json()] == ["quoted_update"]
    statuses.delete_status(bob, mine.id)
    assert read(as_alice, post.id)["quotes_count"] == 0


def test_a_post_one_may_not_see_cannot_be_quoted(as_carol, protected_alice):
    secret = statuses.post_status(protected_alice, "for my followers")
    response = quote(as_carol, secret.id)
    assert response.status_code == 404
    assert "for my followers" not in response.content.decode()
