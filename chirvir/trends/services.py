"""Trends: which hashtags, links and posts stand out now. The scoring rule lives here once; the
periodic job (tasks.py) runs `refresh_trends`, and the API and pages read what it stored.

Only what an anonymous visitor may read counts: public posts (not unlisted, followers-only or
direct) of active, unprotected accounts, through the audience gate. Uses are counted by distinct
accounts, so one account posting a hashtag a hundred times counts once."""

import hashlib
import math
from collections import defaultdict
from datetime import datetime, timedelta, timezone as dt_timezone

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.audience import ANONYMOUS, Viewer, visible, visible_q
from chirvir.core import replicas
from chirvir.core.errors import NotFound
from chirvir.core.ids import id_at, parse_id
from chirvir.core.queries import Prepared
from chirvir.core.text import extract_urls
from chirvir.statuses.models import Favourite, Status, StatusTag, Tag, Visibility
from chirvir.trends.models import HiddenTrend, Trend, TrendKind

WINDOW = timedelta(hours=3)  # "now": the recent window a trend is measured in
BASELINE_DAYS = 7  # the past a hashtag or link is measured against, in windows of the same length
MIN_ACCOUNTS = 3  # fewer distinct accounts than this in the window is never a trend
SURGE = 2.0  # the window must hold at least this many times the baseline's accounts (plus one)
STATUS_WINDOW = timedelta(hours=24)  # reposts and likes this recent make a post trend
HISTORY_DAYS = 7
KEPT = 40  # places kept per list: the API gives at most 20 (tags, links) or 40 (posts) at a time


def _counted(now: datetime, since: datetime, prefix: str = "") -> Q:
    """The posts that count, as a filter on statuses (or on the statuses under `prefix`)."""
    p = prefix
    return visible_q(ANONYMOUS, p) & Q(
        **{
            f"{p}visibility": Visibility.PUBLIC,
            f"{p}reblog__isnull": True,
            f"{p}created_at__gte": since,
            f"{p}created_at__lte": now,
        }
    )


def surge_score(recent_accounts: int, baseline_accounts: float) -> float:
    """How far a key's distinct accounts in the recent window stand above its own baseline (the
    mean of distinct accounts per window of the same length over the past days): a hashtag that
    is always busy scores about 1, a burst from nothing scores its number of accounts."""
    return recent_accounts / (baseline_accounts + 1)


def _surging(uses, now: datetime) -> dict[str, list[tuple[str, float, int]]]:
    """From uses (key, account id, when, language), each language's trending keys (and "" for
    every language together) as (key, score, recent accounts), best first."""
    windows = int(timedelta(days=BASELINE_DAYS) / WINDOW)
    recent: dict[tuple[str, str], set[int]] = defaultdict(set)
    past: dict[tuple[str, str], dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for key, account_id, at, language in uses:
        window = int((now - at) / WINDOW)
        if window > windows:
            continue
        for lang in {"", language or ""}:
            if window == 0:
                recent[(lang, key)].add(account_id)
            else:
                past[(lang, key)][window].add(account_id)
    found: dict[str, list[tuple[str, float, int]]] = defaultdict(list)
    for (lang, key), accounts in recent.items():
        if len(accounts) < MIN_ACCOUNTS:
            continue
        baseline = sum(len(a) for a in past[(lang, key)].values()) / windows
        score = surge_score(len(accounts), baseline)
        if score >= SURGE:
            found[lang].append((key, score, len(accounts)))
    for places in found.values():
        places.sort(key=lambda place: (-place[1], -place[2], place[0]))
    return found


def _history(uses, now: datetime, keys=()) -> dict[str, list[dict]]:
    """Mastodon's `history` of each key: the last days (UTC), newest first, each with its
    uses (posts) and distinct accounts, as strings, the day as a Unix time; `keys` are there
    even without uses."""
    today = now.astimezone(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS)]
    posts: dict[str, list[int]] = defaultdict(lambda: [0] * HISTORY_DAYS)
    accounts: dict[str, list[set[int]]] = defaultdict(lambda: [set() for _ in range(HISTORY_DAYS)])
    for key, account_id, at, _language in uses:
        n = (today - at.astimezone(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)).days
        if 0 <= n < HISTORY_DAYS:
            posts[key][n] += 1
            accounts[key][n].add(account_id)
    for key in keys:
        posts[key]  # noqa: B018  (a key without uses, with its days of nothing)
    return {
        key: [
            {"day": str(int(day.timestamp())), "uses": str(posts[key][n]), "accounts": str(len(accounts[key][n]))}
            for n, day in enumerate(days)
        ]
        for key in posts
    }


