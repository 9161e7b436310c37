"""The live event bus: domain code publishes an event for the streams that may show it, after its
transaction commits; each streaming process keeps one reader, which reads every event published
since it was made, and hands them to its subscribers. The protocol is what both sides need; the
database bus fills it in embedded mode, and the Redis pub/sub bus in scale-out mode.
Events carry IDs, never entities: each subscriber sees what the audience gate lets it see when
the event reaches it."""

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import orjson
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from chirvir.core import redis
from chirvir.core.redis import redis_py
from chirvir.events import models

logger = logging.getLogger(__name__)

# Readers read within a second; the rest of the time covers a streaming process that stalled.
KEEP = timedelta(minutes=5)
POLL_SECONDS = 0.1
READ_BATCH = 500
# An ID a reader has read past without its row is looked for this long: an insert commits or
# rolls back within milliseconds, so one still missing is a rolled-back insert's, and never comes.
GAP_SECONDS = 5.0
# Many times the IDs concurrent publishers hold at once (a delivery publishes 64 at a time); an
# ID jump wider than this is a reset sequence or a restored database, not a race.
MAX_GAPS = 1000

# The keys events go out under, one per audience a stream listens to. Every account is local,
# so public:local and hashtag:local streams listen to the same keys as public and hashtag.
PUBLIC = "public"
# Sign-ins that ended (a token revoked, an account suspended, a browser logged out): each
# streaming process closes the connections that opened with them. Its payload names which
# (chirvir/oauth/services.py); it goes to no stream.
ENDED = "ended"
PUBLIC_MEDIA = "public:media"  # public posts with media, which the media streams listen to


def home(account_id: int) -> str:
    return f"home:{account_id}"


def notifications(account_id: int) -> str:
    return f"notifications:{account_id}"


def direct(account_id: int) -> str:
    return f"direct:{account_id}"


def list_feed(list_id: int) -> str:
    return f"list:{list_id}"


def hashtag(name: str) -> str:
    """The key of a hashtag, given as Tag.key spells it."""
    return f"hashtag:{name}"


@dataclass(frozen=True)
class Event:
    keys: tuple[str, ...]
    name: str  # Mastodon's event name
    payload: dict
    id: int = 0  # its place in the bus, once published


class EventReader(Protocol):
    def read(self, wait: float) -> list[Event]:
        """The events published since the last read (since the reader was made, at first), each
        once, waiting up to `wait` seconds for the first one (an empty list when none came)."""


class EventBus(Protocol):
    def publish(self, events: Sequence[Event]) -> None:
        """Make the events readable by every streaming process, in this order."""

    def reader(self) -> EventReader:
        """A reader of every event published after this returns."""

    def prune(self, older_than: timedelta) -> int:
        """Forget events older than that; returns how many."""


class DatabaseEventBus:
    """Events as rows of the main database, tailed by ID (see DatabaseEventReader)."""

    def __init__(self, gap_seconds: float = GAP_SECONDS):
        self.gap_seconds = gap_seconds

    def publish(self, events: Sequence[Event]) -> None:
        models.Event.objects.bulk_create(
            [models.Event(keys=list(e.keys), name=e.name, payload=e.payload) for e in events]
        )

    def reader(self) -> "DatabaseEventReader":
        after = models.Event.objects.aggregate(last=Max("id"))["last"] or 0
        return DatabaseEventReader(after, self.gap_seconds)

    def prune(self, older_than: timedelta) -> int:
        # The newest row stays, so that a reader made on an idle instance starts from the IDs
        # in use, not from 0 with every ID below them to wait for.
        newest = models.Event.objects.order_by("-id").values("id")[:1]
        old = models.Event.objects.filter(created_at__lt=timezone.now() - older_than).exclude(id__in=newest)
        deleted, _by_model = old.delete()
        return deleted


