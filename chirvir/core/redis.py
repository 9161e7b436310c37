"""This process's connection to Redis in scale-out mode (REDIS_URL), shared by the stores that
live there (feeds, the event bus, the JSON cache), and the names of their keys: every key starts
with CHIRVIR_REDIS_PREFIX, so several instances or test runs share one Redis and each forgets
only its own keys.

redis-py (~6 MB in every process) is loaded at its first use, which on the embedded default never
comes: `redis_py` is the module, for the stores' `except redis_py.RedisError`."""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import redis


def _lazily(name: str):
    """The module, imported already or made to run at its first attribute (the standard library's
    LazyLoader recipe)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


redis_py = _lazily("redis")

# A Redis that does not answer fails the request that needed it within seconds, never holds it:
# feeds are rebuilt, jobs re-queued by the sweep, and live events are a courtesy.
SOCKET_TIMEOUT = 5.0
CONNECT_TIMEOUT = 2.0


def enabled() -> bool:
    return bool(settings.REDIS_URL)


@cache
def client() -> redis.Redis:
    """One pool per process; redis-py makes a new one in a forked child by itself."""
    return connect(settings.REDIS_URL)


def connect(url: str) -> redis.Redis:
    return redis_py.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT, health_check_interval=30
    )


def key(*parts: object) -> str:
    return ":".join([settings.REDIS_PREFIX, *map(str, parts)])


def forget(pattern: str, connection: redis.Redis | None = None) -> int:
    """Delete the keys matching a glob pattern (one's own, by prefix), never the whole database;
    returns how many."""
    connection = connection or client()
    deleted = 0
    batch = []
    for name in connection.scan_iter(match=pattern, count=1000):
        batch.append(name)
        if len(batch) >= 1000:
            deleted += connection.unlink(*batch)
            batch = []
    if batch:
        deleted += connection.unlink(*batch)
    return deleted


def forget_everything() -> int:
    """Delete every key of this instance (its prefix): its feeds, cache, counters and queue."""
    queue = re.sub("[^a-z0-9]", "", settings.REDIS_PREFIX.lower())  # as Huey spells its queue's name
    return forget(f"{settings.REDIS_PREFIX}:*") + forget(f"huey.*.{queue}")
