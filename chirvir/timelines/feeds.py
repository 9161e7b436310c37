"""Feed stores: each account's home feed, and each list's feed, is a list of status IDs, newest
first, pushed on write. A feed is named by the ID of what owns it, an account or a list: IDs are
unique across every table (chirvir/core/ids.py), so the two never meet in one key space. The
protocol is what delivery and reading need; the database store fills it in embedded mode, and
the Redis store (sorted sets) in scale-out mode. A feed holds only what can be rebuilt."""

from dataclasses import dataclass
from typing import Iterable, Protocol

from django.conf import settings
from django.db import connection
from django.db.models import Q

from chirvir.core import redis
from chirvir.core.paging import Page, in_order, page_of
from chirvir.core.queries import Prepared
from chirvir.timelines.models import Feed, FeedEntry


@dataclass(frozen=True)
class Entry:
    status_id: int
    author_id: int  # who posted or reposted it
    origin_author_id: int  # for a repost, the original's author; else the author


class FeedStore(Protocol):
    def exists(self, owner_id: int) -> bool: ...

    def push(self, entry: Entry, owner_ids: Iterable[int]) -> None:
        """Add one status to many feeds; pushing the same status twice changes nothing."""

    def read(self, owner_id: int, page: Page) -> list[int]:
        """Status IDs of one page of a feed, newest first."""

    def replace(self, owner_id: int, entries: Iterable[Entry]) -> None:
        """Rebuild a feed whole; afterwards it exists."""

    def remove_statuses(self, status_ids: Iterable[int]) -> None:
        """Take statuses out of every feed."""

    def drop(self, owner_id: int) -> None:
        """Forget a feed whole (a deleted list's); afterwards it does not exist."""

    def remove_author(self, owner_id: int, author_id: int) -> None:
        """Take an author's posts, and reposts of them, out of one feed."""

    def remove_from(self, owner_id: int, status_ids: Iterable[int]) -> None:
        """Take statuses out of one feed."""

    def trim(self, length: int) -> int:
        """Keep the newest `length` entries of each feed; returns how many were dropped."""


# Every home read asks both: compiled once (chirvir/core/queries.py), read afresh each time.
_EXISTS = Prepared(lambda owner: Feed.objects.filter(account_id=owner).values_list("account_id", flat=True)[:1])
_PAGE = Prepared(
    lambda owner, max_id, since_id, min_id, *, limit: page_of(
        FeedEntry.objects.filter(account_id=owner).values_list("status_id", flat=True),
        Page(max_id, since_id, min_id, limit),
        field="status_id",
    )
)


