"""How text becomes search terms, the same for what is indexed and what is asked, in every script
and on both index backends: words folded (NFKC, case, Latin/Greek/Cyrillic accents, Arabic
vowel marks), and runs of scripts written without spaces (Chinese, Japanese, Thai...) cut into
overlapping pairs of characters, so that a word inside such a run is found as the pairs it spans."""

import unicodedata
from dataclasses import dataclass

import regex

# Letters, marks (Devanagari vowel signs are marks, and a word without them is another word) and
# digits; the joiners only shape how a word is drawn, so they are dropped before this.
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30fc]+")
_ARABIC_MARKS = regex.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel
_FOLDED_BASES = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]")
_JOINERS = str.maketrans("", "", "\u200c\u200d\u00ad")
MAX_TERMS = 32  # of a query: more words than any search needs, fewer than would slow the index
# A longer word is kept as its start: PostgreSQL refuses lexemes over 2,047 bytes, and nobody
# searches for more than this of one word.
MAX_TERM = 100


def fold(text: str) -> str:
    """Text as the index compares it."""
    text = unicodedata.normalize("NFKC", text).translate(_JOINERS).casefold()
    text = _ARABIC_MARKS.sub("", text)
    out = []
    for ch in unicodedata.normalize("NFD", text):
        # An accent on a Latin, Greek or Cyrillic letter is dropped ("café" is "cafe"); marks of
        # other scripts are part of their letters and stay.
        if unicodedata.category(ch) == "Mn" and out and _FOLDED_BASES.match(out[-1]):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _pairs(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def _pieces(word: str):
    """A word as (piece, unspaced) pieces: a mixed word such as "Chirvirの投稿" splits at scripts."""
    word = word[:MAX_TERM]
    at = 0
    for m in _UNSPACED.finditer(word):
        if m.start() > at:
            yield word[at : m.start()], False
        yield m.group(), True
        at = m.end()
    if at < len(word):
        yield word[at:], False


def terms(text: str) -> list[str]:
    """The terms a text is indexed under, in order (positions matter for phrases of pairs)."""
    found = []
    for word in _WORD.findall(fold(text)):
        for piece, unspaced in _pieces(word):
            found += _pairs(piece) if unspaced else [piece]
    return found


@dataclass(frozen=True)
class Term:
    """One part of a query: a phrase of index terms that must follow one another; `prefix` when
    its last term may be the start of a longer one."""

    phrase: tuple[str, ...]
    prefix: bool


def query(text: str, *, prefix: bool = False) -> list[Term]:
    """A query's parts, all of which a match holds. With `prefix`, every word may be the start of
    a longer one (accounts: "ali" finds "alice"). A lone character of an unspaced script is
    always a prefix: it is the first of the pairs it starts."""
    parts = []
    for word in _WORD.findall(fold(text)):
        for piece, unspaced in _pieces(word):
            if unspaced:
                parts.append(Term(tuple(_pairs(piece)), prefix=prefix or len(piece) == 1))
            else:
                parts.append(Term((piece,), prefix=prefix))
    return parts[:MAX_TERMS]
