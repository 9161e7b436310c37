"""The live event bus: domain code publishes an event for the streams that may show it, after its
transaction commits; each streaming process reads every event after a cursor and hands it to its
subscribers. The protocol is what both sides need; the database bus fills it in embedded mode, and
a Redis pub/sub bus fills it in scale-out mode. Events carry IDs, never entities: each subscriber
sees what the audience gate lets it see when the event reaches it."""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable, Protocol, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chirvir.events import models

# Readers read within a second; the rest of the time covers a streaming process that stalled.
KEEP = timedelta(minutes=5)
POLL_SECONDS = 0.1
READ_BATCH = 500

# The keys events go out under, one per audience a stream listens to. Every account is local,
# so public:local and hashtag:local streams listen to the same keys as public and hashtag.
PUBLIC = "public"


def home(account_id: int) -> str:
    return f"home:{account_id}"


def notifications(account_id: int) -> str:
    return f"notifications:{account_id}"


def direct(account_id: int) -> str:
    return f"direct:{account_id}"


def hashtag(name: str) -> str:
    """The key of a hashtag, given as Tag.key spells it."""
    return f"hashtag:{name}"


@dataclass(frozen=True)
class Event:
    keys: tuple[str, ...]
    name: str  # Mastodon's event name
    payload: dict
    id: int = 0  # its place in the bus, once published: the cursor of the reader that read it


class EventBus(Protocol):
    def publish(self, events: Sequence[Event]) -> None:
        """Make the events readable by every streaming process, in this order."""

    def cursor(self) -> int:
        """Where a reader starting now begins: it reads the events published after this."""

    def read(self, after: int, wait: float) -> list[Event]:
        """The events published after the cursor, oldest first, waiting up to `wait` seconds
        for the first one (an empty list when none came)."""

    def prune(self, older_than: timedelta) -> int:
        """Forget events older than that; returns how many."""


class DatabaseEventBus:
    """Events as rows of the main database, tailed by ID. IDs grow in commit order because
    SQLite has one writer at a time, so a reader that keeps the last ID it read misses nothing.
    (PostgreSQL commits out of ID order, which is one reason scale-out mode uses Redis.)"""

    def publish(self, events: Sequence[Event]) -> None:
        models.Event.objects.bulk_create(
            [models.Event(keys=list(e.keys), name=e.name, payload=e.payload) for e in events]
        )

    def cursor(self) -> int:
        return models.Event.objects.aggregate(last=Max("id"))["last"] or 0

    def read(self, after: int, wait: float) -> list[Event]:
        deadline = time.monotonic() + wait
        while True:
            rows = list(models.Event.objects.filter(id__gt=after).order_by("id")[:READ_BATCH])
            if rows or time.monotonic() >= deadline:
                return [Event(tuple(r.keys), r.name, r.payload, r.id) for r in rows]
            time.sleep(POLL_SECONDS)

    def prune(self, older_than: timedelta) -> int:
        deleted, _by_model = models.Event.objects.filter(created_at__lt=timezone.now() - older_than).delete()
        return deleted


_BUS: EventBus = DatabaseEventBus()


def event_bus() -> EventBus:
    return _BUS


def publish(keys: Iterable[str], name: str, payload: dict) -> None:
    """Publish an event once the current transaction commits (at once outside one), so no
    reader hears of rows it cannot read yet, or of rows rolled back. Live events are a courtesy:
    one that fails to publish is logged, and the committed work stands."""
    publish_all([(keys, name, payload)])


def publish_all(items: Iterable[tuple[Iterable[str], str, dict]]) -> None:
    """Publish several events in one write, as `publish` does one (delivery's batches)."""
    events = [Event(tuple(dict.fromkeys(keys)), name, payload) for keys, name, payload in items]
    events = [e for e in events if e.keys]
    if events:
        transaction.on_commit(lambda: event_bus().publish(events), robust=True)
