"""The no_access IP block: every request from a blocked address or network is answered 403
before any other work (no session, no token, no query but the cached list's)."""

from django.http import HttpResponseForbidden

from chirvir.core.addresses import client_address
from chirvir.moderation import blocks

# Answers about the server itself, that tell nothing of anyone and touch no database: a load
# balancer's probe must pass whatever a moderator blocks, and the API's description is public.
UNGUARDED = frozenset({"/health", "/api/openapi.json"})


def middleware(get_response):
    def refuse_blocked(request):
        if request.path_info not in UNGUARDED and blocks.refused_everything(client_address(request)):
            return HttpResponseForbidden("Access from this address is blocked.", content_type="text/plain")
        return get_response(request)

    return refuse_blocked
