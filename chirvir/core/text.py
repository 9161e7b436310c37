"""The rules for the text of a post: entities, length and HTML.

Mentions, hashtags, URLs, cashtags and the weighted length follow twitter-text
(https://github.com/twitter/twitter-text) and are checked against its conformance
suite (tests/core/test_text_conformance.py). The HTML has the shape of Mastodon's
status content, so Mastodon apps show it as they show their own. No Django here, so
it is quick to import and can be tested alone.
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex

_DATA = Path(__file__).with_name("twitter_text")

# Character sets, written as the inside of [...] so that they can be combined.
_SPACES = r"\t-\r\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_DIRECTIONAL = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVALID = r"\ufffe\ufeff\uffff"
_PUNCT = r"!-/:-@\[-`{-~"  # ASCII punctuation
_LATIN_ACCENTS = (
    r"\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    r"\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = r"\u0400-\u04ff"
_AT = "@\uff20"
_HASH = "#\uff03"
# Letters are spelt out rather than matched with IGNORECASE, which would also let
# the Kelvin sign and the long s pass for "k" and "s".
_HTTP = r"[Hh][Tt][Tt][Pp][Ss]?://"

# --- URLs -----------------------------------------------------------------------


def _one_of(words: list[str]) -> str:
    """A regex for any of the words, as a trie: as a plain alternation (or as regex's
    named list) each of the 1,574 TLDs costs microseconds to try."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [regex.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if "" in node:
            return f"(?:{'|'.join(branches)})?" if branches else ""
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(trie)


_TLDS = (_DATA / "tlds.txt").read_text(encoding="utf-8").split()
# A TLD ends the domain: "example.community" is not example.com. (IGNORECASE lets the
# Kelvin sign pass for "k" here, which is harmless: IDNA maps it to "k" too. It is also why
# "xn--…" may give characters back: "xn--p1ai" ends before a Kelvin sign, which the lookahead
# lets through. That backtracking stays within one label, and over one character class the
# regex module does it in linear time.)
_TLD = rf"(?i:{_one_of(_TLDS)}|xn--[-0-9a-z]+)(?=[^-A-Za-z0-9@+]|$)"
_TLD_AT = regex.compile(_TLD)
_TLD_AFTER_DOT = regex.compile(rf"(?<=\.){_TLD}")
_NOT_IN_DOMAIN = _PUNCT + _SPACES + _INVALID + _DIRECTIONAL

# No pattern below ever gives back what it has matched (every repeat is possessive or atomic).
# The regex module takes time quadratic in a run's length to backtrack over it, and twitter-text's
# patterns backtrack over whole runs of labels and paths: 1 MB of "a.a.a…" took 60-100 CPU-seconds.
# Where those patterns backtrack to find the last label that holds a TLD, the code looks at each
# label once instead (_Run, _ascii_domains); where they backtrack to the last character a path or
# query may end with, the patterns below take steps that each end on such a character.