def tag_history(key: str, now: datetime | None = None) -> list[dict]:
    """One hashtag's `history`, trending or not (its Tag entity's): its uses in the last days."""
    now = now or timezone.now()
    uses = StatusTag.objects.filter(_counted(now, now - timedelta(days=HISTORY_DAYS), "status__"), tag__name=key)
    rows = uses.values_list("tag__name", "status__account_id", "status__created_at", "status__language")
    return _history(list(rows), now, keys=[key])[key]


def _tag_uses(now: datetime) -> list[tuple]:
    since = now - timedelta(days=BASELINE_DAYS) - WINDOW
    rows = StatusTag.objects.filter(_counted(now, since, "status__")).values_list(
        "tag__name", "status__account_id", "status__created_at", "status__language"
    )
    return list(rows)


def _link_uses(now: datetime) -> list[tuple]:
    since = now - timedelta(days=BASELINE_DAYS) - WINDOW
    # Every link has a dot in it; the rest of the posts need no extraction.
    rows = Status.objects.filter(_counted(now, since), text__contains=".").values_list(
        "text", "account_id", "created_at", "language"
    )
    return [
        (url, account_id, at, language)
        for text, account_id, at, language in rows
        for url in set(extract_urls(text))  # a link twice in one post is one use
    ]


def _status_places(now: datetime) -> dict[str, list[tuple[str, float, int]]]:
    """Public posts by the distinct accounts (not their authors) that reposted or liked them in
    the last STATUS_WINDOW, at least MIN_ACCOUNTS of them."""
    since = now - STATUS_WINDOW
    counted = _counted(now, now - timedelta(days=BASELINE_DAYS), "reblog__")
    reposts = Status.objects.filter(counted, created_at__gte=since, account__is_active=True).values_list(
        "reblog_id", "account_id", "reblog__account_id", "reblog__language"
    )
    counted = _counted(now, now - timedelta(days=BASELINE_DAYS), "status__")
    likes = Favourite.objects.filter(counted, id__gte=id_at(since.timestamp()), account__is_active=True).values_list(
        "status_id", "account_id", "status__account_id", "status__language"
    )
    engaged: dict[tuple[str, str], set[int]] = defaultdict(set)
    for status_id, account_id, author_id, language in [*reposts, *likes]:
        if account_id != author_id:
            for lang in {"", language or ""}:
                engaged[(lang, str(status_id))].add(account_id)
    found: dict[str, list[tuple[str, float, int]]] = defaultdict(list)
    for (lang, key), accounts in engaged.items():
        if len(accounts) >= MIN_ACCOUNTS:
            found[lang].append((key, float(len(accounts)), len(accounts)))
    for places in found.values():
        places.sort(key=lambda place: (-place[1], -int(place[0])))
    return found


def refresh_trends(now: datetime | None = None) -> int:
    """Compute every trends list afresh and store them in place of the last ones; the number of
    places stored. Hidden trends are computed too and left out when read, so hiding one takes
    effect at once and showing it again needs no refresh."""
    now = now or timezone.now()
    rows = []
    tag_uses, link_uses = _tag_uses(now), _link_uses(now)
    lists = [
        (TrendKind.TAG, _surging(tag_uses, now), _history(tag_uses, now)),
        (TrendKind.LINK, _surging(link_uses, now), _history(link_uses, now)),
        (TrendKind.STATUS, _status_places(now), {}),
    ]
    for kind, by_language, history in lists:
        for language, places in by_language.items():
            for rank, (key, score, accounts) in enumerate(places[:KEPT]):
                rows.append(
                    Trend(
                        kind=kind,
                        language=language,
                        rank=rank,
                        key=key,
                        score=score if math.isfinite(score) else 0.0,
                        accounts=accounts,
                        history=history.get(key, []),
                        computed_at=now,
                    )
                )
    with transaction.atomic():
        Trend.objects.all().delete()
        Trend.objects.bulk_create(rows)
    return len(rows)


