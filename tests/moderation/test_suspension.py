"""A moderator suspends an account through the admin API: from the next request its token is
refused and it cannot log in, and its posts are gone for everyone else: home, search, the public
and hashtag timelines, threads, its account's statuses, notifications."""

from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.moderation.models import ModerationAction
from chirvir.notifications.models import Notification
from chirvir.statuses import services as statuses


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def test_suspension_ends_the_account_and_its_posts_for_everyone(api_client, as_moderator, alice, bob, carol):
    accounts.follow(bob, alice)
    as_alice, as_bob = api_client(alice), api_client(bob)
    assert ids(as_bob.get("/api/v1/timelines/home")) == []  # bob's home feed exists from now on
    post = statuses.post_status(alice, "zebras are striped #wildlife @carol")
    reply = statuses.post_status(bob, "they are indeed", in_reply_to_id=post.id)
    statuses.favourite(alice, reply.id)
    assert str(post.id) in ids(as_bob.get("/api/v1/timelines/home"))
    assert as_alice.get("/api/v1/accounts/verify_credentials").status_code == 200

    answer = as_moderator.post(f"/api/v1/admin/accounts/{alice.id}/action", {"type": "suspend", "text": "spam ring"})
    assert answer.status_code == 200, answer.content

    assert as_alice.get("/api/v1/accounts/verify_credentials").status_code == 401
    assert not Client().login(username="alice", password="a long password 7")
    login = Client().post("/login", {"username": "alice", "password": "a long password 7"})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session
    token = Client().post(
        "/oauth/token",
        {"grant_type": "password", "username": "alice", "password": "a long password 7", "scope": "read"},
    )
    assert token.status_code in (400, 401)

    as_carol = api_client(carol)
    for viewer in (as_bob, as_carol, Client()):
        assert str(post.id) not in ids(viewer.get("/api/v1/timelines/public"))
        assert str(post.id) not in ids(viewer.get("/api/v1/timelines/tag/wildlife"))
        assert viewer.get(f"/api/v1/statuses/{post.id}").status_code == 404
        assert ids(viewer.get(f"/api/v1/accounts/{alice.id}/statuses")) == []
    assert str(post.id) not in ids(as_bob.get("/api/v1/timelines/home"))
    context = as_bob.get(f"/api/v1/statuses/{reply.id}/context").json()
    assert context["ancestors"] == []
    found = as_bob.get("/api/v2/search", {"q": "zebras"}).json()
    assert found["statuses"] == [] and found["accounts"] == []
    assert as_bob.get("/api/v2/search", {"q": "alice", "type": "accounts"}).json()["accounts"] == []
    assert ids(as_carol.get("/api/v1/notifications")) == []  # the mention is gone
    assert [n["type"] for n in as_bob.get("/api/v1/notifications").json()] == []  # so is the like

    logged = ModerationAction.objects.get(action="suspend")
    assert (logged.moderator.username, logged.target_id, logged.note) == ("mod", alice.id, "spam ring")
    assert Notification.objects.filter(account=alice, type="moderation_warning").exists()


def test_unsuspending_lets_the_account_back_in_and_its_posts_be_found(api_client, as_moderator, alice, bob):
    post = statuses.post_status(alice, "giraffes are tall")
    as_moderator.post(f"/api/v1/admin/accounts/{alice.id}/action", {"type": "suspend"})
    answer = as_moderator.post(f"/api/v1/admin/accounts/{alice.id}/unsuspend")
    assert answer.status_code == 200 and answer.json()["suspended"] is False
    assert api_client(alice).get("/api/v1/accounts/verify_credentials").status_code == 200
    assert [s["id"] for s in api_client(bob).get("/api/v2/search", {"q": "giraffes"}).json()["statuses"]] == [
        str(post.id)
    ]
