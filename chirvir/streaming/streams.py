"""Mastodon's streams on the streaming side: who may open which stream (by OAuth's tokens and
scopes) and which bus keys it listens to, and what an event looks like to one subscriber (through
the audience gate and the API's one serializer per entity). What reads the database here runs in
one of the process's few database threads (`in_thread`), off the event loop."""

import asyncio
import concurrent.futures
import logging
import queue
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import close_old_connections

from chirvir import audience
from chirvir.accounts.models import Account
# The one serializer per entity lives with the API for now: a status's JSON has one home.
from chirvir.api import serializers
from chirvir.core.errors import NotFound, Unauthorized
from chirvir.core.paging import Page
from chirvir.events import bus as events
from chirvir.events.bus import Event
from chirvir.lists import services as lists
from chirvir.notifications.services import list_notifications
from chirvir.oauth import services as oauth
from chirvir.oauth.services import Credentials
from chirvir.statuses.models import Tag
from chirvir.statuses.services import get_status, list_conversations
from chirvir.timelines.reads import not_muted

logger = logging.getLogger(__name__)

# The scope each stream needs, as Mastodon's streaming server asks: `read` covers them all.
SCOPES = {
    "user": "read:statuses",
    "user:notification": "read:notifications",
    "direct": "read:statuses",
    "list": "read:statuses",
    "public": "read:statuses",
    "public:local": "read:statuses",
    "hashtag": "read:statuses",
    "hashtag:local": "read:statuses",
    # Accepted, and silent: every account is local.
    "public:remote": "read:statuses",
    "public:media": "read:statuses",
    "public:local:media": "read:statuses",
    "public:remote:media": "read:statuses",
}
OPEN_TO_ALL = {name for name in SCOPES if name.startswith(("public", "hashtag"))}
PUBLIC_KEYS = {
    "public": {events.PUBLIC},
    "public:local": {events.PUBLIC},
    "public:media": {events.PUBLIC_MEDIA},
    "public:local:media": {events.PUBLIC_MEDIA},
}


class Refused(Exception):
    """A stream the caller may not open, with Mastodon's status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Stream:
    name: tuple[str, ...]  # as WebSocket frames name it: (name,), or (name, tag)
    keys: frozenset[str]  # the bus keys it listens to


# Every piece of the streaming side's database work runs in these threads, and nowhere else: a
# thread keeps at most one connection (Django's are per thread), so a process holds at most
# STREAMING_DB_THREADS of them (and its event reader's) whether 10 or 10,000 streams are open,
# and a burst of streams queues here instead of opening a connection each (past PostgreSQL's
# max_connections). Daemon threads, unlike concurrent.futures' pool: a server that stops is not
# held up by work queued for streams that are gone. Started with the first piece of work, so in
# each of Granian's worker processes.
_database_work: queue.SimpleQueue = queue.SimpleQueue()
_database_threads: list[threading.Thread] = []


def _do_database_work(work_queue: queue.SimpleQueue = _database_work) -> None:
    """One database thread's life. Whatever fails, the care for stale connections included, fails
    that piece of work only: its stream hears the error, and the thread, which nothing would start
    again, goes on to the next piece."""
    while True:
        future, work, args = work_queue.get()
        if not future.set_running_or_notify_cancel():
            continue  # its stream went meanwhile
        try:
            close_old_connections()
            future.set_result(work(*args))
        except BaseException as e:
            future.set_exception(e)
        finally:
            try:
                close_old_connections()
            except Exception:
                logger.exception("Closing a streaming database thread's stale connection failed")


async def in_thread(work, *args):
    """Run ORM work in one of the streaming side's database threads, with Django's per-request care
    for stale connections (one past CONN_MAX_AGE, or broken, is closed)."""
    while len(_database_threads) < settings.STREAMING_DB_THREADS:
        thread = threading.Thread(target=_do_database_work, name="streaming-db", daemon=True)
        thread.start()
        _database_threads.append(thread)
    future = concurrent.futures.Future()
    _database_work.put((future, work, args))
    return await asyncio.wrap_future(future)


def authenticate(token: str | None) -> Credentials | None:
    """The token's credentials (chirvir/oauth); None for no token."""
    try:
        return oauth.authenticate_token(token)
    except Unauthorized as e:
        raise Refused(401, e.message) from e


def session_credentials(cookies, headers) -> Credentials | None:
    """A signed-in browser on our own pages, by its Django session cookie: the pages' live
    updates need no token. Only from our own origin, so another site cannot listen in."""
    origin = headers.get("origin")
    if origin and urlsplit(origin).netloc != headers.get("host"):
        return None
    return oauth.authenticate_session(cookies.get(settings.SESSION_COOKIE_NAME))


