"""Pinning posts to one's profile: one's own, at most five, never a direct message, and each reader
sees only the pins the audience gate lets them see."""

import pytest

from chirvir.accounts import services as accounts
from chirvir.core.errors import Invalid, NotFound
from chirvir.statuses import services
from chirvir.statuses.models import StatusPin, Visibility
from chirvir.timelines import reads as timelines


def pinned(viewer, author) -> list[str]:
    return [s.text for s in timelines.account_statuses(viewer, author, pinned=True)]


def test_pinned_posts_lead_the_profile_newest_first(alice, bob):
    first, _between, second = (services.post_status(alice, text) for text in ("first", "between", "second"))
    services.pin(alice, first.id)
    services.pin(alice, second.id)
    services.pin(alice, second.id)  # pinning twice changes nothing
    assert pinned(bob, alice) == ["second", "first"] and pinned(None, alice) == ["second", "first"]
    assert services.viewer_marks(alice, [first, second]).pinned == {first.id, second.id}
    services.unpin(alice, first.id)
    services.unpin(alice, first.id)
    assert pinned(bob, alice) == ["second"]


def test_at_most_five_posts_are_pinned(alice):
    posts = [services.post_status(alice, f"post {i}") for i in range(6)]
    for post in posts[:5]:
        services.pin(alice, post.id)
    with pytest.raises(Invalid, match="^Validation failed: You have already pinned the maximum number of posts$"):
        services.pin(alice, posts[5].id)
    services.pin(alice, posts[0].id)  # one already pinned is no sixth
    services.unpin(alice, posts[0].id)
    services.pin(alice, posts[5].id)
    assert StatusPin.objects.filter(account=alice).count() == 5


def test_only_ones_own_posts_and_never_a_direct_message_or_a_repost(alice, bob):
    theirs = services.post_status(bob, "bob's")
    with pytest.raises(Invalid, match="^Validation failed: Someone else's post cannot be pinned$"):
        services.pin(alice, theirs.id)
    message = services.post_status(alice, "d bob between us")
    with pytest.raises(Invalid, match="^Validation failed: Posts that are only visible to mentioned users cannot be pinned$"):
        services.pin(alice, message.id)
    repost = services.reblog(alice, theirs.id)
    with pytest.raises(Invalid, match="cannot be pinned"):
        services.pin(alice, repost.id)
    assert not StatusPin.objects.exists()


def test_a_post_one_may_not_see_cannot_be_pinned_or_unpinned(alice, bob):
    secret = services.post_status(alice, "for followers", visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        services.pin(bob, secret.id)
    with pytest.raises(NotFound):
        services.unpin(bob, secret.id)


def test_readers_see_only_the_pins_the_gate_lets_them_see(alice, bob, carol):
    accounts.follow(bob, alice)
    public = services.post_status(alice, "for everyone")
    private = services.post_status(alice, "for followers", visibility=Visibility.PRIVATE)
    services.pin(alice, public.id)
    services.pin(alice, private.id)
    assert pinned(alice, alice) == ["for followers", "for everyone"]
    assert pinned(bob, alice) == ["for followers", "for everyone"]
    assert pinned(carol, alice) == ["for everyone"]
    accounts.block(alice, carol)
    assert pinned(carol, alice) == []


def test_a_deleted_post_leaves_the_pins(alice):
    post = services.post_status(alice, "soon gone")
    services.pin(alice, post.id)
    services.delete_status(alice, post.id)
    assert pinned(alice, alice) == [] and not StatusPin.objects.exists()