# A label stops where "http://" starts.
_LABEL_CHARS = rf"(?:[^Hh{_NOT_IN_DOMAIN}]++|[Hh](?![Tt][Tt][Pp][Ss]?://))++"
_LABEL = rf"(?>{_LABEL_CHARS}(?:[-_]++{_LABEL_CHARS})*+)"
# Where a URL may start: its scheme, if written, and its first label.
_URL_START = regex.compile(rf"(?<![A-Za-z0-9$#@{_AT}{_HASH}{_INVALID}])(?P<protocol>{_HTTP})?{_LABEL}")
_MORE_LABELS = regex.compile(rf"(?:\.(?P<label>{_LABEL}))*+")
_PATH_CHAR = rf"[-A-Za-z0-9!*';:=+,.$/%#\[\]\u2013_~|&@{_CYRILLIC}{_LATIN_ACCENTS}]"
# A path does not end in punctuation, so "see http://example.com/a." keeps its period.
_PATH_END = rf"[-A-Za-z0-9=_#/+{_CYRILLIC}{_LATIN_ACCENTS}]"
_PATH_INSIDE = r"[!*';:,.$%\[\]\u2013~|&@]"  # the path characters that cannot end it
# Balanced parentheses, nested once at most: /wiki/Primer_(film).
_PARENS = rf"\((?:{_PATH_CHAR}++|{_PATH_CHAR}*+\({_PATH_CHAR}++\){_PATH_CHAR}*+)\)"
_PATH = rf"/(?:{_PATH_INSIDE}*+(?:{_PATH_END}|{_PARENS}))*+"
_QUERY = r"\?(?:[!?*'@();:+$%\[\].,~|]*+[-A-Za-z0-9_&=#/])++"
_AFTER_HOST = regex.compile(rf"(?::[0-9]++)?(?:{_PATH})?(?:{_QUERY})?")
# Without a protocol only ASCII domains are links: "日本語example.com" links example.com.
_ASCII_LABEL_CHAR = rf"[-A-Za-z0-9{_LATIN_ACCENTS}]"
_ASCII_LABEL = regex.compile(rf"{_ASCII_LABEL_CHAR}++")
_ASCII_HOST = regex.compile(rf"{_ASCII_LABEL_CHAR}++(?:\.{_ASCII_LABEL_CHAR}++)++")
_ASCII_TAIL = regex.compile(rf"(?r){_ASCII_LABEL_CHAR}*+")  # matched backwards from a label's end
# t.co links take no path after the slug, so "http://t.co/abc's" ends before the "'".
_TCO = regex.compile(rf"{_HTTP}[Tt]\.[Cc][Oo]/([A-Za-z0-9]++)(?:{_QUERY})?")
_MAX_TCO_SLUG = 40
_MAX_URL_LENGTH = 4096

# --- mentions, hashtags, cashtags -------------------------------------------------

_USERNAME = r"[A-Za-z0-9_]{1,20}+"
_LIST_SLUG = r"/[A-Za-z][-A-Za-z0-9_]{0,24}+"
# "@user@host" is an address, "@userñ" a longer word and "@http://" a URL: no mention.
_MENTION_END = rf"(?![{_AT}{_LATIN_ACCENTS}]|://)"
_MENTION = regex.compile(
    rf"(?:(?<![A-Za-z0-9_!#$%&*{_AT}])|(?<=(?:^|[^-A-Za-z0-9_+~.])[Rr][Tt]:?))"
    rf"[{_AT}](?P<name>{_USERNAME})(?P<slug>{_LIST_SLUG})?+{_MENTION_END}"
)
_REPLY = regex.compile(rf"[{_SPACES}{_DIRECTIONAL}]*+[{_AT}](?P<name>{_USERNAME}){_MENTION_END}")
_VALID_USERNAME = regex.compile(rf"[{_AT}]?{_USERNAME}")
_VALID_LIST = regex.compile(rf"[{_AT}]?{_USERNAME}{_LIST_SLUG}")

