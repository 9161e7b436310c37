"""Which linked addresses a delivered post goes out to, and sending it there once. The rules:
its author is a followee the link turned ON; the link is confirmed, not stopped, with updates ON;
it is outside the link's quiet hours and under its daily cap; and, checked when it is sent, not
when it was queued, the link's account still follows the author and the audience gate lets it see
the post. Each channel registers the function that sends its texts (`register_sender`)."""

import zoneinfo
from collections.abc import Callable
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chirvir import audience
from chirvir.accounts.models import Follow
from chirvir.gateways.models import Link, LinkFollowee, Sent
from chirvir.statuses.models import Status

SENT, SKIPPED, ALREADY = "sent", "skipped", "already"

# channel -> send(link, texts): raises when the channel is down, so that its job tries again.
_senders: dict[str, Callable[[Link, list[str]], None]] = {}


def register_sender(channel: str, send: Callable[[Link, list[str]], None]) -> None:
    _senders[channel] = send


def links_for(channel: str, status_id: int, recipient_ids: list[int]) -> list[int]:
    """The links on a channel that a delivered status may go to, as far as the queue can tell:
    those of its home recipients that turned its author ON. `deliver` checks the rest."""
    author_id = Status.objects.filter(id=status_id, reblog__isnull=True).values_list("account_id", flat=True).first()
    if author_id is None:
        return []
    found = LinkFollowee.objects.filter(
        followee_id=author_id,
        link__channel=channel,
        link__account_id__in=recipient_ids,
        link__confirmed_at__isnull=False,
        link__stopped=False,
        link__updates_on=True,
    ).exclude(link__account_id=author_id)
    return sorted(found.values_list("link_id", flat=True))


def render(status: Status) -> str:
    """A post as a message channel shows it."""
    return f"{status.account.username}: {status.text}"


def deliver(link_id: int, status_id: int, now: datetime | None = None) -> str:
    """Send a status to a link if the rules above let it, once: SENT, SKIPPED (a rule said no) or
    ALREADY (sent before). A sender that fails raises, and the status counts as not sent."""
    link = Link.objects.filter(id=link_id, confirmed_at__isnull=False).select_related("account").first()
    status = Status.objects.filter(id=status_id).gated().first()
    if link is None or status is None or not _may_send(link, status, now or timezone.now()):
        return SKIPPED
    try:
        with transaction.atomic():
            Sent.objects.create(link=link, status_id=status.id)
    except IntegrityError:
        return ALREADY
    try:
        _senders[link.channel](link, [render(status)])
    except Exception:
        Sent.objects.filter(link=link, status_id=status.id).delete()  # so that the retry sends it
        raise
    _count(link, now or timezone.now())
    return SENT


def _may_send(link: Link, status: Status, now: datetime) -> bool:
    if link.stopped or not link.updates_on or status.reblog_id is not None:
        return False
    if not LinkFollowee.objects.filter(link=link, followee_id=status.account_id).exists():
        return False
    if not Follow.objects.filter(account_id=link.account_id, target_account_id=status.account_id).exists():
        return False
    if not audience.can_see(audience.Viewer.of(link.account), status):
        return False
    local = _local(link, now)
    if _quiet(link, local.time()):
        return False
    sent_today = link.sent_today if link.sent_on == local.date() else 0
    return sent_today < link.daily_cap


def _local(link: Link, now: datetime) -> datetime:
    try:
        zone = zoneinfo.ZoneInfo(link.account.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return now.astimezone(zone)


def _quiet(link: Link, at: time) -> bool:
    start, end = link.quiet_from, link.quiet_until
    if start is None or end is None or start == end:
        return False
    return start <= at < end if start < end else at >= start or at < end


def _count(link: Link, now: datetime) -> None:
    today = _local(link, now).date()
    # A new day starts the count again; the same statement either way, so two workers agree.
    Link.objects.filter(id=link.id, sent_on=today).update(sent_today=F("sent_today") + 1)
    Link.objects.filter(id=link.id).exclude(sent_on=today).update(sent_on=today, sent_today=1)
