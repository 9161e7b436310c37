"""Silence ("limit"): a silenced account's posts reach its followers only, and leave the public
and hashtag timelines and the trends for everyone, followers too."""

from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def test_a_silenced_accounts_posts_reach_only_its_followers(api_client, as_moderator, alice, bob, carol):
    accounts.follow(bob, alice)
    as_bob, as_carol = api_client(bob), api_client(carol)
    as_bob.get("/api/v1/timelines/home")
    answer = as_moderator.post(f"/api/v1/admin/accounts/{alice.id}/action", {"type": "silence", "text": "brigading"})
    assert answer.status_code == 200
    post = statuses.post_status(alice, "loud news #topic")

    assert str(post.id) in ids(as_bob.get("/api/v1/timelines/home"))
    assert as_bob.get(f"/api/v1/statuses/{post.id}").status_code == 200
    for viewer in (as_carol, Client()):
        assert viewer.get(f"/api/v1/statuses/{post.id}").status_code == 404
        assert ids(viewer.get(f"/api/v1/accounts/{alice.id}/statuses")) == []
        assert viewer.get("/api/v2/search", {"q": "loud"}).json()["statuses"] == []
    for viewer in (as_bob, as_carol, Client()):
        assert str(post.id) not in ids(viewer.get("/api/v1/timelines/public"))
        assert str(post.id) not in ids(viewer.get("/api/v1/timelines/tag/topic"))
    assert as_bob.get(f"/api/v1/accounts/{alice.id}").json()["limited"] is True

    as_moderator.post(f"/api/v1/admin/accounts/{alice.id}/unsilence")
    assert str(post.id) in ids(Client().get("/api/v1/timelines/public"))
    assert as_carol.get(f"/api/v1/statuses/{post.id}").status_code == 200
