"""Read routing to PostgreSQL replicas (CHIRVIR_DATABASE_REPLICA_URLS): a read marked `may_lag` runs on a
replica, unless its request has written or its viewer wrote a moment ago; every other query, every write and
every migration goes to the primary. A replica that fails is left alone for a while, the read redone on the
primary. docs/decisions.md says why the reads are marked rather than guessed."""

import functools
import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

from chirvir.core.redis import redis_py

logger = logging.getLogger(__name__)

# How long after a write its author's reads stay on the primary, in other requests too: replication lag
# is well under a second on a healthy replica, so this covers it many times over (docs/deploy.md).
READ_YOUR_WRITES_SECONDS = 10
# How long a replica that failed is not tried again, by this process.
RETRY_AFTER_SECONDS = 10

# The replica the current `may_lag` read runs on (None: the primary).
_replica: ContextVar[str | None] = ContextVar("replica", default=None)
# Whether the current request has written: a one-item list, made afresh by the middleware for each request.
# Outside a request (jobs, commands) there is none, and nothing is read from a replica.
_request_wrote: ContextVar[list[bool] | None] = ContextVar("request_wrote", default=None)
_failed_until: dict[str, float] = {}  # replica alias -> when this process may try it again


class Router:
    """Django's router: the primary for everything, but for the reads of a `may_lag` block. Returning the
    primary outside one (rather than no opinion) keeps the related rows of objects read on a replica, loaded
    later by the serializers, on the primary."""

    def db_for_read(self, model, **hints):
        return reading()

    def db_for_write(self, model, **hints):
        if (wrote := _request_wrote.get()) is not None:
            wrote[0] = True
        # A write inside a lagging read (rare: a feed rebuilt) is followed on the primary by its reads.
        _replica.set(None)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # a replica holds the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def reading() -> str:
    """The database the reads now go to, for a query written in SQL (which no router sees)."""
    return _replica.get() or DEFAULT_DB_ALIAS


def _mark(account_id) -> str:
    return f"replicas:wrote:{account_id}"


def middleware(get_response):
    """Each request starts having written nothing; one that wrote keeps its signed-in account's reads on
    the primary for READ_YOUR_WRITES_SECONDS (in Django's cache, shared by every process through Redis)."""
    if not settings.DATABASE_REPLICAS:
        raise MiddlewareNotUsed

    def handle(request):
        wrote = [False]
        token = _request_wrote.set(wrote)
        try:
            response = get_response(request)
        finally:
            _request_wrote.reset(token)
        if wrote[0] and (account := _account_of(request)) is not None:
            try:
                cache.set(_mark(account.pk), True, READ_YOUR_WRITES_SECONDS)
            except redis_py.RedisError:  # the write is done; only its author's next lagging reads may lag
                logger.warning("Cannot keep %s's reads on the primary: the cache is not there", account.pk)
        return response

    return handle


def _account_of(request):
    if (account := getattr(request, "account", None)) is not None:  # the API's, from its token
        return account
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _replica_for(viewer) -> str | None:
    wrote = _request_wrote.get()
    if not settings.DATABASE_REPLICAS or wrote is None or wrote[0]:
        return None
    try:
        if getattr(viewer, "pk", None) is not None and cache.get(_mark(viewer.pk)):
            return None
    except redis_py.RedisError:  # whether the viewer wrote is unknown: the primary knows it
        return None
    now = time.monotonic()
    working = [alias for alias in settings.DATABASE_REPLICAS if _failed_until.get(alias, 0) <= now]
    return random.choice(working) if working else None


def _broken(alias: str) -> bool:
    connection = connections[alias]
    return connection.connection is None or not connection.is_usable()


def may_lag(read):
    """Marks a read whose answer may be a moment old (public and hashtag timelines, others' profiles, search,
    trends): it runs on a replica. Its first argument is the viewer (an account, or None): one who wrote within
    READ_YOUR_WRITES_SECONDS reads from the primary. If the replica fails, the read is done again on the
    primary, and a replica that is down is not tried for RETRY_AFTER_SECONDS."""

    @functools.wraps(read)
    def on_replica(viewer, *args, **kwargs):
        alias = _replica_for(viewer)
        if alias is None:
            return read(viewer, *args, **kwargs)
        token = _replica.set(alias)
        try:
            return read(viewer, *args, **kwargs)
        except (OperationalError, InterfaceError):
            if not connections[alias].errors_occurred:
                raise  # the primary's own error: the replica is not to blame
            # Down, or a query cancelled by its replay (a conflict with recovery): the primary answers.
            if _broken(alias):
                _failed_until[alias] = time.monotonic() + RETRY_AFTER_SECONDS
                connections[alias].close()
            _replica.set(None)
            return read(viewer, *args, **kwargs)
        finally:
            _replica.reset(token)

    return on_replica
