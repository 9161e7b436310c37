"""Feed stores: each account's home feed, and each list's feed, is a list of status IDs, newest
first, pushed on write. A feed is named by the ID of what owns it, an account or a list: IDs are
unique across every table (chirvir/core/ids.py), so the two never meet in one key space. The
protocol is what delivery and reading need; the database store fills it now, and a Redis store
(sorted sets) fills it in scale-out mode. A feed holds only what can be rebuilt."""

from dataclasses import dataclass
from typing import Iterable, Protocol

from django.db import connection
from django.db.models import Q

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


_STORE: FeedStore = DatabaseFeedStore()


def feed_store() -> FeedStore:
    return _STORE
