"""Mastodon's rate limits on the API (its `/api/...` routes and `/oauth/token`): every answer says
how many requests the caller has left in the window and when it ends (`X-RateLimit-*`, all three,
as Mastodon.py needs them), and a caller over a limit gets 429 before any view runs."""

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from chirvir.api.base import error_response
from chirvir.api.counters import counters
from chirvir.api.serializers import iso
from chirvir.core.addresses import client_address
from chirvir.core.errors import Unauthorized
from chirvir.oauth import services as oauth


@dataclass(frozen=True)
class Rule:
    name: str  # rules of one name share their counts
    per: str  # "caller": the account, else the app of an app token, else the address; or "address"
    limit: int | None = None  # None: the general limit, settings.RATE_LIMIT
    period: int | None = None  # seconds; None: settings.RATE_LIMIT_PERIOD
    method: str | None = None  # None: every method
    path: str | None = None  # a regular expression for the whole path; None: every path

    def applies(self, request) -> bool:
        return (self.method is None or self.method == request.method) and (
            self.path is None or re.fullmatch(self.path, request.path_info) is not None
        )


HALF_HOUR = 30 * 60
# Mastodon's limits (its config/initializers/rack_attack.rb), the general one first. When several
# apply, the answer reports the one closest to running out.
RULES = (
    Rule("api", per="caller"),
    # Sign-ups, where abuse starts.
    Rule("sign-up", per="address", limit=5, period=HALF_HOUR, method="POST", path=r"/api/v1/accounts/?"),
    # Deleting a post and undoing a repost, which take it out of every feed it reached.
    Rule("delete", per="caller", limit=30, period=HALF_HOUR, method="DELETE", path=r"/api/v1/statuses/[^/]+/?"),
    Rule("delete", per="caller", limit=30, period=HALF_HOUR, method="POST", path=r"/api/v1/statuses/[^/]+/unreblog/?"),
)

def limited(path: str) -> bool:
    return path.startswith("/api/") or path in ("/oauth/token", "/oauth/token/")


def middleware(get_response):
    def limit_rate(request):
        general, period = settings.RATE_LIMIT, settings.RATE_LIMIT_PERIOD
        if not general or not limited(request.path_info):
            return get_response(request)
        now = time.time()
        caller = _caller(request)
        tightest = None  # (remaining, limit, window end) of the rule closest to running out
        for rule in RULES:
            if not rule.applies(request):
                continue
            subject = caller if rule.per == "caller" else f"address {client_address(request)}"
            limit = rule.limit or general
            counted = counters().hit(f"{rule.name} {subject}", rule.period or period, now)
            if counted is None:
                return get_response(request)  # no count, no headers: all three or none
            count, ends = counted
            if tightest is None or limit - count < tightest[0]:
                tightest = (limit - count, limit, ends)
        remaining, limit, ends = tightest
        response = get_response(request) if remaining >= 0 else error_response(429, "Too many requests")
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(remaining, 0))
        response["X-RateLimit-Reset"] = iso(datetime.fromtimestamp(ends, UTC))
        return response

    return limit_rate


def _caller(request) -> str:
    """Whom the general limit counts. The token found here is kept on the request, so the view
    does not look it up again; a token the view will refuse counts as no token."""
    try:
        credentials = oauth.authenticate(request)
    except Unauthorized:
        return f"address {client_address(request)}"
    request.credentials = credentials
    if credentials is None:
        return f"address {client_address(request)}"
    if credentials.account is not None:
        return f"account {credentials.account.pk}"
    return f"app {credentials.application.pk}"
