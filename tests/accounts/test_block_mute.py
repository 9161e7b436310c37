import pytest

from chirvir.accounts import services
from chirvir.accounts.models import Block, Follow, FollowRequest, Mute
from chirvir.core.errors import Invalid
from chirvir.notifications.models import Notification
from chirvir.statuses.services import post_status
from tests.conftest import fresh


def test_a_block_ends_follows_both_ways(alice, bob):
    services.follow(alice, bob)
    services.follow(bob, alice)
    services.block(alice, bob)
    assert not Follow.objects.exists()
    for account in (alice, bob):
        account = fresh(account)
        assert (account.followers_count, account.following_count) == (0, 0)


def test_a_block_cancels_requests_both_ways(alice, bob):
    services.update_profile(alice, locked=True)
    services.follow(bob, alice)
    services.block(alice, bob)
    assert not FollowRequest.objects.exists()


def test_after_a_block_mentions_no_longer_reach_the_blocker(alice, bob):
    services.block(alice, bob)
    post_status(bob, "@alice are you there?")
    assert not Notification.objects.filter(account=alice).exists()


def test_unblock_lets_mentions_through_again(alice, bob):
    services.block(alice, bob)
    services.unblock(alice, bob)
    post_status(bob, "@alice hello again")
    assert Notification.objects.filter(account=alice, type="mention").exists()


def test_muting_hides_notifications_unless_asked_not_to(alice, bob, carol):
    services.mute(alice, bob)
    services.mute(alice, carol, notifications=False)
    post_status(bob, "@alice one")
    post_status(carol, "@alice two")
    assert list(Notification.objects.filter(account=alice).values_list("from_account__username", flat=True)) == ["carol"]
    services.unmute(alice, bob)
    assert not Mute.objects.filter(target_account=bob).exists()


def test_nobody_blocks_or_mutes_themselves(alice):
    with pytest.raises(Invalid):
        services.block(alice, alice)
    with pytest.raises(Invalid):
        services.mute(alice, alice)
    assert not Block.objects.exists() and not Mute.objects.exists()