_HASHTAG_LETTERS = r"\p{L}\p{M}"
_HASHTAG_CHARS = (
    _HASHTAG_LETTERS + r"\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c"
    r"\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
_HASHTAG = regex.compile(
    # A variation selector is a mark, yet "✌️#tag" starts a hashtag; "&#39;" does not.
    rf"(?:(?<=[\ufe0e\ufe0f])|(?<![&{_HASHTAG_CHARS}]))[{_HASH}](?![\ufe0f\u20e3])"
    rf"(?P<tag>(?=[{_HASHTAG_CHARS}]*[{_HASHTAG_LETTERS}])[{_HASHTAG_CHARS}]++)"
    rf"(?![{_HASH}]|://)"
)
_CASHTAG = regex.compile(
    rf"(?<=^|[{_SPACES}{_DIRECTIONAL}])\$(?P<symbol>[A-Za-z]{{1,6}}(?:[._][A-Za-z]{{1,2}})?)"
    rf"(?=$|[{_SPACES}{_PUNCT}])"
)


@dataclass(frozen=True)
class Entity:
    kind: str  # "mention" | "hashtag" | "url" | "cashtag"
    value: str  # username without "@", tag without "#", URL as written, symbol without "$"
    start: int  # code point offsets into the text given
    end: int


def _urls(text: str) -> list[Entity]:
    if "." not in text:
        return []
    found = []
    position = 0
    run = None
    while m := _URL_START.search(text, position):
        start, protocol = m.start(), m["protocol"]
        host_start = start + len(protocol or "")
        if not text.startswith(".", m.end()):
            position = m.end()  # one label is no domain
            continue
        if run is None or not run.starts[0] <= host_start < run.end:
            run = _Run.at(text, host_start, m.end())
        domain_end = run.domain_end(host_start)
        if domain_end is None:
            position = run.end  # no domain starts further inside the run either
            continue
        end = _AFTER_HOST.match(text, domain_end).end()
        # As in twitter-text, a URL's last character cannot be the one before the next.
        position = end + 1
        url, domain = text[start:end], text[host_start:domain_end]
        first_label, _, after_first = domain.partition(".")
        if "_" in first_label and "." not in after_first:
            continue  # "a_b.com": "_" is for subdomains only
        if not _host_fits(url, domain, protocol):
            continue
        if protocol:
            tco = _TCO.match(url)
            if tco:
                if len(tco[1]) > _MAX_TCO_SLUG:
                    continue
                url = tco[0]
            found.append(Entity("url", url, start, start + len(url)))
            continue
        # Without a protocol, a domain right after "-_./" is the tail of a longer word.
        if start and text[start - 1] in "-_./":
            continue
        pieces = [Entity("url", domain[s:e], start + s, start + e) for s, e in _ascii_domains(domain)]
        rest = url[len(domain) :]
        if pieces and rest and pieces[-1].end == start + len(domain):
            last = pieces[-1]
            pieces[-1] = Entity("url", last.value + rest, last.start, start + len(url))
        found += pieces
    return found


def _tld_end(s: str, position: int) -> int | None:
    m = _TLD_AT.match(s, position)
    return m.end() if m else None


@dataclass(frozen=True)
class _Run:
    """A run of labels ("a.b.c"), looked at once however many URLs start inside it."""

    text: str
    starts: list[int]  # of each label
    end: int
    tlds: dict[int, int]  # where a label starts with a TLD: where that TLD ends
    best: tuple[int, int] | None  # (label, TLD end) of the last TLD after a label without "_"

    @classmethod
    def at(cls, text: str, first_start: int, first_end: int) -> "_Run":
        more = _MORE_LABELS.match(text, first_end)
        starts, ends = [first_start, *more.starts("label")], [first_end, *more.ends("label")]
        # One search finds the TLDs that start a label; each ends before the "." after its label,
        # except in the last label, whose TLD may take hyphens after it ("xn--p1ai-").
        tlds = {m.start(): m.end() for m in _TLD_AFTER_DOT.finditer(text, first_end, starts[-1])}
        if len(starts) > 1 and (last := _tld_end(text, starts[-1])):
            tlds[starts[-1]] = last
        best = None
        for tld_start in sorted(tlds, reverse=True):
            i = bisect.bisect_left(starts, tld_start)
            if i >= 2 and text.find("_", starts[i - 1], ends[i - 1]) < 0:
                best = (i, tlds[tld_start])
                break
        return cls(text, starts, more.end(), tlds, best)

    def domain_end(self, host_start: int) -> int | None:
        """Where the domain that starts at host_start ends, if one does: as twitter-text's pattern
        prefers, at the last TLD of the run that follows a label without "_" (which only labels
        before that one may hold), or else at a TLD in the label right after the first."""
        first = bisect.bisect_right(self.starts, host_start) - 1
        if self.best and self.best[0] >= first + 2:
            return self.best[1]
        return self.tlds.get(self.starts[first + 1]) if first + 1 < len(self.starts) else None


def _ascii_domains(domain: str) -> list[tuple[int, int]]:
    """The spans of the ASCII domains in a domain ("日本語example.com" holds example.com), as
    twitter-text's pattern finds them: runs of ASCII labels ending in a TLD, each starting as
    early and ending as late as it can. Each label is looked at once or twice."""
    if _ASCII_HOST.fullmatch(domain):
        return [(0, len(domain))]  # its TLD, which ends it, ends the whole
    labels = domain.split(".")
    starts = list(itertools.accumulate((len(label) + 1 for label in labels[:-1]), initial=0))
    last = len(labels) - 1
    # The first label after each one that is not all ASCII (a run of them can only end there).
    not_ascii_after = [last + 1] * len(labels)
    for i in range(last - 1, -1, -1):
        not_ascii_after[i] = i + 1 if not _ASCII_LABEL.fullmatch(labels[i + 1]) else not_ascii_after[i + 1]
    tld_ends = {m.start(): m.end() for m in _TLD_AFTER_DOT.finditer(domain)}
    spans = []
    position = 0
    label = 0
    while label < last:
        label_end = starts[label] + len(labels[label])
        first = max(position, _ASCII_TAIL.match(domain, starts[label], label_end).start())
        if first >= label_end:
            label += 1
            continue
        end = None
        for j in range(min(not_ascii_after[label], last), label, -1):
            if (end := tld_ends.get(starts[j])) is not None:
                break
        if end is None:
            label = not_ascii_after[label]  # no run starts in the labels up to there either
            continue
        spans.append((first, end))
        position, label = end, j
    return spans


def _host_fits(url: str, domain: str, protocol: str | None) -> bool:
    """Whether the host is a valid IDN (labels of 1-63 characters once in punycode) and the
    whole URL, scheme included, fits in the 4096 characters a link may have, both as written
    and with its host in punycode. (As written too, since IDNA drops some characters, such as
    the soft hyphen: a million of them would otherwise make a short host. So a URL is never
    longer than 4096 code points, and a text of any length cannot hide in a few of them.)"""
    scheme_length = len(protocol or "https://")
    if scheme_length + len(url) > _MAX_URL_LENGTH:
        return False
    ascii_length = _punycode_length(domain)
    return ascii_length is not None and scheme_length + len(url) - len(domain) + ascii_length <= _MAX_URL_LENGTH


# Python's IDNA codec takes ~15 µs a character of a host that is not ASCII; a text that repeats
# one host thousands of times pays for it once.
@functools.lru_cache(maxsize=256)
def _punycode_length(domain: str) -> int | None:
    try:
        return len(domain.encode("idna"))
    except UnicodeError:
        return None


def _hashtags(text: str) -> list[Entity]:
    if "#" not in text and "\uff03" not in text:
        return []
    return [Entity("hashtag", m["tag"], m.start(), m.end()) for m in _HASHTAG.finditer(text)]


def _mention_matches(text: str) -> list[regex.Match]:
    if "@" not in text and "\uff20" not in text:
        return []
    return list(_MENTION.finditer(text))


def _mentions(text: str) -> list[Entity]:
    # "@user/list" mentions user: there are no lists here to link to.
    return [Entity("mention", m["name"], m.start(), m.end("name")) for m in _mention_matches(text)]


def _cashtags(text: str) -> list[Entity]:
    if "$" not in text:
        return []
    return [Entity("cashtag", m["symbol"], m.start(), m.end()) for m in _CASHTAG.finditer(text)]


def extract_entities(text: str) -> list[Entity]:
    """All entities, by position. Where two overlap the earlier one wins, which keeps a
    URL over the "#fragment" or "@name" inside it."""
    candidates = sorted(
        _urls(text) + _hashtags(text) + _mentions(text) + _cashtags(text), key=lambda e: e.start
    )
    entities: list[Entity] = []
    for entity in candidates:
        if not entities or entity.start >= entities[-1].end:
            entities.append(entity)
    return entities


def _values(text: str, kind: str) -> list[str]:
    return [e.value for e in extract_entities(text) if e.kind == kind]


def extract_mentions(text: str) -> list[str]:
    return _values(text, "mention")


def extract_hashtags(text: str) -> list[str]:
    return _values(text, "hashtag")


def extract_urls(text: str) -> list[str]:
    return _values(text, "url")


def extract_cashtags(text: str) -> list[str]:
    return _values(text, "cashtag")


def extract_mentions_or_lists(text: str) -> list[tuple[str, str, int, int]]:
    """twitter-text's mentions with list references: (username, "/slug" or "", start, end)."""
    return [(m["name"], m["slug"] or "", m.start(), m.end()) for m in _mention_matches(text)]


def extract_reply_username(text: str) -> str | None:
    """The username a post starts with (after blanks), which makes it a reply."""
    m = _REPLY.match(text)
    return m["name"] if m else None


# --- validation -----------------------------------------------------------------


def is_valid_username(s: str) -> bool:
    """A username, with or without its leading "@"."""
    return bool(_VALID_USERNAME.fullmatch(s))


def is_valid_list(s: str) -> bool:
    """A list reference, "@user/slug"."""
    return bool(_VALID_LIST.fullmatch(s))


def is_valid_hashtag(s: str) -> bool:
    """A hashtag, with or without its leading "#"."""
    tagged = s if s[:1] in _HASH else "#" + s
    return extract_hashtags(tagged) == [tagged[1:]]


# RFC 3986 (its appendix B splits a URL into parts), with an internationalised host.
_URL_PARTS = regex.compile(r"(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?")
_UNRESERVED = rf"[-A-Za-z0-9._~{_CYRILLIC}]"
_PCT_ENCODED = r"%[0-9A-Fa-f]{2}"
_SUB_DELIMS = r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT_ENCODED}|{_SUB_DELIMS}|[:|@])"
_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_VALID_AUTHORITY = regex.compile(
    rf"(?:(?:{_UNRESERVED}|{_PCT_ENCODED}|{_SUB_DELIMS}|:)*+@)?"
    r"(?P<host>\[[A-Fa-f0-9:.]+\]|[^:]*)(?::[0-9]{1,5})?"
)
_IP_ADDRESS = regex.compile(rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}|\[[A-Fa-f0-9:.]+\]")  # v6 loosely
_ALNUM = r"[^\x00-/:-@\[-`{-\x7f]"  # an ASCII letter or digit, or any non-ASCII character
_ALPHA = r"[^\x00-@\[-`{-\x7f]"  # an ASCII letter, or any non-ASCII character
_SUBDOMAIN_LABEL = regex.compile(rf"{_ALNUM}+(?:[-_]+{_ALNUM}+)*")
_DOMAIN_LABEL = regex.compile(rf"{_ALNUM}+(?:-+{_ALNUM}+)*")
_TLD_LABEL = regex.compile(rf"{_ALPHA}{_ALNUM}*(?:-+{_ALNUM}+)*")
_VALID_PATH = regex.compile(rf"(?:/{_PCHAR}*)*")
_VALID_QUERY = regex.compile(rf"(?:{_PCHAR}|[/?])*")  # and fragment


