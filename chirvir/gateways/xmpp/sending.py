"""Sending chat messages from sync code (the delivery and code jobs) through short-lived logins of
the bot's account: `send` is the XMPP sender that gateways.outlets calls; inside `batch()`, every
send shares one login, opened at the first message that goes out."""

import threading
from contextlib import contextmanager

from chirvir.gateways import outlets
from chirvir.gateways.models import Link
from chirvir.gateways.xmpp.connection import Outbound, Unavailable

_local = threading.local()


class _Batch:
    outbound: Outbound | None = None


def send(link: Link, texts: list[str]) -> None:
    """Send texts to a link's JID; raises Unavailable while the server does not take them."""
    send_to(link.address, texts)


def send_to(address: str, texts: list[str]) -> None:
    batch = getattr(_local, "batch", None)
    if batch is None:
        outbound = Outbound()
        try:
            outbound.send(address, texts)
        finally:
            outbound.close()
        return
    if batch.outbound is None:
        batch.outbound = Outbound()
    try:
        batch.outbound.send(address, texts)
    except Unavailable:
        batch.outbound.close()
        batch.outbound = None
        raise


@contextmanager
def batch():
    _local.batch = _Batch()
    try:
        yield
    finally:
        if _local.batch.outbound is not None:
            _local.batch.outbound.close()
        _local.batch = None


def deliver_all(status_id: int, link_ids: list[int]) -> list[int]:
    """Send a status to each of these links that outlets lets it go to, over one login; returns
    the links it could not reach because the server was down, for the job to try again. A link
    it reached before (a retry) is not sent to twice: outlets remembers what went out."""
    with batch():
        for done, link_id in enumerate(link_ids):
            try:
                outlets.deliver(link_id, status_id)
            except Unavailable:
                return link_ids[done:]
    return []