class DatabaseFeedStore:
    """Feeds as rows of (owner, status), in the main database."""

    def exists(self, owner_id: int) -> bool:
        return bool(_EXISTS(owner_id))

    def push(self, entry: Entry, owner_ids: Iterable[int]) -> None:
        _insert((owner, entry) for owner in owner_ids)

    def read(self, owner_id: int, page: Page) -> list[int]:
        return in_order(page, _PAGE(owner_id, page.max_id, page.since_id, page.min_id, limit=page.limit))

    def replace(self, owner_id: int, entries: Iterable[Entry]) -> None:
        FeedEntry.objects.filter(account_id=owner_id).delete()
        _insert((owner_id, entry) for entry in entries)
        Feed.objects.get_or_create(account_id=owner_id)

    def remove_statuses(self, status_ids: Iterable[int]) -> None:
        FeedEntry.objects.filter(status_id__in=list(status_ids)).delete()

    def drop(self, owner_id: int) -> None:
        FeedEntry.objects.filter(account_id=owner_id).delete()
        Feed.objects.filter(account_id=owner_id).delete()

    def remove_author(self, owner_id: int, author_id: int) -> None:
        FeedEntry.objects.filter(Q(author_id=author_id) | Q(origin_author_id=author_id), account_id=owner_id).delete()

    def remove_from(self, owner_id: int, status_ids: Iterable[int]) -> None:
        FeedEntry.objects.filter(account_id=owner_id, status_id__in=list(status_ids)).delete()

    def trim(self, length: int) -> int:
        # One statement for every feed: rank each feed's entries newest first, drop the tail.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                DELETE FROM timelines_feedentry WHERE (account_id, status_id) IN (
                    SELECT account_id, status_id FROM (
                        SELECT account_id, status_id,
                               ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY status_id DESC) AS n
                        FROM timelines_feedentry
                    ) ranked WHERE n > %s
                )
                """,
                [length],
            )
            return cursor.rowcount


def _insert(pairs: Iterable[tuple[int, Entry]]) -> None:
    # Plain SQL: delivery writes a row per follower, and model objects cost more than the rows.
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO timelines_feedentry (account_id, status_id, author_id, origin_author_id)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(owner, e.status_id, e.author_id, e.origin_author_id) for owner, e in pairs],
        )


# Status IDs are 64-bit and a score is a double (53 bits), so IDs within 16 of each other can share
# a score: members lead with the ID zero-padded to one width, and Redis orders equal scores by
# member, so a feed is still in exact ID order. A read from a cursor asks for this many spare
# members and cuts them at the exact ID.
SAME_SCORE = 16
ID_WIDTH = 20
# Every feed that exists holds this member at score 0, below every status: an empty feed still
# exists, and a feed that delivery pushed to without it (one dropped or flushed away meanwhile)
# counts as missing, to be rebuilt whole.
BUILT = b""
# Removes, from every feed a SCAN step found, the members of some statuses: those whose score is
# the status's and whose member starts with its padded ID.
REMOVE_STATUSES = """
for _, key in ipairs(KEYS) do
  for i = 1, #ARGV, 2 do
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', key, ARGV[i], ARGV[i])) do
      if string.sub(member, 1, #ARGV[i + 1]) == ARGV[i + 1] then
        redis.call('ZREM', key, member)
      end
    end
  end
end
return 0
"""

# Trims every feed a SCAN step found to its newest `ARGV[1]` entries (and BUILT, where it is there);
# returns how many it dropped.
TRIM = """
local dropped = 0
for _, key in ipairs(KEYS) do
  local first = redis.call('ZSCORE', key, '') and 1 or 0
  dropped = dropped + redis.call('ZREMRANGEBYRANK', key, first, -(tonumber(ARGV[1]) + 1))
end
return dropped
"""


class RedisFeedStore:
    """Feeds as Redis sorted sets, one per owner, scored by status ID, each member
    "<padded status id>:<author>:<original's author>" so an author's posts can leave a feed.
    Trimmed to settings.FEED_LENGTH on every push. Redis may lose any of them (a restart without
    persistence, FLUSHALL, eviction): a missing feed is rebuilt from the follow graph when read."""

    def __init__(self, client=None, prefix: str | None = None):
        self.client = client or redis.client()
        self.prefix = prefix if prefix is not None else redis.key("feed")
        self._remove_statuses = self.client.register_script(REMOVE_STATUSES)
        self._trim = self.client.register_script(TRIM)

    def _key(self, owner_id: int) -> str:
        return f"{self.prefix}:{owner_id}"

    def exists(self, owner_id: int) -> bool:
        return self.client.zscore(self._key(owner_id), BUILT) is not None

    def push(self, entry: Entry, owner_ids: Iterable[int]) -> None:
        member, score = _member(entry), float(entry.status_id)
        keep = settings.FEED_LENGTH
        with self.client.pipeline(transaction=False) as pipe:
            for owner in owner_ids:
                key = self._key(owner)
                pipe.zadd(key, {member: score})
                # Rank 0 is BUILT; the newest `keep` above it stay.
                pipe.zremrangebyrank(key, 1, -(keep + 1))
            pipe.execute()

    def read(self, owner_id: int, page: Page) -> list[int]:
        after = max((i for i in (page.since_id, page.min_id) if i is not None), default=None)
        low = "(0" if after is None or after < 1 else float(after)  # never BUILT, at 0
        high = "+inf" if page.max_id is None else float(page.max_id)
        key = self._key(owner_id)
        # Spare members only where the range starts at a cursor: those past its far end come last.
        if page.min_id is not None:  # the page just above min_id: oldest first, then newest first
            fetch = page.limit + SAME_SCORE
            members = self.client.zrangebyscore(key, low, high, start=0, num=fetch)
        else:
            fetch = page.limit + (SAME_SCORE if page.max_id is not None else 0)
            members = self.client.zrevrangebyscore(key, high, low, start=0, num=fetch)
        ids = [
            i for i in map(_status_id, members)
            if (page.max_id is None or i < page.max_id) and (after is None or i > after)
        ][: page.limit]
        return sorted(ids, reverse=True)

    def replace(self, owner_id: int, entries: Iterable[Entry]) -> None:
        key = self._key(owner_id)
        newest = sorted(entries, key=lambda e: e.status_id, reverse=True)[: settings.FEED_LENGTH]
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.zadd(key, {BUILT: 0, **{_member(e): float(e.status_id) for e in newest}})
            pipe.execute()

    def remove_statuses(self, status_ids: Iterable[int]) -> None:
        # No index says which feeds got a status: one walk over every feed, a SCAN step at a
        # time, each step one script. Deletions are rare beside posts, which pay nothing for it.
        args = [part for i in status_ids for part in (str(i), f"{i:0{ID_WIDTH}d}:")]
        if not args:
            return
        for keys in self._every_feed():
            self._remove_statuses(keys=keys, args=args)

    def drop(self, owner_id: int) -> None:
        self.client.delete(self._key(owner_id))

    def remove_author(self, owner_id: int, author_id: int) -> None:
        def by_author(member: bytes) -> bool:
            _status, author, origin = member.split(b":")
            return int(author) == author_id or int(origin) == author_id

        self._remove_where(owner_id, by_author)

    def remove_from(self, owner_id: int, status_ids: Iterable[int]) -> None:
        gone = set(status_ids)
        self._remove_where(owner_id, lambda member: _status_id(member) in gone)

    def _remove_where(self, owner_id: int, condition) -> None:
        key = self._key(owner_id)
        members = [m for m in self.client.zrangebyscore(key, "(0", "+inf") if condition(m)]
        if members:
            self.client.zrem(key, *members)

    def trim(self, length: int) -> int:
        # Every push trims the feeds it touches: this finds only feeds left longer by a shorter
        # FEED_LENGTH, a SCAN step (one script) at a time.
        dropped = 0
        for keys in self._every_feed():
            dropped += self._trim(keys=keys, args=[length])
        return dropped

    def _every_feed(self):
        cursor = 0
        while True:
            cursor, keys = self.client.scan(cursor, match=f"{self.prefix}:*", count=500)
            if keys:
                yield keys
            if cursor == 0:
                return


def _member(entry: Entry) -> bytes:
    return f"{entry.status_id:0{ID_WIDTH}d}:{entry.author_id}:{entry.origin_author_id}".encode()


def _status_id(member: bytes) -> int:
    return int(member.split(b":", 1)[0])


_STORE: FeedStore | None = None


def feed_store() -> FeedStore:
    """This process's feed store: in Redis when REDIS_URL is set, else in the database."""
    global _STORE
    if _STORE is None:
        _STORE = RedisFeedStore() if redis.enabled() else DatabaseFeedStore()
    return _STORE
