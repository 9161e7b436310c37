"""SMS jobs on the queue, named apart from their work: one finds the phones a delivered post goes
to, one sends to each phone once and, while Kannel is down, tries again later, waiting twice as
long each time; one sends texts that are not posts (a linking code)."""

from django.conf import settings

from chirvir.gateways import outlets
from chirvir.gateways.sms import kannel
from chirvir.jobs import task


def on_status_delivered(sender, status_id: int, recipient_ids: list[int], **kwargs) -> None:
    if kannel.configured():
        sms_fanout_job(status_id, recipient_ids)


@task(retries=3, retry_delay=5)
def sms_fanout_job(status_id: int, recipient_ids: list[int]) -> None:
    for link_id in outlets.links_for("sms", status_id, recipient_ids):
        sms_delivery_job(link_id, status_id)


@task()
def sms_delivery_job(link_id: int, status_id: int, attempt: int = 0) -> str:
    try:
        return outlets.deliver(link_id, status_id)
    except kannel.SendFailed:
        if attempt + 1 < settings.SMS_TRIES:
            sms_delivery_job.schedule(args=(link_id, status_id, attempt + 1), delay=settings.SMS_RETRY_DELAY * 2**attempt)
        return "retry"


@task()
def sms_text_job(address: str, text: str, attempt: int = 0) -> None:
    try:
        kannel.send(address, text)
    except kannel.SendFailed:
        if attempt + 1 < settings.SMS_TRIES:
            sms_text_job.schedule(args=(address, text, attempt + 1), delay=settings.SMS_RETRY_DELAY * 2**attempt)
