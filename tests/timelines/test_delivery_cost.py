"""What delivering a post costs in queries, and that the compiled ones still read what changed:
each post of a batch asks only for its followers and its lists, and writes its feed rows; and a
follow, a hashtag followed, an unfollow or a mute made after one delivery counts at the next."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chirvir.accounts import services as accounts
from chirvir.core import redis
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.tags import services as tags
from chirvir.timelines import delivery
from chirvir.timelines import reads as timelines
from tests.feed_state import holding


def queries_to_deliver(posts) -> int:
    """Queries of delivering these posts again, in one batch."""
    Status.objects.filter(id__in=[p.id for p in posts]).update(delivered_at=None)
    with CaptureQueriesContext(connection) as captured:
        assert delivery.deliver_status(posts[0].id) == len(posts)
    return len(captured)


def test_each_post_of_a_batch_asks_for_its_followers_and_its_lists_only(alice, bob, carol, make_account):
    for author in (alice, bob, carol):
        accounts.follow(make_account(f"reader_of_{author.username}"), author)
    one = queries_to_deliver([statuses.post_status(alice, "one")])
    three = queries_to_deliver([statuses.post_status(a, f"by {a.username}") for a in (alice, bob, carol)])
    # Its followers, its lists, and its feed rows where the feeds are the database's (in scale-out
    # mode they are Redis's sorted sets, written without SQL): nothing about its author.
    per_post = 2 if redis.enabled() else 3
    assert three - one == 2 * per_post


def test_what_changed_after_a_delivery_counts_at_the_next(alice, bob, carol):
    timelines.home(carol)  # the feeds exist; later posts arrive by delivery
    timelines.home(bob)
    before = statuses.post_status(alice, "before #cats")
    assert not holding(before.id, (bob, carol))
    accounts.follow(bob, alice)
    tags.follow_tag(carol, "cats")
    after = statuses.post_status(alice, "after #cats")
    assert holding(after.id, (bob, carol)) == [bob, carol]
    accounts.mute(carol, alice)
    accounts.unfollow(bob, alice)
    muted = statuses.post_status(alice, "muted #cats")
    assert not holding(muted.id, (bob, carol))
