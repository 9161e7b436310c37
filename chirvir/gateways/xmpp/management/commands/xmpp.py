"""`chirvir xmpp`: the XMPP bot, in the foreground until interrupted (CHIRVIR_XMPP_JID, _PASSWORD)."""

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chirvir.core import database
from chirvir.gateways.xmpp import connection
from chirvir.gateways.xmpp.bot import Bot


class Command(BaseCommand):
    help = "Run the XMPP bot that linked Jabber addresses chat with (CHIRVIR_XMPP_JID, CHIRVIR_XMPP_PASSWORD)."

    def handle(self, *args, **options):
        if not connection.configured():
            raise CommandError("the XMPP gateway is off: set CHIRVIR_XMPP_JID and CHIRVIR_XMPP_PASSWORD")
        self.stdout.write(database.describe())
        self.stdout.write(f"XMPP bot {settings.XMPP_JID} on {settings.XMPP_HOST}:{settings.XMPP_PORT}")
        self.stdout.flush()
        asyncio.run(self._serve())

    async def _serve(self):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await Bot().run(stop)
