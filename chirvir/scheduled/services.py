"""Use cases of scheduled posts: schedule one (checked then by every rule of a post), list,
move and cancel them. Publishing each at its time is publishing.py's, run by the jobs."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page, paginate
from chirvir.polls import services as polls
from chirvir.scheduled.models import ScheduledStatus
from chirvir.scheduled.tasks import publication_job
from chirvir.statuses import services as statuses

# Mastodon's: a post is scheduled at least five minutes ahead, at most 300 waiting, 25 a day.
MIN_OFFSET = timedelta(minutes=5)
TOTAL_LIMIT = 300
DAILY_LIMIT = 25


def parse_time(value) -> datetime:
    """A client's `scheduled_at` (ISO 8601; without an offset, UTC). One that is no date and time
    is refused with Mastodon's own words for it, "Record invalid", untranslated as Rails words it:
    clients (toot) show the server's message as it comes."""
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid("Record invalid") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt_timezone.utc)


def _check_time(account: Account, scheduled_at: datetime, moving: ScheduledStatus | None = None) -> None:
    if scheduled_at < timezone.now() + MIN_OFFSET:
        raise Invalid(_("Validation failed: Scheduled at The scheduled date must be in the future"))
    waiting = _waiting(account)
    if moving is not None:
        waiting = waiting.exclude(pk=moving.pk)
    if waiting.count() >= TOTAL_LIMIT:
        raise Invalid(_("Validation failed: Scheduled at You have exceeded the limit of scheduled posts"))
    day = scheduled_at.date()
    if waiting.filter(scheduled_at__date=day).count() >= DAILY_LIMIT:
        raise Invalid(_("Validation failed: Scheduled at You have exceeded the limit of scheduled posts for that day"))


def schedule_status(
    author: Account,
    body: str,
    scheduled_at: datetime,
    *,
    visibility: str | None = None,
    in_reply_to_id: int | None = None,
    language: str | None = None,
    spoiler_text: str = "",
    sensitive: bool | None = None,
    media_ids=(),
    poll: polls.PollDraft | None = None,
) -> ScheduledStatus:
    """Keep a post to publish at `scheduled_at`, at least MIN_OFFSET ahead (Mastodon's rule and
    limits). It is checked now by every rule of a post, and again when it is published; its media
    are attached then. After commit, a job waits for its time (and the sweep stands behind it)."""
    _check_time(author, scheduled_at)
    visibility = statuses.check_post(
        author, body, visibility=visibility, in_reply_to_id=in_reply_to_id, language=language,
        spoiler_text=spoiler_text, sensitive=sensitive, media_ids=media_ids, poll=poll,
    )
    with transaction.atomic():
        scheduled = ScheduledStatus.objects.create(
            account=author,
            scheduled_at=scheduled_at,
            params={
                "text": body,
                "visibility": visibility,
                "in_reply_to_id": str(in_reply_to_id) if in_reply_to_id else None,
                "language": language or None,
                "spoiler_text": spoiler_text or "",
                "sensitive": sensitive,
                "poll": None if poll is None else {
                    "options": list(poll.options), "expires_in": poll.expires_in,
                    "multiple": poll.multiple, "hide_totals": poll.hide_totals,
                },
            },
            media_ids=[str(i) for i in media_ids],
        )
        _publish_at_its_time(scheduled)
    return scheduled


def _publish_at_its_time(scheduled: ScheduledStatus) -> None:
    seconds = max(0.0, (scheduled.scheduled_at - timezone.now()).total_seconds())
    transaction.on_commit(lambda: publication_job.schedule((scheduled.id,), delay=seconds))


def _waiting(account: Account):
    return ScheduledStatus.objects.filter(account=account, published_at__isnull=True)


def list_scheduled(account: Account, page: Page = Page()) -> list[ScheduledStatus]:
    """The account's posts waiting to be published, newest scheduling first."""
    return paginate(_waiting(account), page)


def get_scheduled(account: Account, scheduled_id) -> ScheduledStatus:
    found = _waiting(account).filter(id=parse_id(scheduled_id) or 0).first()
    if found is None:
        raise NotFound(_("That scheduled post does not exist."))
    return found


def reschedule(account: Account, scheduled_id, scheduled_at: datetime) -> ScheduledStatus:
    """Move a waiting post to another time, by the same rule; a job waits for the new time (the
    one for the old time finds it not yet due and does nothing)."""
    scheduled = get_scheduled(account, scheduled_id)
    _check_time(account, scheduled_at, moving=scheduled)
    with transaction.atomic():
        ScheduledStatus.objects.filter(pk=scheduled.pk).update(scheduled_at=scheduled_at)
        scheduled.scheduled_at = scheduled_at
        _publish_at_its_time(scheduled)
    return scheduled


def cancel(account: Account, scheduled_id) -> None:
    get_scheduled(account, scheduled_id).delete()