class DatabaseEventReader:
    """One reader's place in the Event table: the highest ID it has read, and the gaps below it.

    SQLite has one writer at a time, so its IDs become visible in order. PostgreSQL takes an ID
    when an insert starts and shows the row when it commits, so ID 11 can be read while ID 10 is
    still on its way. So an ID the reader reads past without its row is a gap, looked for again
    (`id > last OR id IN (gaps)`) until its row comes or `gap_seconds` have passed: a rolled-back
    insert's ID never comes. Without gaps a poll is the plain `id > last`.

    An event that comes late is handed out late, after the later ones already read; each event
    is read once. One still uncommitted after `gap_seconds` (a stalled database) is missed."""

    def __init__(self, after: int, gap_seconds: float = GAP_SECONDS):
        self.after = after
        self.gaps: dict[int, float] = {}  # ID -> when the reader read past it
        self.gap_seconds = gap_seconds

    def read(self, wait: float) -> list[Event]:
        deadline = time.monotonic() + wait
        while True:
            rows = self._poll()
            if rows or time.monotonic() >= deadline:
                return [Event(tuple(r.keys), r.name, r.payload, r.id) for r in rows]
            time.sleep(POLL_SECONDS)

    def _poll(self) -> list[models.Event]:
        now = time.monotonic()
        wanted = Q(id__gt=self.after)
        if self.gaps:
            self.gaps = {id_: since for id_, since in self.gaps.items() if now - since < self.gap_seconds}
            if self.gaps:
                wanted |= Q(id__in=list(self.gaps))
        rows = list(models.Event.objects.filter(wanted).order_by("id")[:READ_BATCH])
        for row in rows:
            if row.id > self.after:
                for missing in range(max(self.after, row.id - MAX_GAPS - 1) + 1, row.id):
                    self.gaps[missing] = now
                self.after = row.id
            else:
                del self.gaps[row.id]
        if len(self.gaps) > MAX_GAPS:
            self.gaps = {id_: self.gaps[id_] for id_ in sorted(self.gaps)[-MAX_GAPS:]}
        return rows


class RedisEventBus:
    """Events on one Redis pub/sub channel, which every streaming process subscribes to once. Redis
    keeps nothing: what is published while a reader is not subscribed (Redis restarting, the
    reader reconnecting) is missed, and a client catches up through the API (docs/decisions.md)."""

    def __init__(self, client=None, channel: str | None = None):
        self.client = client or redis.client()
        self.channel = channel or redis.key("events")

    def publish(self, events: Sequence[Event]) -> None:
        # One message for the lot: a delivery's batch costs one round trip, and stays in order.
        self.client.publish(self.channel, orjson.dumps([[e.keys, e.name, e.payload] for e in events]))

    def reader(self) -> "RedisEventReader":
        return RedisEventReader(self.client, self.channel)

    def prune(self, older_than: timedelta) -> int:
        return 0  # pub/sub keeps nothing to prune


class RedisEventReader:
    """One subscription to the channel. Made subscribed: it reads every event published after it
    returns. When Redis goes away, a read logs it and returns nothing, and a later read subscribes
    again, as soon as Redis answers."""

    RETRY_SECONDS = 0.5

    def __init__(self, client, channel: str):
        self.client, self.channel = client, channel
        self.pubsub = None
        self._subscribe()

    def _subscribe(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=False)
        pubsub.subscribe(self.channel)
        # Subscribed only once Redis says so: events published before that would not reach us.
        deadline = time.monotonic() + redis.SOCKET_TIMEOUT
        while (message := pubsub.get_message(timeout=0.1)) is None or message["type"] != "subscribe":
            if time.monotonic() > deadline:
                pubsub.close()
                raise redis_py.TimeoutError("Redis did not confirm the subscription to live events")
        self.pubsub = pubsub

    def read(self, wait: float) -> list[Event]:
        try:
            if self.pubsub is None:
                self._subscribe()
                logger.warning("Subscribed to live events in Redis again; events published meanwhile were missed")
            return self._read(wait)
        except (redis_py.ConnectionError, redis_py.TimeoutError):
            logger.warning("Live events in Redis cannot be read; subscribing again shortly", exc_info=True)
            if self.pubsub is not None:
                self.pubsub.close()
                self.pubsub = None
            time.sleep(min(wait, self.RETRY_SECONDS))
            return []

    def _read(self, wait: float) -> list[Event]:
        read: list[Event] = []
        timeout = wait
        while (message := self.pubsub.get_message(timeout=timeout)) is not None:
            if message["type"] == "message":  # not the confirmation of a subscription redis-py renewed
                read += [Event(tuple(keys), name, payload) for keys, name, payload in orjson.loads(message["data"])]
                timeout = 0.0  # the first came: take what else is there, without waiting
        return read


_BUS: EventBus | None = None


def event_bus() -> EventBus:
    """This process's bus: Redis pub/sub when REDIS_URL is set, else the database's table."""
    global _BUS
    if _BUS is None:
        _BUS = RedisEventBus() if redis.enabled() else DatabaseEventBus()
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
