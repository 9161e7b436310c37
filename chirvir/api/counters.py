"""The fixed-window counters the API's rate limits keep, shared by every process of the server.
The protocol is what the limits need; a small SQLite file beside the data fills it in embedded
mode (never the main database: a count would take its write lock on every GET), and Django's
cache, on Redis, in scale-out mode. Counts are disposable: losing them only forgives some requests."""

import logging
import sqlite3
import threading
import time
from typing import Protocol

from django.conf import settings

from chirvir.core import redis

logger = logging.getLogger(__name__)

PRUNE_EVERY = 60.0  # seconds between one connection's sweeps of windows that have ended


class Counters(Protocol):
    def hit(self, key: str, period: int, now: float) -> tuple[int, int] | None:
        """Count one request under `key` in the current window of `period` seconds (windows start
        at multiples of the period since the epoch, as Mastodon's do). Returns the count in that
        window, this request included, and when the window ends (Unix seconds); None when the
        store cannot count, and the request is let through."""

    def clear(self) -> None:
        """Forget every count."""


class SqliteCounters:
    """One row per key: its count and the end of the window the count belongs to. A hit is one
    atomic upsert, so processes and threads never lose a count between them. Each thread has its
    own connection, opened at its first hit; WAL lets one writer in beside the readers, and
    without fsync (synchronous=OFF) a hit costs tens of microseconds."""

    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()

    def hit(self, key: str, period: int, now: float) -> tuple[int, int] | None:
        ends = (int(now) // period + 1) * period
        try:
            connection = self._connection(now)
            (count,) = connection.execute(
                "INSERT INTO hits (key, n, ends) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE"
                " SET n = CASE WHEN ends = excluded.ends THEN n + 1 ELSE 1 END, ends = excluded.ends"
                " RETURNING n",
                (key, ends),
            ).fetchone()
        except sqlite3.Error:
            logger.exception("The rate limit counters in %s cannot count; the request goes through.", self.path)
            return None
        return count, ends

    def clear(self) -> None:
        self._connection(time.time()).execute("DELETE FROM hits")

    def _connection(self, now: float) -> sqlite3.Connection:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None:
            # Autocommit: each statement is its own short write transaction.
            connection = sqlite3.connect(self.path, timeout=2, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL, ends INTEGER NOT NULL)"
                " WITHOUT ROWID"
            )
            local.connection, local.pruned = connection, now
        elif now - local.pruned > PRUNE_EVERY:
            # A scan of one row per recent caller, once a minute per connection: no index to keep.
            connection.execute("DELETE FROM hits WHERE ends <= ?", (int(now),))
            local.pruned = now
        return connection


class CacheCounters:
    """Counts in Django's cache (Redis in scale-out mode, shared by every process of every machine):
    a key per window, made with its expiry by `add`, counted by the cache's atomic `incr`."""

    PREFIX = "ratelimit"

    def hit(self, key: str, period: int, now: float) -> tuple[int, int] | None:
        from django.core.cache import cache

        ends = (int(now) // period + 1) * period
        name = f"{self.PREFIX}:{ends}:{key.replace(' ', '/')}"  # cache keys take no spaces
        try:
            count = 1 if cache.add(name, 1, timeout=ends - int(now) + 1) else cache.incr(name)
        except ValueError:  # the window's key expired between the two: it ended, and so did its count
            count = 1
        except Exception:
            logger.exception("The rate limit counters in the cache cannot count; the request goes through.")
            return None
        return count, ends

    def clear(self) -> None:
        from django.core.cache import cache

        # Only these keys, never the whole cache (a Redis shared with other instances).
        redis.forget(cache.make_key(f"{self.PREFIX}:*"))


_counters: Counters | None = None


def counters() -> Counters:
    """This process's counters: in Django's cache (Redis) when REDIS_URL is set, else a file."""
    global _counters
    if _counters is None:
        _counters = CacheCounters() if redis.enabled() else SqliteCounters(settings.DATA_DIR / "ratelimit.sqlite3")
    return _counters
