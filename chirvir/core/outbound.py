"""Links that leave Chirvir: the host a link really leads to, whether that host imitates this
instance (look-alike letters, punycode, typosquats) or is on the operator's blocklist, and the
signed address of the warning page a doubtful link opens through. One home for these rules: the
web pages, posting and the warning page ask here."""

from __future__ import annotations

import functools
import html
import unicodedata
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import regex
from django.conf import settings
from django.core import signing

from chirvir.core import confusables

BLOCKLIST = Path(__file__).with_name("blocked_domains.txt")
_SALT = "chirvir.leaving"
# A typosquat is a host within this many edits of the instance's name ("chirvlr", "chirvir-login"
# is caught as holding the name). Names this short or shorter are compared exactly only: every
# three-letter name is two edits from thousands of real ones.
_TYPO_DISTANCE = 2
_SHORTEST_FUZZY_NAME = 5
_IP = regex.compile(r"[0-9.]+|\[?[0-9a-fA-F:]+\]?")
# An <a href="..."> the text module or a profile wrote: outbound when its href is absolute.
_ANCHOR = regex.compile(r'<a href="(?P<href>https?://[^"]*)"(?P<rest>[^>]*)>(?P<inner>.*?)</a>', regex.DOTALL)
_TAG = regex.compile(r"<[^>]*>")
_SHOWN_HOST = regex.compile(r"(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?P<host>[^\s/?#<>@:]+\.[^\s/?#<>@:.]{2,})")


def host_of(url: str) -> str:
    """The host a URL leads to, lower-case and as Unicode ("xn--" labels decoded)."""
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
    except ValueError:
        return ""
    return _unicode(host.rstrip("."))


def _unicode(host: str) -> str:
    try:
        return host.encode("ascii").decode("idna") if "xn--" in host else host.lower()
    except UnicodeError:
        return host.lower()


def _ascii(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def own_host() -> str:
    return host_of(settings.SITE_URL)


def is_own(host: str) -> bool:
    own = own_host()
    return host == own or host.endswith("." + own)


# --- look-alikes -------------------------------------------------------------------------


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it is surely over limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _names(own: str, title: str) -> set[str]:
    """What a phisher imitates: the instance's host without its last label ("chirvir" of
    "chirvir.example", "social.chirvir" of "social.chirvir.example") and the service's title."""
    names = set()
    if own and not _IP.fullmatch(own) and "." in own:
        names.add(confusables.skeleton(own.rsplit(".", 1)[0]))
    title = regex.sub(r"[^\p{L}\p{N}]", "", unicodedata.normalize("NFKC", title).lower())
    if title:
        names.add(confusables.skeleton(title))
    return {n for n in names if n}


def imitates_instance(host: str) -> bool:
    """Whether a host that is not this instance's looks as if it were: a label in punycode
    (letters from another script drawn like ours), the same skeleton (UTS #39) as the instance's
    host, the instance's name inside it ("chirvir.example.login.test", "chirvir-login.test"), or a
    label within two edits of that name ("chirv1r", "chirvlr")."""
    host = _unicode(host)
    if not host or is_own(host) or _IP.fullmatch(host):
        return False
    return _imitates(host, own_host(), settings.INSTANCE_TITLE)


# Every page of posts asks for each of its links; a host's answer holds while the settings do.
@functools.lru_cache(maxsize=4096)
def _imitates(host: str, own: str, title: str) -> bool:
    if any(label.startswith("xn--") for label in _ascii(host).split(".")):
        return True
    seen = confusables.skeleton(host)
    if own and seen == confusables.skeleton(own):
        return True
    labels = [confusables.skeleton(label) for label in host.split(".")[:-1]]
    for name in _names(own, title):
        flat = name.replace(".", "")
        if name in seen or flat in regex.sub(r"[-_.]", "", seen):
            return True
        if len(flat) >= _SHORTEST_FUZZY_NAME:
            for label in labels:
                if _distance(label.replace("-", ""), flat, _TYPO_DISTANCE) <= _TYPO_DISTANCE:
                    return True
    return False


# --- the blocklist ----------------------------------------------------------------------


@functools.cache
def _listed_in_file() -> frozenset[str]:
    lines = BLOCKLIST.read_text(encoding="utf-8").splitlines()
    return frozenset(_ascii(line.strip().lower()) for line in lines if line.strip() and not line.startswith("#"))


def blocked_domains() -> frozenset[str]:
    """The shipped list of known-bad domains and those the operator adds (CHIRVIR_BLOCKED_DOMAINS)."""
    return _listed_in_file() | {_ascii(d) for d in settings.BLOCKED_DOMAINS}


def is_blocked(host: str) -> bool:
    """Whether a host is a blocked domain or inside one (a blocked domain's subdomains are too)."""
    labels = _ascii(_unicode(host)).split(".")
    listed = blocked_domains()
    return any(".".join(labels[i:]) in listed for i in range(len(labels)))


def first_blocked(urls) -> str | None:
    """The first of these URLs' hosts that is blocked, if any."""
    for url in urls:
        host = host_of(url)
        if host and is_blocked(host):
            return host
    return None


# --- the warning page -------------------------------------------------------------------


def leaving_url(url: str) -> str:
    """The warning page's address for a link: signed, so that it is no open redirect (a link
    to /leaving?url=... that Chirvir did not write shows nothing)."""
    return "/leaving?" + urlencode({"url": signing.dumps(url, salt=_SALT, compress=True)})


def destination(signed: str) -> str | None:
    """The URL a warning page's address was signed for; None if it was not signed here."""
    try:
        url = signing.loads(signed, salt=_SALT)
    except signing.BadSignature:
        return None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def misleads(href: str, shown_text: str) -> bool:
    """Whether a link's text shows a domain other than the one it leads to."""
    real = host_of(href)
    for m in _SHOWN_HOST.finditer(shown_text):
        shown = _unicode(m["host"].rstrip("."))
        if shown != real and not real.endswith("." + shown):
            return True
    return False


def guard(content: str, *, all_outbound: bool = False) -> str:
    """Safe HTML (as the text module and profiles write it) with each doubtful outbound link sent
    through the warning page: every one when all_outbound (a direct message from an account the
    reader does not follow), else those whose host imitates this instance and those whose text
    shows another domain than they lead to."""

    def rewrite(m: regex.Match) -> str:
        href = html.unescape(m["href"])
        host = host_of(href)
        if not host or is_own(host):
            return m[0]
        shown = html.unescape(_TAG.sub("", m["inner"]))
        if not (all_outbound or imitates_instance(host) or misleads(href, shown)):
            return m[0]
        return f'<a href="{html.escape(leaving_url(href))}"{m["rest"]}>{m["inner"]}</a>'

    return _ANCHOR.sub(rewrite, content)
