import pytest

from chirvir.accounts import services
from chirvir.accounts.models import Follow, FollowRequest
from chirvir.core.errors import Invalid, NotAllowed
from chirvir.notifications.models import Notification
from tests.conftest import fresh


def kinds(account):
    return [(n.type, n.from_account.username) for n in Notification.objects.filter(account=account).order_by("id")]


def test_following_counts_and_notifies(alice, bob):
    services.follow(alice, bob)
    assert (fresh(alice).following_count, fresh(bob).followers_count) == (1, 1)
    assert kinds(bob) == [("follow", "alice")]


def test_following_twice_keeps_one_follow_and_updates_options(alice, bob):
    services.follow(alice, bob)
    follow = services.follow(alice, bob, reblogs=False, notify_posts=True)
    assert Follow.objects.count() == 1
    assert (follow.show_reblogs, follow.notify) == (False, True)
    assert fresh(bob).followers_count == 1


def test_unfollowing_counts_down(alice, bob):
    services.follow(alice, bob)
    services.unfollow(alice, bob)
    services.unfollow(alice, bob)  # again: nothing to undo, nothing breaks
    assert (fresh(alice).following_count, fresh(bob).followers_count) == (0, 0)


def test_nobody_follows_themselves(alice):
    with pytest.raises(Invalid, match="yourself"):
        services.follow(alice, alice)


def test_a_protected_account_is_asked_and_approves(alice, bob):
    services.update_profile(bob, locked=True)
    request = services.follow(alice, bob)
    assert isinstance(request, FollowRequest)
    assert fresh(bob).followers_count == 0
    assert kinds(bob) == [("follow_request", "alice")]
    services.approve_follow_request(bob, alice)
    assert Follow.objects.filter(account=alice, target_account=bob).exists()
    assert not FollowRequest.objects.exists()
    assert fresh(bob).followers_count == 1


def test_a_protected_account_rejects_a_request(alice, bob):
    services.update_profile(bob, locked=True)
    services.follow(alice, bob)
    services.reject_follow_request(bob, alice)
    assert not FollowRequest.objects.exists() and not Follow.objects.exists()
    with pytest.raises(Invalid, match="has not asked"):
        services.approve_follow_request(bob, alice)


def test_unfollowing_withdraws_a_request(alice, bob):
    services.update_profile(bob, locked=True)
    services.follow(alice, bob)
    services.unfollow(alice, bob)
    assert not FollowRequest.objects.exists()


def test_unprotecting_an_account_approves_waiting_requests(alice, bob, carol):
    services.update_profile(bob, locked=True)
    services.follow(alice, bob)
    services.follow(carol, bob)
    services.update_profile(bob, locked=False)
    assert set(Follow.objects.filter(target_account=bob).values_list("account__username", flat=True)) == {"alice", "carol"}
    assert fresh(bob).followers_count == 2


def test_a_blocked_account_cannot_follow(alice, bob):
    services.block(bob, alice)
    with pytest.raises(NotAllowed):
        services.follow(alice, bob)
    with pytest.raises(NotAllowed):
        services.follow(bob, alice)
