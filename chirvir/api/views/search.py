"""Mastodon's search resource (GET /api/v2/search): accounts, posts and hashtags from the search
index, as far as the audience gate lets the searcher see."""

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response
from chirvir.core.ids import parse_id
from chirvir.search import services


@api(methods=("GET",), scopes={"GET": "read:search"}, user="optional")
def search(request, params):
    q = params.required("q")
    kind = params.text("type") or None
    # `resolve` would fetch from other servers, and `exclude_unreviewed` hide hashtags no moderator
    # has reviewed; Chirvir does neither (nothing is federated, no hashtag waits for review), so both
    # are accepted and change nothing but who may ask, as on Mastodon.
    resolve = params.boolean("resolve")
    params.boolean("exclude_unreviewed")
    offset = params.integer("offset", 0) if kind else 0
    if request.account is None and (resolve or offset):
        what = "pagination" if offset else "that resolve remote resources"
        raise ApiError(401, f"Search queries {what} are not supported without authentication")
    account_id = params.text("account_id")
    results = services.search(
        request.account,
        q,
        type=kind,
        following=params.boolean("following"),
        account_id=parse_id(account_id) if account_id else None,
        page=params.page(),
        offset=max(offset, 0),
    )
    return json_response(serializers.search_results(results, request.account))
