"""The cache of rendered JSON: bytes by key, for what the API shows over and over (a status, an
account's profile). Keys name a version of their content, so nothing is ever deleted: a status or
a profile is keyed by its ID and a digest of its row, and what changes all the time (counts) is
never cached but read with the rows the audience gate reads anyway. A change made by any process
is a new key in every process; old keys age out.

The protocol is what the serializers need; a per-process LRU fills it now (docs/decisions.md), a
Redis store can fill it in scale-out mode."""

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

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


_CACHE: JsonCache = LocalCache(SIZE)


def json_cache() -> JsonCache:
    return _CACHE
