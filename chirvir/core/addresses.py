"""The client's IP address, the one rule every part uses (rate limits, the log-in throttle, the
access log, the sessions page): the peer's own address, unless the peer is a reverse proxy the
operator named in CHIRVIR_TRUSTED_PROXIES; then the nearest address in X-Forwarded-For that is
not one of those proxies. With no proxies named, X-Forwarded-For is never read: anyone can send it."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not forwarded or not _trusted(address):
        return address
    for hop in (hop.strip() for hop in reversed(forwarded.split(","))):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a hop that is no address: believe nothing further along
        address = hop
        if not _trusted(hop):
            break
    return address


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)
