"""Which push endpoints Chirvir will send to. An endpoint is a URL a client chose, and the server
calls it: left open, any app could make the server post to its own network (an admin page on
loopback, a cloud metadata address). So it must be https on a public address, checked when the
subscription is made and again, on the addresses the name then resolves to, before each send."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from chirvir.core.errors import Invalid


class Refused(Invalid):
    """The endpoint is not one Chirvir calls, now or later (unlike a name that does not resolve)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as the URL names it (the TLS name and the Host header)
    port: int
    path: str  # with its query
    address: str  # the checked address to connect to, so a second lookup cannot change it


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def parse(url: str) -> Target:
    """The endpoint's parts, or Refused when it is no URL Chirvir may call; resolves nothing."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_("The push endpoint is not a valid URL.")) from None
    allowed = {"https", "http"} if settings.PUSH_ALLOW_LOCAL else {"https"}
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise Refused(_("The push endpoint must be an https URL."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, address="")


def resolve(url: str) -> Target:
    """The endpoint with the address to connect to. Invalid when the name does not resolve; Refused
    when any of its addresses is private, loopback, link-local or reserved (one public address
    beside a private one is a name made to slip through), unless settings allow local ones."""
    target = parse(url)
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Invalid(_("The push endpoint's host name does not resolve.")) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise Invalid(_("The push endpoint's host name does not resolve."))
    if not settings.PUSH_ALLOW_LOCAL and not all(_public(a) for a in addresses):
        raise Refused(_("The push endpoint is on a private or local address."))
    return Target(target.scheme, target.host, target.port, target.path, address=addresses[0])
