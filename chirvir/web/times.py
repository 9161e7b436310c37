"""How the pages show a moment: how long ago it was ("5m", "3h"), then a short date, in the page's
language and the reader's time zone, with the full local date and time to hover over. The words
and the order of day and month come from CLDR (babel), so no language shows another's."""

import math
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache

from babel import Locale, dates
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# CLDR's plain "en" is the United States' (Dec 1, 12/1/26); world English puts the day first.
BABEL_LOCALES = {"en": "en_001"}
UNITS = (("hour", 3600), ("minute", 60), ("second", 1))
DAY = 24 * 3600
# While a cached fragment is rendered (chirvir/web/fragments.py): the marker that stands for how long
# ago a moment was, which the fragment's reader puts in at each read (`fill_ages`).
_age_marker: ContextVar[str | None] = ContextVar("age_marker", default=None)


def _locale() -> Locale:
    return _locale_of(translation.get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=64)
def _locale_of(code: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(code, code).replace("-", "_"))


def age_shown(moment, now=None) -> tuple[str, int | bool]:
    """What `ago` writes of a moment, before the words: within a day its unit and whole age in
    seconds ("minute", 300); after, ("day", whether it is this year)."""
    now = now or timezone.now()
    age = max(0, int((now - moment).total_seconds()))
    if age < DAY:
        for unit, seconds in UNITS:
            if age >= seconds or unit == "second":
                return unit, age // seconds * seconds
    return "day", timezone.localtime(moment).year == timezone.localtime(now).year


# What `ago` wrote for a day: (language, time zone, local day, whether this year) to its words.
_days: dict[tuple, str] = {}


def ago(moment, now=None) -> str:
    """"12s", "5m", "3h" within a day, then the day ("1 Dec"), with the year if it is not this one."""
    unit, shown = age_shown(moment, now)
    language = translation.get_language() or settings.LANGUAGE_CODE
    if unit != "day":
        return _within_a_day(language, unit, shown)
    zone = timezone.get_current_timezone()
    # The same words for every moment of one local day: written once for each.
    key = (language, str(zone), moment.astimezone(zone).date(), shown)
    day = _days.get(key)
    if day is None:
        if len(_days) >= 4096:
            _days.clear()
        day = _days[key] = dates.format_skeleton("MMMd" if shown else "yMMMd", moment, tzinfo=zone, locale=_locale())
    return day


@lru_cache(maxsize=4096)
def _within_a_day(language: str, unit: str, shown: int) -> str:
    # An infinite threshold keeps babel from rounding 55 minutes up to "1h".
    locale = _locale()
    return dates.format_timedelta(shown, granularity=unit, threshold=math.inf, format="narrow", locale=locale)


@contextmanager
def ages_marked(marker: str):
    """Within the block, `time_element` writes `marker`, the moment as a POSIX timestamp and `marker`
    again where the age goes, for `fill_ages` to write at each read: a cached fragment stays the
    same while "5m" becomes "6m"."""
    token = _age_marker.set(marker)
    try:
        yield
    finally:
        _age_marker.reset(token)


def fill_ages(html: str, marker: str, now=None) -> str:
    """`html` with every marked moment (`ages_marked`) written as `ago` writes it, as of `now`."""
    if marker not in html:
        return html
    now = now or timezone.now()
    parts = html.split(marker)
    # marked moments are the odd parts: text, moment, text, moment, text
    for n in range(1, len(parts), 2):
        parts[n] = escape(ago(datetime.fromtimestamp(float(parts[n]), tz=UTC), now))
    return "".join(parts)


def full(moment) -> str:
    """The date, the time and the time zone's offset, as the reader's language writes them."""
    locale = _locale()
    zone = timezone.get_current_timezone()
    day = dates.format_date(timezone.localtime(moment), "full", locale=locale)
    time = dates.format_time(moment, "short", tzinfo=zone, locale=locale)
    offset = dates.format_time(moment, "OOOO", tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["full"]).replace("'", "").replace("{1}", day).replace("{0}", time) + " " + offset


def month_year(moment) -> str:
    """"December 2026", as the reader's language writes it."""
    return dates.format_skeleton("yMMMM", moment, tzinfo=timezone.get_current_timezone(), locale=_locale())


def time_element(moment, now=None) -> str:
    """A <time> with the moment in ISO 8601, how long ago it was, and the full date as its title."""
    local = timezone.localtime(moment)
    marker = _age_marker.get()
    age = mark_safe(f"{marker}{moment.timestamp():.6f}{marker}") if marker else ago(moment, now)
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(timespec="seconds"), full(moment), age)