def is_valid_url(s: str, require_protocol: bool = True) -> bool:
    """A whole string that is an http(s) URL; with require_protocol=False the scheme
    may be left out ("example.com/path"), but if it is given it must be http(s)."""
    parts = _URL_PARTS.fullmatch(s)
    if not parts:
        return False
    scheme, authority, path, query, fragment = parts.groups()
    if scheme is None:
        if require_protocol:
            return False
    elif not regex.fullmatch(_HTTP, scheme + "://"):
        return False
    authority = _VALID_AUTHORITY.fullmatch(authority)
    return bool(
        authority
        and _is_valid_host(authority["host"])
        and _VALID_PATH.fullmatch(path)
        and (query is None or _VALID_QUERY.fullmatch(query))
        and (fragment is None or _VALID_QUERY.fullmatch(fragment))
    )


def _is_valid_host(host: str) -> bool:
    if _IP_ADDRESS.fullmatch(host):
        return True
    *subdomains, name, tld = host.split(".") if "." in host else ("", "")
    return bool(
        all(_SUBDOMAIN_LABEL.fullmatch(label) for label in subdomains)
        and _DOMAIN_LABEL.fullmatch(name)
        and _TLD_LABEL.fullmatch(tld)
    )


# --- length -----------------------------------------------------------------------


