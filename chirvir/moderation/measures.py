"""The numbers of Mastodon's admin dashboard (measures, dimensions, retention), computed from the
data there is: posts, favourites, sign-ups, last log-ins and reports. Only keys Chirvir can compute
are answered; an unknown key is left out, as Mastodon leaves it out. Days are UTC days."""

from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.db.models import Count, Q

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid
from chirvir.core.ids import id_at
from chirvir.moderation.models import Report
from chirvir.statuses.models import Favourite, Status

MAX_DAYS = 400  # a dashboard asks for weeks or months; a longer period is refused, not computed
MAX_COHORT_DAYS = 62  # daily cohorts cost a query per pair of days


def period(start_at: str | None, end_at: str | None) -> tuple[date, date]:
    """The days from start_at to end_at (dates, or times of which the day counts), both included."""
    try:
        start, end = _day(start_at), _day(end_at)
    except (TypeError, ValueError):
        raise Invalid("start_at and end_at must be dates, e.g. 2026-11-01") from None
    if end < start:
        raise Invalid("end_at must not be before start_at")
    if (end - start).days >= MAX_DAYS:
        raise Invalid(f"The period is at most {MAX_DAYS} days")
    return start, end


def _day(value: str) -> date:
    return date.fromisoformat(value.strip()[:10])


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=dt_timezone.utc)


def _days(start: date, end: date):
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _in(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": _moment(start), f"{field}__lt": _moment(end + timedelta(days=1))})


def _active(start: date, end: date) -> set[int]:
    """Accounts that posted (a post, a reply, a repost) or last logged in within the days."""
    posted = Status.objects.filter(_in("created_at", start, end)).values_list("account_id", flat=True)
    logged_in = Account.objects.filter(_in("last_login", start, end)).values_list("id", flat=True)
    return set(posted) | set(logged_in)


def _interactions(start: date, end: date) -> int:
    """Replies, reposts and favourites made within the days (a favourite's time is in its ID)."""
    written = Status.objects.filter(_in("created_at", start, end)).filter(
        Q(in_reply_to__isnull=False) | Q(reblog__isnull=False)
    )
    low, high = id_at(_moment(start).timestamp()), id_at(_moment(end + timedelta(days=1)).timestamp())
    return written.count() + Favourite.objects.filter(id__gte=low, id__lt=high).count()


# Each measure: (its unit, how many in a span of days). Active users are counted once over a span.
MEASURES = {
    "active_users": lambda a, b: len(_active(a, b)),
    "new_users": lambda a, b: Account.objects.filter(_in("date_joined", a, b)).count(),
    "interactions": _interactions,
    "opened_reports": lambda a, b: Report.objects.filter(_in("created_at", a, b)).count(),
    "resolved_reports": lambda a, b: Report.objects.filter(_in("resolved_at", a, b)).count(),
}


def measures(keys, start: date, end: date) -> list[dict]:
    """Mastodon's Admin::Measure for each known key: the total, the total of the span as long just
    before it, and the value of each day."""
    length = (end - start).days + 1
    before = (start - timedelta(days=length), start - timedelta(days=1))
    answer = []
    for key in dict.fromkeys(keys):
        count = MEASURES.get(key)
        if count is None:
            continue
        answer.append(
            {
                "key": key,
                "unit": None,
                "total": str(count(start, end)),
                "human_value": None,
                "previous_total": str(count(*before)),
                "data": [
                    {"date": _moment(day).isoformat(), "value": str(count(day, day))} for day in _days(start, end)
                ],
            }
        )
    return answer


def _languages(start: date, end: date, limit: int) -> list[dict]:
    """The languages of the posts written within the days, most used first."""
    rows = (
        Status.objects.filter(_in("created_at", start, end), reblog__isnull=True)
        .exclude(language__isnull=True)
        .exclude(language="")
        .values("language")
        .annotate(n=Count("id"))
        .order_by("-n", "language")[:limit]
    )
    return [{"key": r["language"], "human_key": r["language"], "value": str(r["n"])} for r in rows]


DIMENSIONS = {"languages": _languages}


def dimensions(keys, start: date, end: date, limit: int = 10) -> list[dict]:
    """Mastodon's Admin::Dimension for each known key."""
    limit = min(max(limit, 1), 100)
    known = [key for key in dict.fromkeys(keys) if key in DIMENSIONS]
    return [{"key": key, "data": DIMENSIONS[key](start, end, limit)} for key in known]


def _month(day: date) -> date:
    return day.replace(day=1)


def _next(day: date, frequency: str) -> date:
    if frequency == "day":
        return day + timedelta(days=1)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def retention(start: date, end: date, frequency: str = "day") -> list[dict]:
    """Mastodon's Admin::Cohort: for each day (or month) of sign-ups in the period, how many of
    those accounts were active (posted or last logged in) in it and in each later one up to end_at."""
    if frequency not in ("day", "month"):
        raise Invalid("frequency must be day or month")
    if frequency == "day" and (end - start).days >= MAX_COHORT_DAYS:
        raise Invalid(f"Daily cohorts cover at most {MAX_COHORT_DAYS} days: ask for months")
    first = start if frequency == "day" else _month(start)
    periods = []
    while first <= end:
        periods.append(first)
        first = _next(first, frequency)
    cohorts = []
    for opened in periods:
        last = _next(opened, frequency) - timedelta(days=1)
        joined = set(Account.objects.filter(_in("date_joined", opened, last)).values_list("id", flat=True))
        data = []
        for later in (p for p in periods if p >= opened):
            active = len(joined & _active(later, _next(later, frequency) - timedelta(days=1)))
            rate = active / len(joined) if joined else 0.0
            data.append({"date": _moment(later).isoformat(), "rate": rate, "value": str(active)})
        cohorts.append({"period": _moment(opened).isoformat(), "frequency": frequency, "data": data})
    return cohorts
