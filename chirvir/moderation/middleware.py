"""The no_access IP block: every request from a blocked address or network is answered 403
before any other work (no session, no token, no query but the cached list's)."""

from django.http import HttpResponseForbidden

from chirvir.core.addresses import client_address
from chirvir.moderation import blocks


def middleware(get_response):
    def refuse_blocked(request):
        if blocks.refused_everything(client_address(request)):
            return HttpResponseForbidden("Access from this address is blocked.", content_type="text/plain")
        return get_response(request)

    return refuse_blocked
