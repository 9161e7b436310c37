"""Counting a hostile text reads it a bounded number of times: every pattern the URL scan calls
is tallied with the characters it may read (no pattern there gives back what it matched, so a
call reads what it matches, or to the end of the text when it finds nothing), and the tally
must stay within a few times the text's length however long the text. A scan that went back
over a run of labels once per URL inside it, as twitter-text's single pattern did, reads it
quadratically often and fails here. No clock is involved; `chirvir bench text` has the times."""

import pytest

from bench.text import HOSTILE
from chirvir.core import text

SCAN_PATTERNS = ("_URL_START", "_MORE_LABELS", "_TLD_AFTER_DOT", "_TLD_AT", "_AFTER_HOST", "_TCO")
SCAN_PATTERNS += ("_ASCII_HOST", "_ASCII_LABEL")
# Within a label, the reversed pattern reads from the label's end back to where it stops.
REVERSED = ("_ASCII_TAIL",)
LONG_CONFIG = text.load_config("v1", max_chars=1000)  # a cap of 177,128 code points: none is cut


class Tallied:
    """A compiled pattern that adds to a tally the characters each call may read: what a match
    spans (a failed match, which gives nothing back, is counted as one), what a search passes
    over to its match or to the end, and the whole range a finditer is given."""

    def __init__(self, pattern, tally, reverse=False):
        self.pattern, self.tally, self.reverse = pattern, tally, reverse

    def _add(self, n):
        self.tally[0] += n + 1

    def match(self, string, pos=None, endpos=None):
        m = self.pattern.match(string, pos, endpos)
        if self.reverse:  # read from endpos back to where the match starts
            self._add((len(string) if endpos is None else endpos) - m.start() if m else 0)
        else:
            self._add(m.end() - (pos or 0) if m else 0)
        return m

    def fullmatch(self, string, pos=None, endpos=None):
        m = self.pattern.fullmatch(string, pos, endpos)
        self._add(m.end() - (pos or 0) if m else 0)
        return m

    def search(self, string, pos=None, endpos=None):
        m = self.pattern.search(string, pos, endpos)
        self._add((m.end() if m else len(string) if endpos is None else endpos) - (pos or 0))
        return m

    def finditer(self, string, pos=None, endpos=None):
        self._add((len(string) if endpos is None else endpos) - (pos or 0))
        return self.pattern.finditer(string, pos, endpos)


@pytest.fixture
def reads(monkeypatch):
    tally = [0]
    for name in SCAN_PATTERNS + REVERSED:
        monkeypatch.setattr(text, name, Tallied(getattr(text, name), tally, reverse=name in REVERSED))

    def counted(s):
        tally[0] = 0
        text.count(s, LONG_CONFIG)
        return tally[0]

    return counted


@pytest.mark.parametrize("name", HOSTILE)
def test_counting_a_hostile_text_reads_it_a_bounded_number_of_times(reads, name):
    for length in (2_000, 16_000):
        s = HOSTILE[name](length)
        assert reads(s) <= 6 * len(s), f"{name} of {len(s)} code points read {reads(s)} characters"


def test_a_run_with_a_url_at_every_other_label_is_looked_at_once(reads):
    # x.com, then x_y.com again and again: each x_y.com is a URL candidate (and refused), and
    # each asked for the rest of the run's TLDs; one look at the run answers every one of them.
    s = HOSTILE["x_y.com.x_y.com"](32_000)
    assert text._urls(s) == [text.Entity("url", "x.com", 0, 5)]
    assert reads(s) <= 6 * len(s)
