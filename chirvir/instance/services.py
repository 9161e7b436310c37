"""What the server tells about itself beyond its instance document: its rules, its extended
description and privacy policy (from the operator's settings), and its weekly activity, computed
from the rows."""

from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncWeek

from chirvir.accounts.models import Account
from chirvir.instance.models import Rule
from chirvir.statuses.models import Status

ACTIVITY_WEEKS = 12  # as Mastodon's /api/v1/instance/activity


def rules() -> list[Rule]:
    return list(Rule.objects.all())


def _monday(moment: datetime) -> datetime:
    day = moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def activity(now: datetime) -> list[dict]:
    """The last twelve weeks, this one first, each from Monday 00:00 UTC: posts made (reposts are
    not posts), accounts that signed up, and accounts that signed in. Chirvir keeps only each
    account's latest sign-in, so an account counts in the week of its latest sign-in only."""
    start = _monday(now) - timedelta(weeks=ACTIVITY_WEEKS - 1)

    def weekly(queryset, field: str) -> dict:
        rows = queryset.filter(**{f"{field}__gte": start}).annotate(week=TruncWeek(field, tzinfo=timezone.utc))
        return {_monday(r["week"]): r["n"] for r in rows.values("week").annotate(n=Count("id")).order_by()}

    posts = weekly(Status.objects.filter(reblog__isnull=True), "created_at")
    signups = weekly(Account.objects.all(), "date_joined")
    logins = weekly(Account.objects.all(), "last_login")
    weeks = [_monday(now) - timedelta(weeks=i) for i in range(ACTIVITY_WEEKS)]
    return [
        {
            "week": str(int(week.timestamp())),
            "statuses": str(posts.get(week, 0)),
            "logins": str(logins.get(week, 0)),
            "registrations": str(signups.get(week, 0)),
        }
        for week in weeks
    ]


def extended_description() -> str:
    """The operator's longer description of the server (CHIRVIR_DESCRIPTION), as plain text."""
    return settings.INSTANCE_DESCRIPTION


def privacy_policy() -> str:
    """The operator's privacy policy (CHIRVIR_PRIVACY_POLICY), as plain text; empty when unset."""
    return settings.PRIVACY_POLICY
