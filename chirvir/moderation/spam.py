"""Spam signals: the per-account posting limit, and what flags an account for a moderator's
review (the same text posted again and again, a post mentioning many accounts, a new account
posting links). A signal never drops a post: it is stored and delivered as any other, and the
account gets one open report from the system gathering what it did (services.system_report)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.core import text
from chirvir.core.errors import TooMany
from chirvir.core.queries import Prepared
from chirvir.moderation import services
from chirvir.statuses.models import Status


# Every post asks both, each only whether there are `limit` rows: compiled once
# (chirvir/core/queries.py), read afresh at each call.
_RECENT_POSTS = Prepared(
    lambda author, since, *, limit: Status.objects.filter(
        account_id=author, reblog__isnull=True, created_at__gte=since
    ).values_list("id", flat=True)[:limit]
)
_SAME_TEXT = Prepared(
    lambda author, body, since, *, limit: Status.objects.filter(
        account_id=author, text=body, reblog__isnull=True, created_at__gte=since
    ).values_list("id", flat=True)[:limit]
)


def check_posting_limit(author) -> None:
    """Refuse a post over CHIRVIR_POSTS_PER_HOUR in the last hour (TooMany), and flag the account."""
    limit = settings.POSTS_PER_HOUR
    if not limit:
        return
    if len(_RECENT_POSTS(author.pk, timezone.now() - timedelta(hours=1), limit=limit)) < limit:
        return
    services.system_report(author, f"Went over the posting limit ({limit} posts in an hour).")
    raise TooMany(_("You have posted too often. Please wait a while before posting again."))


def review(status: Status, mentioned: int) -> None:
    """After a post is stored (in its transaction): flag its author for each signal it shows."""
    author = status.account
    reasons = []
    since = timezone.now() - timedelta(minutes=settings.SPAM_WINDOW_MINUTES)
    duplicates = settings.SPAM_DUPLICATES
    if status.text and len(_SAME_TEXT(author.pk, status.text, since, limit=duplicates)) >= duplicates:
        times, minutes = settings.SPAM_DUPLICATES, settings.SPAM_WINDOW_MINUTES
        reasons.append(f"Posted the same text {times} times in {minutes} minutes.")
    if mentioned >= settings.SPAM_MENTIONS:
        reasons.append(f"Mentioned {mentioned} accounts in one post.")
    young = author.date_joined > timezone.now() - timedelta(hours=settings.SPAM_NEW_ACCOUNT_HOURS)
    if young and len(text.extract_urls(status.text)) >= settings.SPAM_LINKS:
        reasons.append(f"A new account posted {settings.SPAM_LINKS} or more links in one post.")
    for reason in reasons:
        services.system_report(author, reason, [status.id])
