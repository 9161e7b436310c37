"""What the feeds hold, read through the feed store the run uses (the database's tables, or Redis
sorted sets in the scale-out pass), so a test that looks at feeds runs on both."""

from django.conf import settings

from chirvir.core import redis
from chirvir.core.paging import Page
from chirvir.timelines.feeds import feed_store
from chirvir.timelines.models import Feed, FeedEntry


def in_feed(owner) -> set[int]:
    """The status IDs in one feed (an account's home, or a list's)."""
    owner_id = getattr(owner, "id", owner)
    return set(feed_store().read(owner_id, Page(limit=settings.FEED_LENGTH + 1)))


def holding(status_id: int, owners) -> list:
    """Those of the owners whose feeds hold the status."""
    return [owner for owner in owners if status_id in in_feed(owner)]


def lose_every_feed() -> None:
    """As after losing the feed store whole (a flushed Redis)."""
    if redis.enabled():
        redis.forget(redis.key("feed", "*"))
    FeedEntry.objects.all().delete()
    Feed.objects.all().delete()