def _param(params, name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value in (None, "") else str(value)


def open_stream(credentials: Credentials | None, name, params) -> Stream:
    """The stream `name` (with its `tag` or `list` in params) for these credentials. Public and
    hashtag streams need no token; a token that is sent must hold the stream's scope. A list
    stream is its owner's, or (beyond Mastodon) a subscriber's of a public list. It reads the
    database: run it in a worker thread (`in_thread`)."""
    if not isinstance(name, str) or name not in SCOPES:
        raise Refused(400, "Unknown stream type")
    if credentials is not None and not oauth.allows(credentials, SCOPES[name]):
        raise Refused(401, "Access token does not have the required scopes")
    if name in {"hashtag", "hashtag:local"}:
        tag = _param(params, "tag")
        if tag is None:
            raise Refused(400, "Missing tag name parameter")
        return Stream((name, tag), frozenset({events.hashtag(Tag.key(tag.removeprefix("#")))}))
    if name in OPEN_TO_ALL:
        return Stream((name,), frozenset(PUBLIC_KEYS.get(name, ())))
    if credentials is None:
        raise Refused(401, "Missing access token")
    account = credentials.account
    if account is None:
        raise Refused(422, "This method requires an authenticated user")
    if name == "list":
        list_id = _param(params, "list")
        if list_id is None:
            raise Refused(400, "Missing list name parameter")
        try:
            lst = lists.readable_list(account, list_id)
        except NotFound:
            raise Refused(401, "Not authorized to stream this list") from None
        if lst.owner_id != account.id and not lists.is_subscribed(account, lst):
            raise Refused(401, "Not authorized to stream this list")
        return Stream((name, str(lst.id)), frozenset({events.list_feed(lst.id)}))
    if name == "direct":
        keys = {events.direct(account.id)}
    elif name == "user:notification":
        keys = {events.notifications(account.id)}
    else:
        # The user stream carries notifications only for a token that may read them.
        keys = {events.home(account.id)}
        if oauth.allows(credentials, "read:notifications"):
            keys.add(events.notifications(account.id))
    return Stream((name,), frozenset(keys))


def _one(id_: int) -> Page:
    """A page holding just this ID: reading it through a list's service applies that list's rules."""
    return Page(max_id=id_ + 1, since_id=id_ - 1, limit=1)


def _status(account: Account | None, payload: dict, context: str | None) -> dict | None:
    """The status as the subscriber may see it: through the audience gate, not from an account
    they mute, and not one their filters hide in the stream's context, as home, public and
    hashtag timelines leave those out."""
    try:
        status = get_status(account, payload["status_id"])
    except NotFound:  # deleted since, or the gate keeps it from this viewer
        return None
    if not not_muted(audience.Viewer.of(account), status):
        return None
    shown = serializers.statuses([status], account, context)
    return shown[0] if shown else None


def _notification(account: Account, payload: dict, _context) -> dict | None:
    found = serializers.notifications(list_notifications(account, _one(payload["notification_id"])), account)
    return found[0] if found else None


def _conversation(account: Account, payload: dict, _context) -> dict | None:
    """The subscriber's conversation whose latest message is this one (none if newer came since)."""
    found = list_conversations(account, _one(payload["status_id"]))
    return serializers.conversations(found, account)[0] if found else None


def _may_have_seen(account: Account | None, payload: dict) -> bool:
    """Whether the subscriber may have been shown a status that is now deleted: whether they may
    read its author's posts (a protected account's, only its followers)."""
    author = Account.objects.filter(id=payload.get("account_id")).first()
    return author is not None and audience.may_see_posts_of(audience.Viewer.of(account), author)


RENDER = {"update": _status, "status.update": _status, "notification": _notification, "conversation": _conversation}


def filter_context(stream_name: str) -> str | None:
    """Which of the viewer's filters a stream's statuses meet: the home timeline's on the user and
    list streams, the public ones' on the public and hashtag streams, none on direct messages."""
    if stream_name in {"user", "list"}:
        return "home"
    if stream_name.startswith(("public", "hashtag")):
        return "public"
    return None


async def render(account: Account | None, event: Event, stream_name: str = "user") -> str | None:
    """An event's payload as Mastodon sends it to this subscriber on this stream: the entity's
    JSON, or for a deletion the bare status ID; None when the subscriber may not see it."""
    if event.name == "delete":
        shown = await in_thread(_may_have_seen, account, event.payload)
        return str(event.payload["status_id"]) if shown else None
    found = await in_thread(RENDER[event.name], account, event.payload, filter_context(stream_name))
    return None if found is None else orjson.dumps(found).decode()
