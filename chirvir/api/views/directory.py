"""Mastodon's directory resource: the profiles that chose to be found."""

from chirvir.accounts import discovery
from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response

MAX_LIMIT = 80


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def index(request, params):
    order = params.text("order", "active") or "active"
    if order not in ("active", "new"):
        raise ApiError(400, "order must be active or new")
    limit = min(max(params.integer("limit", 40), 1), MAX_LIMIT)
    # `local` changes nothing: every account here is local.
    found = discovery.directory(request.account, order, max(params.integer("offset", 0), 0), limit)
    return json_response([serializers.account(a) for a in found])
