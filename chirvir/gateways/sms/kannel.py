"""Kannel's sendsms interface: one HTTP request a message, which Kannel splits into numbered
parts itself (its sendsms-user has `concatenation = true` and `max-messages` set), in the coding
that encoding.py picks. A Kannel that does not answer, or refuses, raises: the job tries again.
httpx (~7 MB) is imported by the send, not with the module every web and worker process loads."""

from django.conf import settings

from chirvir.gateways.models import Link
from chirvir.gateways.sms import encoding

TIMEOUT = 10


class SendFailed(Exception):
    pass


def configured() -> bool:
    return bool(settings.SMS_SENDSMS_URL and settings.SMS_SECRET)


def send(to: str, text: str) -> None:
    if not configured():
        raise SendFailed("SMS is not configured")
    # A POST whose headers carry the rest: URLs end up in logs, and the password, the number and
    # the text have no business there.
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "X-Kannel-Username": settings.SMS_USERNAME,
        "X-Kannel-Password": settings.SMS_PASSWORD,
        "X-Kannel-To": to,
        "X-Kannel-Coding": str(encoding.coding_of(text)),
    }
    if settings.SMS_FROM:
        headers["X-Kannel-From"] = settings.SMS_FROM
    import httpx

    try:
        answer = httpx.post(settings.SMS_SENDSMS_URL, content=text.encode(), headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as e:
        raise SendFailed(f"Kannel did not answer: {e}") from e
    # 202 "0: Accepted for delivery", or "3: Queued for later delivery" while no SMSC is up.
    if answer.status_code not in (200, 202):
        raise SendFailed(f"Kannel refused: {answer.status_code} {answer.text[:200]}")


def send_texts(link: Link, texts: list[str]) -> None:
    for text in texts:
        send(link.address, text)
