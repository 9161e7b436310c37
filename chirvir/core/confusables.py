"""Skeletons of text in the sense of Unicode's UTS #39: two strings that look alike (Cyrillic "а"
and Latin "a", "1" and "l", "rn" and "m") have one skeleton. Used to refuse a username that
passes for another and to spot hosts that imitate this instance's. The table is Unicode's
confusables.txt as the confusable_homoglyphs package ships it."""

from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path

import confusable_homoglyphs


# The table wraps right-to-left glyphs in left-to-right marks, which are no part of their look.
_MARKS = "\u200e\u200f"


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character's stand-in. The package lists, for every character, the ones it is
    confused with (both ways), so each group of look-alikes gets one stand-in: ASCII where the group
    has it, a sequence before a character ("rn" for "m", as UTS #39 maps it), else the smallest."""
    table = json.loads((Path(confusable_homoglyphs.__file__).with_name("confusables.json")).read_text("utf-8"))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for char, alikes in table.items():
        char = char.strip(_MARKS)
        for alike in alikes:
            glyph = alike["c"].strip(_MARKS)
            if glyph and char:
                parent[find(glyph)] = find(char)
    groups: dict[str, list[str]] = {}
    for member in list(parent):
        groups.setdefault(find(member), []).append(member)

    def rank(s: str):
        return (not s.isascii(), len(s) == 1, s)

    stand_in = {}
    for members in groups.values():
        best = min(members, key=rank)
        stand_in.update((m, best) for m in members if len(m) == 1)
    return stand_in


def _skeleton(s: str) -> str:
    table = _prototypes()
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in unicodedata.normalize("NFD", s)))


def skeleton(s: str) -> str:
    """The look of a string without regard to case: "Bi11", "biII" and "bill" share one."""
    return _skeleton(_skeleton(s).casefold())
