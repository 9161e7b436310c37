"""`chirvir smtpd`: the SMTP server (aiosmtpd) that mail for CHIRVIR_MAIL_DOMAIN is delivered to.
It takes one recipient per mail, refuses unknown addresses at RCPT and mail over
CHIRVIR_MAIL_MAX_MB while it arrives (aiosmtpd counts the bytes before anything parses them),
and answers each mail with what inbound.receive made of it."""

import signal
import threading

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings

from chirvir.gateways.email import addresses, inbound


def _known(address: str) -> bool:
    return addresses.recipient(address) is not None


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            # RFC 5321's "too many recipients": the sender's server sends the others again, one by one.
            return "452 4.5.3 One recipient per mail, please"
        if not await sync_to_async(_known)(address):
            return "550 5.1.1 No such address here, or it was replaced by a new one."
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        return await sync_to_async(inbound.receive)(envelope.rcpt_tos[0], envelope.mail_from, envelope.content)


def controller(host: str, port: int) -> Controller:
    return Controller(
        Handler(), hostname=host, port=port, server_hostname=settings.MAIL_DOMAIN, ident="Chirvir smtpd",
        data_size_limit=settings.MAIL_MAX_BYTES, timeout=60, enable_SMTPUTF8=True,
    )


def serve() -> None:
    """Receive mail on CHIRVIR_MAIL_BIND until SIGINT or SIGTERM."""
    host, _colon, port = settings.MAIL_BIND.rpartition(":")
    server = controller(host, int(port))
    server.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"chirvir smtpd: receiving mail for {settings.MAIL_DOMAIN} on {settings.MAIL_BIND}", flush=True)
    stop.wait()
    server.stop()