# Every home and public page asks it: compiled once (chirvir/core/queries.py), read afresh each time.
_SHOWN = Prepared(
    lambda kind, language, *, start, stop: Trend.objects.filter(kind=kind, language=language)
    .exclude(key__in=HiddenTrend.objects.filter(kind=kind).values("key"))
    .order_by("rank")[start:stop]
)


def trends(kind: str, language: str = "", offset: int = 0, limit: int = 10) -> list[Trend]:
    """One stored list (every language together when `language` is empty), best first, without
    what an operator has hidden."""
    start = min(max(offset, 0), KEPT)  # no list is longer, and a huge offset must not reach the database
    if limit <= 0:
        return []
    return _SHOWN(str(kind), language or "", start=start, stop=start + limit)


@replicas.may_lag
def trending_statuses(viewer: Account | None, language: str = "", offset: int = 0, limit: int = 20) -> list[Status]:
    """The trending posts, as far as this viewer may see them (blocks apply too)."""
    places = trends(TrendKind.STATUS, language, offset, limit)
    by_id = Status.objects.gated().in_bulk([int(t.key) for t in places])
    return visible(Viewer.of(viewer), [by_id[int(t.key)] for t in places if int(t.key) in by_id])


def hide_trend(kind: str, key: str) -> HiddenTrend:
    """Keep a hashtag, link or post off every trends list (what the admin's "hide" does)."""
    return HiddenTrend.objects.get_or_create(kind=kind, key=HiddenTrend.spelled(kind, key))[0]


# Moderators' review (the admin API's trends): every computed place, hidden or not, and the
# moderator's word on it. Chirvir shows a trend unless it is hidden, so nothing waits for review:
# approving a hidden one shows it again, rejecting one hides it.


def link_id(url: str) -> int:
    """A link's ID in the admin API: Chirvir keeps no preview cards, so a number made from its URL
    (the first 60 bits of its SHA-256), the same on every refresh."""
    return int(hashlib.sha256(url.encode()).hexdigest()[:15], 16)


def review_list(kind: str, offset: int = 0, limit: int = 10) -> list[tuple[Trend, bool]]:
    """Every place of the list over all languages, best first, each with whether it is hidden."""
    hidden = set(HiddenTrend.objects.filter(kind=kind).values_list("key", flat=True))
    start = min(max(offset, 0), KEPT)
    found = Trend.objects.filter(kind=kind, language="").order_by("rank")[start : start + max(limit, 0)]
    return [(t, t.key in hidden) for t in found]


def review_key(kind: str, trend_id) -> str:
    """The key (hashtag, URL, post ID) of what an admin API ID names: a hashtag's or a post's
    own ID, or a link's `link_id`, among the computed and the hidden trends. NotFound otherwise."""
    number = parse_id(trend_id)
    if number is not None:
        if kind == TrendKind.TAG:
            tag = Tag.objects.filter(id=number).first()
            if tag is not None:
                return tag.name
        elif kind == TrendKind.STATUS:
            if Status.objects.filter(id=number).exists():
                return str(number)
        else:
            keys = set(Trend.objects.filter(kind=kind).values_list("key", flat=True))
            keys |= set(HiddenTrend.objects.filter(kind=kind).values_list("key", flat=True))
            for key in keys:
                if link_id(key) == number:
                    return key
    raise NotFound("Record not found")


def show_trend(kind: str, key: str) -> None:
    """Let a hidden hashtag, link or post trend again (the admin API's "approve")."""
    HiddenTrend.objects.filter(kind=kind, key=HiddenTrend.spelled(kind, key)).delete()


def is_hidden(kind: str, key: str) -> bool:
    return HiddenTrend.objects.filter(kind=kind, key=HiddenTrend.spelled(kind, key)).exists()
