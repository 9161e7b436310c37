"""This streaming process's one reader of the event bus: a thread that reads every event as it is
published and hands each, in the event loop, to the subscriptions listening on one of its keys.
One reader per process, however many connections, keeps the bus's cost flat."""

import asyncio
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import close_old_connections

from chirvir.events.bus import EventReader, event_bus
from chirvir.streaming.streams import in_thread

logger = logging.getLogger(__name__)
READ_WAIT_SECONDS = 1.0


@dataclass(eq=False)
class Subscription:
    """One stream of one connection. Its connection's inbox takes (subscription, event) pairs
    in the order the bus has them."""

    stream: tuple[str, ...]
    keys: frozenset[str]
    inbox: asyncio.Queue


class Hub:
    def __init__(self):
        self._listening: dict[str, set[Subscription]] = defaultdict(set)
        self._reader: threading.Thread | None = None

    async def add(self, subscription: Subscription) -> None:
        """Listen from now on: every event published after this returns reaches the subscription."""
        if self._reader is None:
            reader = await in_thread(event_bus().reader)
            if self._reader is None:  # another connection may have started it meanwhile
                loop = asyncio.get_running_loop()
                self._reader = threading.Thread(target=self._read, args=(loop, reader), name="events", daemon=True)
                self._reader.start()
        for key in subscription.keys:
            self._listening[key].add(subscription)

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
            for subscription in {s for key in event.keys for s in self._listening.get(key, ())}:
                subscription.inbox.put_nowait((subscription, event))


hub = Hub()
