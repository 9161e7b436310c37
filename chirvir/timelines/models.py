"""The database feed store's tables. They hold IDs only, with no foreign keys: a feed is a
cache of the follow graph that can always be rebuilt, as a Redis store's would be."""

from django.db import models


class Feed(models.Model):
    """A feed that exists (an account's home, or a list's, by the owner's ID); one missing is
    rebuilt from the follow graph or the list's members when read."""

    account_id = models.BigIntegerField(primary_key=True)


class FeedEntry(models.Model):
    pk = models.CompositePrimaryKey("account_id", "status_id")
    account_id = models.BigIntegerField()  # whose feed: an account's home, or a list's
    status_id = models.BigIntegerField()
    author_id = models.BigIntegerField()  # who posted (or reposted) it
    origin_author_id = models.BigIntegerField()  # for a repost, the original's author

    class Meta:
        indexes = [models.Index(fields=["status_id"], name="feed_entry_by_status")]
