"""XMPP jobs on the queue, named apart from their work in sending.py: delivering a post to the
links that asked for its author, and sending a linking code. While the server is down each tries
again later, waiting twice as long each time (settings.XMPP_RETRY_DELAY, XMPP_TRIES in all)."""

from django.conf import settings

from chirvir.gateways import outlets
from chirvir.gateways.models import Channel
from chirvir.gateways.xmpp import connection, sending
from chirvir.jobs import task


def queue_deliveries(sender, status_id: int, recipient_ids: list[int], **kwargs) -> None:
    """Heard from delivery (timelines' status_delivered): queue the post for the XMPP links of its
    home recipients that turned its author ON."""
    if not connection.configured():
        return
    if link_ids := outlets.links_for(Channel.XMPP, status_id, recipient_ids):
        xmpp_delivery_job(status_id, link_ids)


@task()
def xmpp_delivery_job(status_id: int, link_ids: list[int], attempt: int = 0) -> int:
    left = sending.deliver_all(status_id, link_ids)
    if left and attempt + 1 < settings.XMPP_TRIES:
        xmpp_delivery_job.schedule(args=(status_id, left, attempt + 1), delay=settings.XMPP_RETRY_DELAY * 2**attempt)
    return len(link_ids) - len(left)


@task()
def xmpp_code_job(address: str, text: str, attempt: int = 0) -> bool:
    try:
        sending.send_to(address, [text])
    except connection.Unavailable:
        if attempt + 1 < settings.XMPP_TRIES:
            xmpp_code_job.schedule(args=(address, text, attempt + 1), delay=settings.XMPP_RETRY_DELAY * 2**attempt)
        return False
    return True
