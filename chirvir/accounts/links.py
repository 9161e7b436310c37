"""Verifying the links in profile fields, as Mastodon does: a field whose value is a web page that
links back to the profile with rel="me" (an <a> or a <link>) is shown as verified, with when.

The page is fetched by a job, with limits: http(s) only, at most MAX_PAGE bytes, FETCH_SECONDS in
all, MAX_REDIRECTS redirects, and never from an address that is not public (loopback, private,
link-local, reserved) unless settings.VERIFY_LINKS_TO_PRIVATE_ADDRESSES allows it: a profile must
not make the server reach inside its own network. The address checked is the one connected to,
so a name that resolves differently the second time cannot slip past."""

import ipaddress
import socket
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
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


def fetch_page(url: str) -> str:
    """The text of a web page, within the module's limits (Refused otherwise)."""
    deadline = time.monotonic() + FETCH_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused("only http and https links are fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _address(parts.hostname, port)
        netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        pinned = parts._replace(netloc=netloc).geturl()
        host = parts.netloc.rsplit("@", 1)[-1]
        timeout = httpx.Timeout(max(deadline - time.monotonic(), 0.1))
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            request = client.build_request(
                "GET", pinned, headers={"Host": host, "User-Agent": f"Chirvir/{settings.VERSION} (profile link check)"},
                extensions={"sni_hostname": parts.hostname},
            )
            response = client.send(request, stream=True)
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise Refused(f"the page answered {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_PAGE:
                        raise Refused("the page is too big")
                    if time.monotonic() > deadline:
                        raise Refused("the page took too long")
                return body.decode(response.encoding or "utf-8", errors="replace")
            finally:
                response.close()
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
    except (Refused, httpx.HTTPError):
        return False


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
