"""Publishing scheduled posts: each at its time through post_status, exactly once, whatever
jobs and sweeps run at once or again, and the due ones a lost job left behind."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.core.errors import DomainError, Invalid
from chirvir.polls import services as polls
from chirvir.scheduled.models import ScheduledStatus
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status

log = logging.getLogger(__name__)
SWEEP_BATCH = 100


def publish_scheduled(scheduled_id: int) -> Status | None:
    """Publish a scheduled post that is due, through post_status, exactly once however many jobs
    and sweeps run at once or again: the row is marked in the transaction that makes the post,
    by a conditional update that only one of them can win (the others find it marked and do
    nothing), and the post carries an idempotency key of its own. A post that can no longer be
    published (its media or the post it replies to gone, its account suspended) is marked with the
    reason and dropped."""
    now = timezone.now()
    try:
        with transaction.atomic():
            due = ScheduledStatus.objects.filter(pk=scheduled_id, published_at__isnull=True, scheduled_at__lte=now)
            if not due.update(published_at=now):
                return None
            scheduled = ScheduledStatus.objects.select_related("account").get(pk=scheduled_id)
            if not scheduled.account.is_active:  # a suspended or closed account posts nothing more
                raise Invalid(_("This account can no longer post."))
            params = scheduled.params
            poll = params.get("poll")
            status = statuses.post_status(
                scheduled.account,
                params.get("text", ""),
                visibility=params.get("visibility"),
                in_reply_to_id=params.get("in_reply_to_id"),
                language=params.get("language"),
                spoiler_text=params.get("spoiler_text", ""),
                sensitive=params.get("sensitive"),
                media_ids=scheduled.media_ids,
                poll=None if poll is None else polls.draft(
                    poll["options"], poll["expires_in"], multiple=poll["multiple"], hide_totals=poll["hide_totals"]
                ),
                idempotency_key=f"scheduled-status-{scheduled.id}",
            )
            ScheduledStatus.objects.filter(pk=scheduled_id).update(status=status)
            return status
    except DomainError as e:
        log.warning("scheduled post %s could not be published: %s", scheduled_id, e)
        ScheduledStatus.objects.filter(pk=scheduled_id, published_at__isnull=True).update(
            published_at=now, error=str(e)
        )
        return None


def publish_due() -> int:
    """Publish every scheduled post that is due and not yet published: those whose job was lost
    (the worker down at its time, the queue lost). Returns how many this run published."""
    due = ScheduledStatus.objects.filter(published_at__isnull=True, scheduled_at__lte=timezone.now())
    ids = list(due.order_by("scheduled_at").values_list("id", flat=True)[:SWEEP_BATCH])
    return sum(publish_scheduled(i) is not None for i in ids)
