"""Verifying the links in profile fields, as Mastodon does: a field whose value is a web page that
links back to the profile with rel="me" (an <a> or a <link>) is shown as verified, with when.

The page is fetched by a job, with limits: http(s) only, at most MAX_PAGE bytes, FETCH_SECONDS in
all, MAX_REDIRECTS redirects, and never from an address that is not public (loopback, private,
link-local, reserved) unless settings.VERIFY_LINKS_TO_PRIVATE_ADDRESSES allows it: a profile must
not make the server reach inside its own network. The address checked is the one connected to,
so a name that resolves differently the second time cannot slip past."""

import http.client
import ipaddress
import socket
import ssl
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.links import profile_url

MAX_PAGE = 1_000_000
FETCH_SECONDS = 10.0
MAX_REDIRECTS = 3


class Refused(Exception):
    """A link that is not fetched: not http(s), not a public address, too big or too slow."""


def _address(host: str, port: int) -> str:
    """The address to connect to for a host, refused unless it is public (or the setting allows)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise Refused(f"cannot resolve {host}") from e
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 is 127.0.0.1
            address = address.ipv4_mapped
        if address.is_global or settings.VERIFY_LINKS_TO_PRIVATE_ADDRESSES:
            return str(address)
    raise Refused(f"{host} is not a public address")


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to an address already checked; the Host header still names the host."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address already checked, the certificate checked against the host's name."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_page(url: str) -> str:
    """The text of a web page, within the module's limits (Refused otherwise)."""
    deadline = time.monotonic() + FETCH_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused("only http and https links are fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _address(parts.hostname, port)
        connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = connection_class(address, parts.hostname, port, max(deadline - time.monotonic(), 0.1))
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            agent = f"Chirvir/{settings.VERSION} (profile link check)"
            connection.request("GET", target, headers={"User-Agent": agent})
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise Refused(f"the page answered {response.status}")
            body = bytearray()
            while chunk := response.read(65536):
                body += chunk
                if len(body) > MAX_PAGE:
                    raise Refused("the page is too big")
                if time.monotonic() > deadline:
                    raise Refused("the page took too long")
            return body.decode(response.headers.get_content_charset() or "utf-8", errors="replace")
        finally:
            connection.close()
    raise Refused("too many redirects")


class _RelMe(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("a", "link") and "me" in (values.get("rel") or "").lower().split() and values.get("href"):
            self.links.add(values["href"])


def _same(a: str, b: str) -> bool:
    return a.strip().rstrip("/").lower() == b.strip().rstrip("/").lower()


def links_back(page: str, target: str) -> bool:
    """Whether a page has a rel="me" link (an <a> or a <link>) to the target address."""
    parser = _RelMe()
    parser.feed(page)
    return any(_same(href, target) for href in parser.links)


def _verified(url: str, target: str) -> bool:
    try:
        return links_back(fetch_page(url), target)
    except (Refused, OSError, http.client.HTTPException, LookupError, ValueError):
        return False  # unreachable, refused, or not a page: not verified


def verify_profile_links(account_id: int) -> int:
    """Check each profile field that is a web address for a rel="me" link back to the profile,
    and store when it was found (or none). Fields changed meanwhile are left to their own check.
    Returns how many are verified."""
    account = Account.objects.filter(id=account_id, is_active=True).first()
    if account is None:
        return 0
    target = profile_url(account.username)
    checked = {f["value"]: _verified(f["url"], target) for f in account.shown_fields if f["url"]}
    now = timezone.now().isoformat()
    with transaction.atomic():
        account = Account.objects.select_for_update().get(id=account_id)
        fields = []
        for field in account.profile_fields:
            field = dict(field)
            if field["value"] in checked:
                field["verified_at"] = (field.get("verified_at") or now) if checked[field["value"]] else None
            fields.append(field)
        Account.objects.filter(id=account_id).update(profile_fields=fields)
    return sum(bool(f.get("verified_at")) for f in fields)
