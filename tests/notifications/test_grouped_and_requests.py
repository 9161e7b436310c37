"""Grouped notifications (Mastodon 4.3's /api/v2/notifications) and the policy that holds back
strangers' notifications as requests, through Mastodon.py against the live test server."""

from datetime import timedelta

from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.statuses import services as statuses


def test_likes_of_one_post_come_as_one_group(alice, bob, make_account, mastodon_for):
    post = statuses.post_status(alice, "a post people like")
    likers = [make_account(name) for name in ("priya", "ravi", "sara", "tom")]
    for liker in likers:
        statuses.favourite(liker, post.id)
    statuses.post_status(bob, "@alice hello")
    accounts.follow(bob, alice)
    api = mastodon_for(alice)
    found = api.grouped_notifications(expand_accounts="full")
    groups = found.notification_groups
    assert [g.type for g in groups] == ["follow", "mention", "favourite"]
    likes = groups[2]
    assert likes.notifications_count == 4 and likes.status_id == str(post.id)
    assert likes.sample_account_ids == [str(a.id) for a in reversed(likers)]
    assert {a.username for a in found.accounts} == {"priya", "ravi", "sara", "tom", "bob"}
    # With partial avatars (Mastodon.py's default), only the latest of a group comes in full.
    partial = api.grouped_notifications()
    assert {a.username for a in partial.accounts} == {"tom", "bob"}
    assert {a.acct for a in partial.partial_accounts} == {"priya", "ravi", "sara"}
    assert [s.id for s in found.statuses] == [str(s) for s in dict.fromkeys([groups[1].status_id, post.id])]
    # Asked for one by one, as v1 clients do, each carries its group's key.
    assert {n.group_key for n in api.notifications(types=["favourite"])} == {likes.group_key}
    assert [a.username for a in api.grouped_notification_accounts(likes.group_key)] == ["tom", "sara", "ravi", "priya"]
    assert api.grouped_notification(likes.group_key).notification_groups[0].notifications_count == 4
    # Not grouped when the client does not ask for favourites to be grouped.
    apart = api.grouped_notifications(grouped_types=["reblog"]).notification_groups
    assert [g.type for g in apart] == ["follow", "mention"] + ["favourite"] * 4
    assert api.unread_grouped_notifications_count() == 3
    api.dismiss_grouped_notification(likes.group_key)
    assert [g.type for g in api.grouped_notifications().notification_groups] == ["follow", "mention"]
    assert api.notifications_unread_count().count == 2


def test_likes_half_a_day_apart_are_two_groups(alice, bob, carol):
    from chirvir.notifications import services
    from chirvir.notifications.models import Notification

    post = statuses.post_status(alice, "slow to like")
    statuses.favourite(bob, post.id)
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=13))
    statuses.favourite(carol, post.id)
    assert [g.count for g in services.list_groups(alice)] == [1, 1]


def test_a_strangers_notifications_wait_in_a_request_until_accepted(alice, bob, carol, mastodon_for):
    api = mastodon_for(alice)
    policy = api.update_notifications_policy(for_not_following="filter", for_private_mentions="drop")
    assert policy.for_not_following == "filter" and policy.for_private_mentions == "drop"
    accounts.follow(alice, carol)
    statuses.post_status(bob, "@alice buy my things")
    statuses.post_status(bob, "@alice really")
    statuses.post_status(bob, "@alice a secret", visibility="direct")  # dropped: a private mention
    statuses.post_status(carol, "@alice hi, friend")  # followed: let through
    assert [n.account.username for n in api.notifications()] == ["carol"]
    assert api.notifications_policy().summary.pending_requests_count == 1
    assert api.notifications_policy().summary.pending_notifications_count == 2
    [request] = api.notification_requests()
    assert request.account.username == "bob" and request.notifications_count == "2"
    assert request.last_status.content == "<p>@alice really</p>" or "really" in request.last_status.content
    assert api.notification_request(request.id).id == request.id
    api.accept_notification_request(request.id)
    assert [n.account.username for n in api.notifications()] == ["carol", "bob", "bob"]
    assert api.notification_requests() == [] and api.notifications_merged() is True
    # Accepted once, bob is let through from now on.
    statuses.post_status(bob, "@alice thanks")
    assert api.notifications()[0].account.username == "bob"


def test_a_dismissed_request_takes_its_notifications_with_it(alice, bob, carol, mastodon_for):
    api = mastodon_for(alice)
    api.update_notifications_policy(for_not_followers="filter")
    accounts.follow(carol, alice)
    statuses.post_status(bob, "@alice hello?")
    statuses.post_status(carol, "@alice I follow you")
    [request] = api.notification_requests()
    api.dismiss_notification_request(request.id)
    assert api.notification_requests() == []
    assert [(n.type, n.account.username) for n in api.notifications()] == [("mention", "carol"), ("follow", "carol")]
    assert api.notifications_policy().summary.pending_notifications_count == 0


def test_new_accounts_can_be_filtered_and_the_v1_policy_tells_it(alice, bob, api_client):
    Account.objects.filter(pk=bob.pk).update(date_joined=timezone.now() - timedelta(days=365))
    bob.refresh_from_db()
    newcomer = accounts.register("newcomer", "a long password 7")
    client = api_client(alice)
    client.patch("/api/v2/notifications/policy", "for_new_accounts=filter",
                 content_type="application/x-www-form-urlencoded")
    statuses.post_status(newcomer, "@alice hi, I am new")
    statuses.post_status(bob, "@alice hi, I am not")
    assert [n["account"]["username"] for n in client.get("/api/v1/notifications").json()] == ["bob"]
    v1 = client.get("/api/v1/notifications/policy").json()
    assert v1["filter_new_accounts"] is True and v1["filter_not_following"] is False
    assert v1["summary"] == {"pending_requests_count": 1, "pending_notifications_count": 1}
    assert client.patch("/api/v2/notifications/policy", "for_new_accounts=maybe",
                        content_type="application/x-www-form-urlencoded").status_code == 422


def test_the_notifications_page_groups_likes_and_shows_requests(client, alice, make_account):
    from chirvir.notifications import services

    post = statuses.post_status(alice, "a post people like")
    for name in ("ravi", "sara", "tom", "priya"):  # priya last: the group is named after her
        statuses.favourite(make_account(name, display_name=name.title()), post.id)
    services.update_policy(alice, for_not_following="filter")
    stranger = make_account("stranger", display_name="Stranger")
    statuses.post_status(stranger, "@alice buy my things")
    client.force_login(alice)
    page = client.get("/notifications").content.decode()
    assert "<bdi>Priya</bdi> and 3 others liked your post" in page
    assert page.count('class="avatar" src=') >= 4
    assert "buy my things" not in page and "Notification requests" in page and "@stranger" in page
    # In Russian and Arabic, with their plural forms.
    alice.language = "ru"
    alice.save(update_fields=["language"])
    assert "<bdi>Priya</bdi> и ещё 3 человека оценили ваш пост" in client.get("/notifications").content.decode()
    alice.language = "ar"
    alice.save(update_fields=["language"])
    assert "<bdi>Priya</bdi> و3 أشخاص آخرين بمنشورك" in client.get("/notifications").content.decode()
    [request] = services.list_requests(alice)
    client.post(f"/notifications/requests/{request.id}/accept")
    assert "buy my things" in client.get("/notifications").content.decode()
