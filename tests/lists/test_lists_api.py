"""Lists through the API as apps use it: Mastodon.py against a live server for Mastodon's own
endpoints (replies_policy, exclusive, members only from those one follows), and the test client
for what goes beyond Mastodon (public lists, subscriptions), each post through the reader's gate."""

import re

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def texts(timeline) -> list[str]:
    return [plain(s.content) for s in timeline]


def json_texts(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [plain(s["content"]) for s in response.json()]


@pytest.fixture
def dave(make_account):
    return make_account("dave", display_name="Dave")


def test_exclusive_lists_and_replies_policy_in_mastodon_py(mastodon_for, alice, bob, carol, dave, make_account):
    for followed in (bob, carol, dave):
        accounts.follow(alice, followed)
    app = mastodon_for(alice)
    friends = app.list_create("Friends", replies_policy="list", exclusive=True)
    assert (friends.title, friends.replies_policy, friends.exclusive) == ("Friends", "list", True)
    app.list_accounts_add(friends.id, [bob.id, carol.id])
    assert {a.username for a in app.list_accounts(friends.id)} == {"bob", "carol"}
    assert [lst.title for lst in app.account_lists(bob.id)] == ["Friends"]

    # Only accounts alice follows, once each; a list not hers is not found.
    erin = make_account("erin")
    with pytest.raises(MastodonNotFoundError, match="Record not found"):
        app.list_accounts_add(friends.id, [erin.id])
    with pytest.raises(MastodonAPIError, match="Account has already been taken"):
        app.list_accounts_add(friends.id, [bob.id])
    with pytest.raises(MastodonNotFoundError):
        mastodon_for(bob).timeline_list(friends.id)
    with pytest.raises(MastodonAPIError, match="Title can't be blank"):
        app.list_create(" ")
    with pytest.raises(MastodonAPIError, match="'some' is not a valid replies_policy"):
        app.list_create("Odd", replies_policy="some")

    assert app.timeline_home() == [] and app.timeline_list(friends.id) == []  # both feeds made, then fed on write
    statuses.post_status(dave, "Dave at home")
    statuses.post_status(bob, "Bob in the list")
    to_carol = statuses.post_status(carol, "Carol asks")
    statuses.post_status(bob, "@carol a member answers", in_reply_to_id=to_carol.id)
    to_dave = statuses.post_status(dave, "Dave asks")
    statuses.post_status(bob, "@dave a followed non-member answers", in_reply_to_id=to_dave.id)
    to_alice = statuses.post_status(alice, "Alice asks")
    statuses.post_status(carol, "@alice the owner is answered", in_reply_to_id=to_alice.id)

    # exclusive: the members' posts are read in the list, not at home.
    home = texts(app.timeline_home())
    assert "Dave at home" in home and "Alice asks" in home
    assert not any(t.startswith(("Bob", "Carol", "@")) for t in home)
    # replies_policy "list": replies to members and to the owner, not to others alice follows.
    assert texts(app.timeline_list(friends.id)) == [
        "@alice the owner is answered", "@carol a member answers", "Carol asks", "Bob in the list"
    ]
    app.list_update(friends.id, "Friends", replies_policy="followed", exclusive=True)
    assert "@dave a followed non-member answers" in texts(app.timeline_list(friends.id))
    app.list_update(friends.id, "Friends", replies_policy="none", exclusive=True)
    assert texts(app.timeline_list(friends.id)) == ["@alice the owner is answered", "Carol asks", "Bob in the list"]

    # No longer exclusive: the members' posts are at home again, and new ones reach both.
    app.list_update(friends.id, "Friends", replies_policy="none", exclusive=False)
    statuses.post_status(bob, "Bob everywhere")
    assert {"Bob in the list", "Bob everywhere"} <= set(texts(app.timeline_home()))
    assert texts(app.timeline_list(friends.id))[0] == "Bob everywhere"

    # Unfollowing takes a member off; removing one takes its posts out of the list.
    accounts.unfollow(alice, carol)
    assert [a.username for a in app.list_accounts(friends.id)] == ["bob"]
    assert not any(t.startswith("Carol") for t in texts(app.timeline_list(friends.id)))
    app.list_accounts_delete(friends.id, [bob.id])
    assert app.list_accounts(friends.id) == [] and app.timeline_list(friends.id) == []
    app.list_delete(friends.id)
    assert app.lists() == []


def test_a_subscriber_reads_a_public_list_through_their_own_gate(api_client, alice, bob, make_account):
    protected = make_account("pat", locked=True)
    accounts.follow(alice, bob)
    accounts.follow(alice, protected)
    accounts.approve_follow_request(protected, alice)
    as_alice, erin = api_client(alice), make_account("erin")
    as_erin = api_client(erin)
    tea = as_alice.post("/api/v1/lists", {"title": "Tea", "public": True}, content_type="application/json").json()
    assert tea["public"] is True and tea["account"]["username"] == "alice"
    added = as_alice.post(f"/api/v1/lists/{tea['id']}/accounts", {"account_ids": [bob.id, protected.id]},
                          content_type="application/json")
    assert added.status_code == 200 and added.json() == {}
    statuses.post_status(bob, "Bob for all", visibility="public")
    statuses.post_status(protected, "Pat for followers")
    statuses.post_status(bob, "Bob for followers", visibility="private")

    # The owner sees all three; a subscriber who follows neither sees only what is public to them.
    assert json_texts(as_alice.get(f"/api/v1/timelines/list/{tea['id']}")) == [
        "Bob for followers", "Pat for followers", "Bob for all"
    ]
    assert [lst["title"] for lst in as_erin.get(f"/api/v1/accounts/{alice.id}/public_lists").json()] == ["Tea"]
    assert as_erin.post(f"/api/v1/lists/{tea['id']}/subscribe").status_code == 200
    assert [lst["id"] for lst in as_erin.get("/api/v1/lists/subscribed").json()] == [tea["id"]]
    assert json_texts(as_erin.get(f"/api/v1/timelines/list/{tea['id']}")) == ["Bob for all"]
    assert {a["username"] for a in as_erin.get(f"/api/v1/lists/{tea['id']}/accounts").json()} == {"bob", "pat"}
    # Following bob lets erin see his followers-only post there too; pat's stays hidden.
    accounts.follow(erin, bob)
    assert json_texts(as_erin.get(f"/api/v1/timelines/list/{tea['id']}")) == ["Bob for followers", "Bob for all"]
    # Only the owner changes it.
    renamed = as_erin.put(f"/api/v1/lists/{tea['id']}", {"title": "Mine"}, content_type="application/json")
    assert renamed.status_code == 404
    assert as_erin.post(f"/api/v1/lists/{tea['id']}/accounts", {"account_ids": [bob.id]}).status_code == 404

    # Made private, the list is the owner's alone again, and its subscribers are gone.
    as_alice.put(f"/api/v1/lists/{tea['id']}", {"public": False}, content_type="application/json")
    assert as_erin.get(f"/api/v1/timelines/list/{tea['id']}").status_code == 404
    assert as_erin.get("/api/v1/lists/subscribed").json() == []
    assert as_erin.get(f"/api/v1/accounts/{alice.id}/public_lists").json() == []
    # A private list is nobody else's business, even by its ID.
    assert as_erin.post(f"/api/v1/lists/{tea['id']}/subscribe").status_code == 404


def test_a_block_ends_subscriptions_and_membership(api_client, alice, bob, make_account):
    accounts.follow(alice, bob)
    as_alice, erin = api_client(alice), make_account("erin")
    news = as_alice.post("/api/v1/lists", {"title": "News", "public": True}).json()
    as_alice.post(f"/api/v1/lists/{news['id']}/accounts", {"account_ids[]": [bob.id]})
    api_client(erin).post(f"/api/v1/lists/{news['id']}/subscribe")
    accounts.block(alice, erin)
    assert api_client(erin).get("/api/v1/lists/subscribed").json() == []
    assert api_client(erin).get(f"/api/v1/timelines/list/{news['id']}").status_code == 404
    # bob blocks alice: she no longer follows him, so he leaves her list.
    accounts.block(bob, alice)
    assert as_alice.get(f"/api/v1/lists/{news['id']}/accounts").json() == []
