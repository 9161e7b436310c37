"""chirvir.core.text against twitter-text's conformance suite: every case of
extract.yml and validate.yml, read at run time from tests/data/twitter-text (tests/data/README.md
gives their origin, licence and which config applies)."""

import pytest
import yaml

from chirvir.core import text
from tests.conftest import DATA

SUITE = DATA / "twitter-text"

# Cases we knowingly fail, "section: description" -> reason. Each is a strict xfail.
KNOWN_FAILURES: dict[str, str] = {}


def _entities(s, kind, key):
    return [{key: e.value, "indices": [e.start, e.end]} for e in text.extract_entities(s) if e.kind == kind]


def _mentions_or_lists(s):
    return [
        {"screen_name": name, "list_slug": slug, "indices": [start, end]}
        for name, slug, start, end in text.extract_mentions_or_lists(s)
    ]


def _counted(config):
    def check(s):
        c = text.count(s, text.load_config(config))
        return {
            "weightedLength": c.weighted_length,
            "valid": c.valid,
            "permillage": c.permillage,
            "displayRangeStart": c.display_range[0],
            "displayRangeEnd": c.display_range[1],
            "validRangeStart": c.valid_range[0],
            "validRangeEnd": c.valid_range[1],
        }

    return check


# What each section's "expected" is the result of.
CHECKS = {
    "extract.yml": {
        "mentions": text.extract_mentions,
        "mentions_with_indices": lambda s: _entities(s, "mention", "screen_name"),
        "mentions_or_lists_with_indices": _mentions_or_lists,
        "replies": text.extract_reply_username,
        "urls": text.extract_urls,
        "urls_with_indices": lambda s: _entities(s, "url", "url"),
        "urls_with_directional_markers": lambda s: _entities(s, "url", "url"),
        "tco_urls_with_params": text.extract_urls,
        "hashtags": text.extract_hashtags,
        "hashtags_from_astral": text.extract_hashtags,
        "hashtags_with_indices": lambda s: _entities(s, "hashtag", "hashtag"),
        "cashtags": text.extract_cashtags,
        "cashtags_with_indices": lambda s: _entities(s, "cashtag", "cashtag"),
    },
    "validate.yml": {
        "tweets": lambda s: text.count(s, text.load_config("v1")).valid,
        "usernames": text.is_valid_username,
        "lists": text.is_valid_list,
        "hashtags": text.is_valid_hashtag,
        "urls": text.is_valid_url,
        "urls_without_protocol": lambda s: text.is_valid_url(s, require_protocol=False),
        "WeightedTweetsCounterTest": _counted("v2"),
        "WeightedTweetsWithDiscountedEmojiCounterTest": _counted("v3"),
        "UnicodeDirectionalMarkerCounterTest": _counted("v3"),
    },
}


def _cases():
    params = []
    assert SUITE.is_dir(), f"twitter-text conformance data not found at {SUITE}"
    for filename, checks in CHECKS.items():
        sections = yaml.safe_load((SUITE / filename).read_text(encoding="utf-8"))["tests"]
        assert set(sections) == set(checks), f"{filename}: sections changed"
        for section, cases in sections.items():
            for case in cases:
                name = f"{section}: {case['description']}"
                marks = ()
                if name in KNOWN_FAILURES:
                    marks = pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name])
                params.append(pytest.param(checks[section], case, id=f"{filename} {name}", marks=marks))
    return params


@pytest.mark.parametrize(("check", "case"), _cases())
def test_conformance(check, case):
    assert check(case["text"] or "") == case["expected"]
