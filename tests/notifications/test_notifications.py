import pytest

from chirvir.accounts import services as accounts
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.paging import Page
from chirvir.notifications import services
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Visibility


def types(account, **filters):
    return [n.type for n in services.list_notifications(account, **filters)]


def test_every_kind_of_notification_arrives_newest_first(alice, bob, carol):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "hello")
    statuses.post_status(bob, "@alice hi")
    statuses.reblog(bob, post.id)
    statuses.favourite(bob, post.id)
    accounts.update_profile(alice, locked=True)
    accounts.follow(carol, alice)
    assert types(alice) == ["follow_request", "favourite", "reblog", "mention", "follow"]
    assert types(alice, types=["mention", "follow"]) == ["mention", "follow"]
    assert types(alice, exclude_types=["follow_request", "favourite"]) == ["reblog", "mention", "follow"]


def test_a_notification_about_a_post_one_may_no_longer_see_is_hidden(alice, bob):
    accounts.follow(alice, bob)
    statuses.post_status(bob, "@alice for followers", visibility=Visibility.PRIVATE)
    assert types(alice) == ["mention"]
    accounts.unfollow(alice, bob)
    assert types(alice) == []


def test_a_mention_in_a_followers_only_post_does_not_reach_a_non_follower(alice, bob):
    statuses.post_status(bob, "@alice you cannot see this", visibility=Visibility.PRIVATE)
    assert types(alice) == []


def test_dismiss_and_clear(alice, bob, carol):
    statuses.post_status(bob, "@alice one")
    statuses.post_status(carol, "@alice two")
    first, second = services.list_notifications(alice)
    services.dismiss(alice, first.id)
    assert [n.id for n in services.list_notifications(alice)] == [second.id]
    with pytest.raises(NotFound):
        services.dismiss(bob, second.id)  # not bob's
    services.clear(alice)
    assert types(alice) == []


def test_paging(alice, make_account):
    for i in range(5):
        statuses.post_status(make_account(f"user{i}"), "@alice hi")
    page = services.list_notifications(alice, Page(limit=2))
    older = services.list_notifications(alice, Page(limit=2, max_id=page[-1].id))
    assert [n.from_account.username for n in page + older] == ["user4", "user3", "user2", "user1"]


def test_read_markers_remember_where_reading_stopped(alice, bob):
    statuses.post_status(bob, "@alice one")
    statuses.post_status(bob, "@alice two")
    newest, older = services.list_notifications(alice)
    assert services.unread_count(alice) == 2
    marker = services.set_marker(alice, "notifications", older.id)
    assert (marker.last_read_id, marker.version) == (older.id, 0)
    assert services.unread_count(alice) == 1
    marker = services.set_marker(alice, "notifications", newest.id)
    assert marker.version == 1 and services.unread_count(alice) == 0
    services.set_marker(alice, "home", 42)
    assert set(services.get_markers(alice, ["home", "notifications"])) == {"home", "notifications"}
    with pytest.raises(Invalid):
        services.set_marker(alice, "elsewhere", 1)
