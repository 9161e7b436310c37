"""The cache of rendered JSON: bytes by key, for what the API shows over and over (a status, an
account's profile). Keys name a version of their content, so nothing is ever deleted: a status or
a profile is keyed by its ID and a digest of its row, and what changes all the time (counts) is
never cached but read with the rows the audience gate reads anyway. A change made by any process
is a new key in every process; old keys age out.

The protocol is what the serializers need; a per-process LRU fills it in embedded mode
(docs/decisions.md), and Redis behind a smaller LRU in scale-out mode, so that what one process
rendered the others find."""

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

from chirvir.core import redis
from chirvir.core.redis import redis_py

logger = logging.getLogger(__name__)

# Entries kept per process: a status is about 1 kB of JSON, a profile about as much.
SIZE = 20_000


class JsonCache(Protocol):
    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The values held for these keys; keys not held are left out."""

    def set_many(self, values: dict[str, bytes]) -> None:
        """Hold these values (a key is only ever given the same value again)."""


class LocalCache:
    """The most recently used `size` entries, in this process's memory."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        # Web workers and the streaming side render in several threads.
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        found = {}
        with self._lock:
            for key in keys:
                value = self._entries.get(key)
                if value is not None:
                    self._entries.move_to_end(key)
                    found[key] = value
        return found

    def set_many(self, values: dict[str, bytes]) -> None:
        with self._lock:
            for key, value in values.items():
                self._entries[key] = value
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


# In Redis, an entry lives a day from when it was last written: old versions age out by themselves.
REDIS_TTL_SECONDS = 24 * 3600
# In front of Redis, each process keeps the entries it used last: a key's value never changes.
NEAR_SIZE = 5_000


class RedisCache:
    """Entries in Redis, shared by every process (MGET for the misses, one pipeline of SETs with
    a TTL), behind this process's own LRU. A Redis that does not answer is a miss, never an error."""

    def __init__(self, client=None, prefix: str | None = None, near: LocalCache | None = None):
        self.client = client or redis.client()
        self.prefix = prefix if prefix is not None else redis.key("json")
        self.near = near or LocalCache(NEAR_SIZE)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(keys)
        found = self.near.get_many(keys)
        missing = [k for k in keys if k not in found]
        if not missing:
            return found
        try:
            values = self.client.mget([f"{self.prefix}:{k}" for k in missing])
        except redis_py.RedisError:
            logger.warning("The JSON cache in Redis cannot be read; rendering afresh", exc_info=True)
            return found
        far = {k: v for k, v in zip(missing, values) if v is not None}
        self.near.set_many(far)
        return {**found, **far}

    def set_many(self, values: dict[str, bytes]) -> None:
        self.near.set_many(values)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(f"{self.prefix}:{key}", value, ex=REDIS_TTL_SECONDS)
                pipe.execute()
        except redis_py.RedisError:
            logger.warning("The JSON cache in Redis cannot be written", exc_info=True)


_CACHE: JsonCache | None = None


def json_cache() -> JsonCache:
    """This process's JSON cache: Redis when REDIS_URL is set, else its own memory."""
    global _CACHE
    if _CACHE is None:
        _CACHE = RedisCache() if redis.enabled() else LocalCache(SIZE)
    return _CACHE


# A post as a page shows it is a few kB of HTML (its buttons are forms): fewer are kept than JSON.
FRAGMENT_SIZE = 5_000
_FRAGMENTS: JsonCache | None = None


def fragment_cache() -> JsonCache:
    """This process's cache of the pages' HTML of each post (chirvir/web/fragments.py), kept as
    the JSON is and keyed the same way, by a version of everything it shows: in Redis when
    REDIS_URL is set, else in its own memory."""
    global _FRAGMENTS
    if _FRAGMENTS is None:
        _FRAGMENTS = RedisCache(prefix=redis.key("html")) if redis.enabled() else LocalCache(FRAGMENT_SIZE)
    return _FRAGMENTS
