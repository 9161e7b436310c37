"""This streaming process's one reader of the event bus: a thread that reads every event as it is
published and hands each, in the event loop, to the subscriptions listening on one of its keys.
One reader per process, however many connections, keeps the bus's cost flat.

The hub also knows each connection's credentials, and ends a connection whose sign-in ended: at
once when the bus announces it (events.ENDED), or at the next recheck of them all."""

import asyncio
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections

from chirvir.events import bus as events
from chirvir.events.bus import EventReader, event_bus
from chirvir.oauth import services as oauth
from chirvir.oauth.services import Credentials
from chirvir.streaming.streams import in_thread

logger = logging.getLogger(__name__)
READ_WAIT_SECONDS = 1.0
RECHECK_SECONDS = settings.STREAMING_RECHECK
END = object()  # put in a connection's inbox: its sign-in ended, so it closes


@dataclass(eq=False)
class Subscription:
    """One stream of one connection. Its connection's inbox takes (subscription, event) pairs
    in the order the bus has them."""

    stream: tuple[str, ...]
    keys: frozenset[str]
    inbox: asyncio.Queue


@dataclass(eq=False)
class Connection:
    """One client's connection (a WebSocket, or an SSE stream), with the credentials it opened
    with (None: anonymous) and the inbox its subscriptions share."""

    credentials: Credentials | None
    inbox: asyncio.Queue

    def end(self) -> None:
        self.inbox.put_nowait(END)


class Hub:
    def __init__(self):
        self._listening: dict[str, set[Subscription]] = defaultdict(set)
        self._connections: set[Connection] = set()
        self._reader: threading.Thread | None = None
        self._rechecking: asyncio.Task | None = None
        self._starting = asyncio.Lock()

    async def connect(self, connection: Connection) -> None:
        """Watch the connection's credentials from now on: when they end, END reaches its inbox."""
        await self._start()
        if connection.credentials is not None:
            self._connections.add(connection)

    def disconnect(self, connection: Connection) -> None:
        self._connections.discard(connection)

    async def add(self, subscription: Subscription) -> None:
        """Listen from now on: every event published after this returns reaches the subscription."""
        await self._start()
        for key in subscription.keys:
            self._listening[key].add(subscription)

    async def _start(self) -> None:
        if self._reader is not None:
            return
        # One reader made, however many streams arrive at once: the others wait for it, rather
        # than each making one of their own (a Redis subscription, or a query) and discarding it,
        # ahead of their own database work in the streaming threads.
        async with self._starting:
            if self._reader is None:
                reader = await in_thread(event_bus().reader)
                loop = asyncio.get_running_loop()
                self._reader = threading.Thread(target=self._read, args=(loop, reader), name="events", daemon=True)
                self._reader.start()
                self._rechecking = loop.create_task(self._recheck())

    def remove(self, subscription: Subscription) -> None:
        for key in subscription.keys:
            listeners = self._listening.get(key, set())
            listeners.discard(subscription)
            if not listeners:
                self._listening.pop(key, None)

    def _read(self, loop: asyncio.AbstractEventLoop, reader: EventReader) -> None:
        while not loop.is_closed():
            close_old_connections()
            try:
                read = reader.read(READ_WAIT_SECONDS)
            except Exception:
                # A stopped reader would silence every stream of the process: log, and go on.
                logger.exception("Reading live events failed; trying again in a second")
                time.sleep(1)
                continue
            if read:
                loop.call_soon_threadsafe(self._hand_out, read)

    def _hand_out(self, read) -> None:
        for event in read:
            if events.ENDED in event.keys:
                for connection in [c for c in self._connections if oauth.ended(c.credentials, event.payload)]:
                    connection.end()
                continue
            for subscription in {s for key in event.keys for s in self._listening.get(key, ())}:
                subscription.inbox.put_nowait((subscription, event))

    async def _recheck(self) -> None:
        """Now and then, ask whether every connection's credentials still let it in: a token row
        deleted by an operator, or a session that expired, announces nothing on the bus."""
        while True:
            await asyncio.sleep(RECHECK_SECONDS)
            connections = list(self._connections)
            if not connections:
                continue
            try:
                lapsed = await in_thread(oauth.lapsed, [c.credentials for c in connections])
            except Exception:
                logger.exception("Checking the live streams' credentials failed; trying again later")
                continue
            for connection in connections:
                if connection.credentials in lapsed:
                    connection.end()


hub = Hub()
