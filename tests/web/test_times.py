"""How long ago, then the day: the day's words are written once for each language, time zone and
local day (chirvir/web/times.py), so the same moment reads as another day in another zone and
in another language's words, however it was asked before."""

from datetime import UTC, datetime

from django.utils import timezone, translation

from chirvir.web import times

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def ago(moment, language: str, zone: str) -> str:
    with translation.override(language), timezone.override(zone):
        return times.ago(moment, NOW)


def test_the_day_is_the_readers_local_day_in_the_readers_words():
    evening = datetime(2025, 3, 4, 20, 0, tzinfo=UTC)  # already 5 March in Delhi (01:30)
    afternoon = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)  # still 4 March there (22:30)
    assert ago(evening, "en", "UTC") == ago(afternoon, "en", "UTC") == "4 Mar 2025"
    assert ago(evening, "en", "Asia/Kolkata") == "5 Mar 2025"
    assert ago(afternoon, "en", "Asia/Kolkata") == "4 Mar 2025"
    assert ago(evening, "ja", "UTC") == "2025年3月4日"
    assert ago(evening, "ja", "Asia/Kolkata") == "2025年3月5日"
    assert ago(evening, "en", "UTC") == "4 Mar 2025"


def test_this_years_days_leave_the_year_out_and_last_years_keep_it():
    assert ago(datetime(2026, 3, 4, 9, 0, tzinfo=UTC), "en", "UTC") == "4 Mar"
    assert ago(datetime(2025, 3, 4, 9, 0, tzinfo=UTC), "en", "UTC") == "4 Mar 2025"
    assert ago(datetime(2026, 3, 4, 9, 0, tzinfo=UTC), "de", "UTC") == "4. März"
