"""How the pages show a moment: how long ago it was ("5m", "3h"), then a short date, in the page's
language and the reader's time zone, with the full local date and time to hover over. The words
and the order of day and month come from CLDR (babel), so no language shows another's."""

import math

from babel import Locale, dates
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import format_html

# CLDR's plain "en" is the United States' (Dec 1, 12/1/26); world English puts the day first.
BABEL_LOCALES = {"en": "en_001"}
UNITS = (("hour", 3600), ("minute", 60), ("second", 1))
DAY = 24 * 3600


def _locale() -> Locale:
    code = translation.get_language() or settings.LANGUAGE_CODE
    return Locale.parse(BABEL_LOCALES.get(code, code).replace("-", "_"))


def age_shown(moment, now=None) -> tuple[str, int | bool]:
    """What `ago` writes of a moment, before the words: within a day its unit and whole age in
    seconds ("minute", 300); after, ("day", whether it is this year). A page's cached post is
    keyed by it, so that "5m" becomes "6m" when it should and not before."""
    now = now or timezone.now()
    age = max(0, int((now - moment).total_seconds()))
    if age < DAY:
        for unit, seconds in UNITS:
            if age >= seconds or unit == "second":
                return unit, age // seconds * seconds
    return "day", timezone.localtime(moment).year == timezone.localtime(now).year


def ago(moment, now=None) -> str:
    """"12s", "5m", "3h" within a day, then the day ("1 Dec"), with the year if it is not this one."""
    locale = _locale()
    unit, shown = age_shown(moment, now)
    if unit != "day":
        # An infinite threshold keeps babel from rounding 55 minutes up to "1h".
        return dates.format_timedelta(shown, granularity=unit, threshold=math.inf, format="narrow", locale=locale)
    zone = timezone.get_current_timezone()
    return dates.format_skeleton("MMMd" if shown else "yMMMd", moment, tzinfo=zone, locale=locale)


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
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', local.isoformat(timespec="seconds"), full(moment), ago(moment, now)
    )
