"""Logging in to the XMPP server as the bot: the client both the bot and the deliveries use, and
a short-lived connection that sync code (a job) sends chat messages through, knowing the server
took them.

slixmpp (~8 MB) is imported by the functions that talk XMPP, not with this module: every web and
worker process loads the module (the delivery job, the linking pages), most never log in."""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import slixmpp


class Unavailable(Exception):
    """The XMPP server could not be reached, refused the login, or did not answer in time."""


def configured() -> bool:
    return bool(settings.XMPP_JID and settings.XMPP_PASSWORD)


def bare(jid: str) -> str:
    """The bare JID (localpart@domain, as stringprep folds it); ValueError when it is none."""
    import slixmpp

    try:
        found = slixmpp.JID(jid.strip())
    except slixmpp.InvalidJID:
        raise ValueError(jid) from None
    if not found.user or not found.domain:
        raise ValueError(jid)
    return found.bare


def client(resource: str, cls: type[slixmpp.ClientXMPP] | None = None, **kwargs) -> slixmpp.ClientXMPP:
    """A client of the bot's account, set for the server as configured; call from inside the
    event loop it is to run on."""
    import slixmpp

    xmpp = (cls or slixmpp.ClientXMPP)(f"{settings.XMPP_JID}/{resource}", settings.XMPP_PASSWORD, **kwargs)
    xmpp.register_plugin("xep_0199")  # ping: the server's answer says it took what came before
    xmpp.enable_direct_tls = False
    if not settings.XMPP_TLS:  # a server on loopback without a certificate (tests)
        xmpp.enable_starttls = False
        xmpp.enable_plaintext = True
        xmpp.plugin["feature_mechanisms"].unencrypted_scram = True
    return xmpp


async def session(xmpp: slixmpp.ClientXMPP) -> None:
    """Connect and log in, or raise Unavailable within XMPP_TIMEOUT."""
    loop = asyncio.get_running_loop()
    started = loop.create_future()

    def fail(reason):
        started.done() or started.set_exception(Unavailable(str(reason)))

    xmpp.add_event_handler("session_start", lambda _: started.done() or started.set_result(True))
    xmpp.add_event_handler("connection_failed", fail)
    xmpp.add_event_handler("failed_all_auth", fail)
    xmpp.add_event_handler("no_auth", fail)
    xmpp.connect(settings.XMPP_HOST, settings.XMPP_PORT)
    try:
        await asyncio.wait_for(started, settings.XMPP_TIMEOUT)
    except TimeoutError:
        raise Unavailable("no session in time") from None
    except BaseException:
        xmpp.cancel_connection_attempt()  # slixmpp would go on trying, on a loop about to close
        xmpp.abort()
        raise


class Outbound:
    """One login of the bot's account, on an event loop of its own in the calling thread, that
    sends chat messages and returns once the server took them. It sends no presence, so people's
    messages to the bot still reach the bot process, never this connection."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        try:
            self.xmpp = self.loop.run_until_complete(self._open())
        except BaseException:
            _close(self.loop)
            raise

    async def _open(self) -> slixmpp.ClientXMPP:
        xmpp = client(f"deliver-{secrets.token_hex(4)}")
        await session(xmpp)
        return xmpp

    def send(self, to: str, texts: list[str]) -> None:
        self.loop.run_until_complete(self._send(to, texts))

    async def _send(self, to: str, texts: list[str]) -> None:
        import slixmpp

        for text in texts:
            self.xmpp.send_message(mto=to, mbody=text, mtype="chat")
        # The server handles a stream's stanzas in order: its answer to this ping means it routed
        # (or stored, for an address that is offline) every message before it.
        try:
            await self.xmpp.plugin["xep_0199"].ping(jid=self.xmpp.boundjid.domain, timeout=settings.XMPP_TIMEOUT)
        except (slixmpp.exceptions.IqTimeout, slixmpp.exceptions.IqError) as e:
            raise Unavailable("the server did not confirm") from e
        if not self.xmpp.is_connected():
            raise Unavailable("the connection ended")

    def close(self) -> None:
        try:
            self.loop.run_until_complete(asyncio.wait_for(self.xmpp.disconnect(), settings.XMPP_TIMEOUT))
        except Exception:
            pass  # the messages were confirmed before; a connection that ends badly loses nothing
        finally:
            _close(self.loop)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """Close a connection's loop with nothing of slixmpp's left pending on it."""
    pending = asyncio.all_tasks(loop)
    for job in pending:
        job.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