@dataclass(frozen=True)
class TextConfig:
    version: int
    max_weighted_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...]  # (first code point, last code point, weight)
    emoji_parsing: bool


@functools.lru_cache(maxsize=None)
def load_config(name: str = "v1", max_chars: int | None = None) -> TextConfig:
    """twitter-text's config v1 (140 code points), v2 (280, CJK and emoji count 2) or v3
    (v2, but an emoji sequence counts 2 once); max_chars overrides the limit."""
    if name not in ("v1", "v2", "v3"):
        raise ValueError(f"unknown text config {name!r}")
    raw = json.loads((_DATA / f"{name}.json").read_text(encoding="utf-8"))
    return TextConfig(
        version=raw["version"],
        max_weighted_length=raw["maxWeightedTweetLength"] if max_chars is None else max_chars,
        scale=raw["scale"],
        default_weight=raw["defaultWeight"],
        transformed_url_length=raw["transformedURLLength"],
        ranges=tuple((r["start"], r["end"], r["weight"]) for r in raw["ranges"]),
        emoji_parsing=raw.get("emojiParsingEnabled", False),
    )


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Embeddings, overrides and isolates reorder the text around them ("moc.lapyap" drawn as
# "paypal.com"); zero-width spaces and the word joiner split or glue words unseen. Joiners (ZWJ,
# ZWNJ) and the plain direction marks stay: scripts and emoji sequences need them, and they move
# nothing but neutral characters.
_SPOOFING = regex.compile(r"[\u202a-\u202e\u2066-\u2069\u200b\u2060\u180e]")


def neutralise(text: str) -> str:
    """The text without the invisible characters that could make it pass for other text."""
    return _SPOOFING.sub("", text)


# --- the cap before any of it -----------------------------------------------------

# NFC composes at most four code points into one (U+1F82 is U+03B1 U+0313 U+0300 U+0345).
_MOST_COMPOSED = 4
# The longest emoji sequences are ten code points (a kiss with two skin tones); a grapheme
# cluster longer than this is not one emoji, so it does not weigh as one.
_MAX_EMOJI_LENGTH = 16


def too_long(s: str, limit: int) -> bool:
    """Whether s, as written, is longer than limit code points can be once in NFC, whatever it
    holds: text far over a limit is refused on its length alone, before anything reads it."""
    return len(s) > _MOST_COMPOSED * limit


@functools.lru_cache(maxsize=None)
def max_length(config: TextConfig) -> int:
    """The most code points a text can hold after NFC and still fit config's limit: every URL
    counts transformed_url_length but is at most 4096 code points, an emoji sequence (v3)
    counts default_weight for at most _MAX_EMOJI_LENGTH, and any other code point weighs at
    least the lightest weight. (24,716 for v1 at 140.) count() refuses longer text uncounted."""
    budget = config.max_weighted_length * config.scale
    lightest = max(1, min([config.default_weight, *(weight for _, _, weight in config.ranges)]))
    longest = budget // lightest + budget // (config.transformed_url_length * config.scale) * _MAX_URL_LENGTH
    if config.emoji_parsing:
        longest += budget // config.default_weight * _MAX_EMOJI_LENGTH
    return longest


@dataclass(frozen=True)
class Count:
    weighted_length: int  # in characters as the limit counts them (already divided by scale)
    max_length: int
    valid: bool  # not blank, within the limit and free of invalid characters
    permillage: int  # weighted_length / max_length, in thousandths
    # Inclusive UTF-16 offsets into the text given (as a browser's text field counts):
    display_range: tuple[int, int]  # the whole text
    valid_range: tuple[int, int]  # the part that fits and is free of invalid characters


# One emoji as the eye sees it: a presentation-style pictograph, keycap, flag, or a
# skin-toned or ZWJ sequence (the rest of which \X, the grapheme cluster, takes along).
_EMOJI = regex.compile(
    r"(?=\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f"
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}|[0-9#*]\ufe0f?\u20e3)\X"
)
_INVALID_CHARS = frozenset("\ufffe\ufeff\uffff")


def _utf16_length(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def count(text: str, config: TextConfig) -> Count:
    """The length of a post as twitter-text's parseTweet weighs it, after NFC. Text longer than
    max_length(config) cannot fit and is not counted: its weighted_length is its length in code
    points as written, and its valid_range is empty, (0, -1)."""
    longest = max_length(config)
    if too_long(text, longest):
        return _uncounted(text, config)
    normal = normalize(text)
    if len(normal) > longest:
        return _uncounted(text, config)
    scale = config.scale
    limit = config.max_weighted_length * scale
    # Spans that weigh as one unit, by where they start: URLs, and (v3) emoji sequences.
    units = {e.start: (e.end, config.transformed_url_length * scale) for e in _urls(normal)}
    if config.emoji_parsing:
        for m in _EMOJI.finditer(normal):
            if m.end() - m.start() <= _MAX_EMOJI_LENGTH:
                units.setdefault(m.start(), (m.end(), config.default_weight))

    weight = 0
    valid_end = 0  # where the part that fits and is clean ends, in code points
    clean = True
    position = 0
    while position < len(normal):
        if position in units:
            end, unit_weight = units[position]
        else:
            end, char = position + 1, normal[position]
            unit_weight = _char_weight(ord(char), config)
            clean = clean and char not in _INVALID_CHARS
        weight += unit_weight
        if clean and weight <= limit:
            valid_end = end
        position = end

    weighted_length = weight // scale
    # Offsets are into the text given, which NFC may have made shorter or longer.
    text_length = _utf16_length(text)
    shift = text_length - _utf16_length(normal)
    return Count(
        weighted_length=weighted_length,
        max_length=config.max_weighted_length,
        valid=clean and weighted_length <= config.max_weighted_length and bool(normal.strip()),
        permillage=weighted_length * 1000 // config.max_weighted_length,
        display_range=(0, text_length - 1),
        valid_range=(0, _utf16_length(normal[:valid_end]) + shift - 1),
    )


def _uncounted(text: str, config: TextConfig) -> Count:
    length = len(text)
    return Count(
        weighted_length=length,
        max_length=config.max_weighted_length,
        valid=False,
        permillage=length * 1000 // config.max_weighted_length,
        display_range=(0, _utf16_length(text) - 1),
        valid_range=(0, -1),
    )


def _char_weight(code_point: int, config: TextConfig) -> int:
    for first, last, weight in config.ranges:
        if first <= code_point <= last:
            return weight
    return config.default_weight


# --- HTML -------------------------------------------------------------------------

# Shown only as far as the host: Mastodon hides the scheme and "www." and cuts the rest.
_URL_PREFIX = regex.compile(rf"(?P<scheme>{_HTTP})?(?:[Ww][Ww][Ww]\.)?")
_URL_VISIBLE_LENGTH = 30
_URL_HOST = regex.compile(r"[^/?#]*")
# Outbound links pass no ranking (nofollow, ugc: people wrote them), no referrer and no handle on
# this page's window (noopener) to the site they lead to.
LINK_REL = "nofollow noopener noreferrer ugc"


def render_html(
    text: str,
    mention_url: Callable[[str], str | None],
    hashtag_url: Callable[[str], str],
) -> str:
    """The post as Mastodon-shaped HTML: <p> per paragraph, <br /> per line break,
    links for URLs, hashtags and the mentions mention_url knows; all text escaped."""
    text = normalize(text).replace("\r\n", "\n").replace("\r", "\n")
    parts = []
    position = 0
    for entity in extract_entities(text):
        link = _link(entity, mention_url, hashtag_url)
        if link is None:
            continue
        parts += (html.escape(text[position : entity.start]), link)
        position = entity.end
    parts.append(html.escape(text[position:]))
    paragraphs = (p.strip("\n") for p in regex.split(r"\n{2,}", "".join(parts)))
    return "".join("<p>" + p.replace("\n", "<br />") + "</p>" for p in paragraphs if p.strip())


def _link(
    entity: Entity,
    mention_url: Callable[[str], str | None],
    hashtag_url: Callable[[str], str],
) -> str | None:
    e = html.escape
    if entity.kind == "mention":
        href = mention_url(entity.value)
        if href is None:
            return None
        return (
            f'<span class="h-card" translate="no"><a href="{e(href)}" class="u-url mention">'
            f"@<span>{e(entity.value)}</span></a></span>"
        )
    if entity.kind == "hashtag":
        href = hashtag_url(entity.value)
        return f'<a href="{e(href)}" class="mention hashtag" rel="tag">#<span>{e(entity.value)}</span></a>'
    if entity.kind == "url":
        url = entity.value
        prefix = _URL_PREFIX.match(url)
        href = url if prefix["scheme"] else "http://" + url
        rest = url[prefix.end() :]
        # However long, the host is never cut: it is where the link really leads.
        shown = max(_URL_VISIBLE_LENGTH, len(_URL_HOST.match(rest)[0]))
        visible, hidden = rest[:shown], rest[shown:]
        return (
            f'<a href="{e(href)}" title="{e(href)}" target="_blank" rel="{LINK_REL}" translate="no">'
            f'<span class="invisible">{e(prefix[0])}</span>'
            f'<span class="{"ellipsis" if hidden else ""}">{e(visible)}</span>'
            f'<span class="invisible">{e(hidden)}</span></a>'
        )
    return None  # cashtags stay text
