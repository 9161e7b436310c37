"""The bot (`chirvir xmpp`): logged in to the XMPP server as CHIRVIR_XMPP_JID, shown online to
its contacts, it answers each chat message with what inbound.answer says and lets only linked
JIDs add it as a contact. A lost connection is made again, waiting longer each time it fails."""

import asyncio
import logging

import slixmpp
from django import db
from django.conf import settings

from chirvir.gateways.xmpp import connection, inbound

logger = logging.getLogger("chirvir.xmpp")
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0


def _in_thread(fn, *args):
    """Run a piece of database work on a worker thread: Django's ORM is synchronous."""
    db.close_old_connections()
    try:
        return fn(*args)
    finally:
        db.close_old_connections()


class Bot:
    def __init__(self):
        self.xmpp = connection.client("bot")
        self.xmpp.roster.auto_authorize = None  # we decide who may add the bot (linked JIDs)
        self.xmpp.roster.auto_subscribe = False
        self.xmpp.add_event_handler("session_start", self._online)
        self.xmpp.add_event_handler("message", self._message)
        self.xmpp.add_event_handler("presence_subscribe", self._subscribe)
        self.xmpp.add_event_handler("disconnected", self._lost)
        self.turn = asyncio.Lock()  # one message at a time: each reply follows its own message
        self.stopping = False
        self.ready = asyncio.Event()
        self.pause = FIRST_PAUSE

    async def _online(self, _event):
        self.pause = FIRST_PAUSE
        self.xmpp.send_presence(pstatus="Chirvir")
        await self.xmpp.get_roster()
        logger.info("XMPP bot %s is online", self.xmpp.boundjid)
        self.ready.set()

    async def _message(self, msg: slixmpp.Message):
        # Errors, group chats and headlines get no answer: answering an error could loop forever.
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        sender = msg["from"]
        if sender.bare == self.xmpp.boundjid.bare:
            return  # the bot's own delivery logins
        async with self.turn:
            try:
                replies = await asyncio.to_thread(_in_thread, inbound.answer, str(sender), msg["body"])
            except Exception:
                logger.exception("XMPP message from %s", sender.bare)
                return
        for reply in replies:
            self.xmpp.send_message(mto=sender, mbody=reply, mtype="chat")

    async def _subscribe(self, presence: slixmpp.Presence):
        who = presence["from"].bare
        if await asyncio.to_thread(_in_thread, inbound.may_subscribe, who):
            self.xmpp.send_presence(pto=who, ptype="subscribed")
            self.xmpp.send_presence(pto=who, pstatus="Chirvir")
            return
        self.xmpp.send_presence(pto=who, ptype="unsubscribed")
        for reply in await asyncio.to_thread(_in_thread, inbound.answer, who, ""):
            self.xmpp.send_message(mto=who, mbody=reply, mtype="chat")

    def _lost(self, _event):
        self.ready.clear()
        if not self.stopping:
            logger.warning("XMPP bot lost its connection; connecting again in %g s", self.pause)
            asyncio.get_running_loop().call_later(self.pause, self._connect)
            self.pause = min(self.pause * 2, LONGEST_PAUSE)

    def _connect(self):
        if not self.stopping:
            self.xmpp.connect(settings.XMPP_HOST, settings.XMPP_PORT)

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set; then leave, saying so to the server."""
        self._connect()
        await stop.wait()
        self.stopping = True
        self.xmpp.cancel_connection_attempt()
        if self.xmpp.is_connected():
            try:
                await asyncio.wait_for(self.xmpp.disconnect(), 5)
            except TimeoutError:
                self.xmpp.abort()
