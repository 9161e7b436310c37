"""Mastodon's trends resource: hashtags, posts and links that stand out now, as the periodic
refresh in chirvir/trends computed them. Public, paged by offset, without a Link header."""

from chirvir.api import serializers
from chirvir.api.base import api, json_response
from chirvir.trends import services
from chirvir.trends.models import TrendKind


def _language(request, params) -> str:
    """The `language` asked for, else the caller's posting language, else every language."""
    asked = params.text("language")
    if asked is not None:
        return asked.strip()[:8]
    return request.account.posting_language if request.account is not None else ""


def _window(params, default: int) -> tuple[int, int]:
    limit = min(abs(params.integer("limit", default)) or default, 2 * default)
    return max(params.integer("offset", 0), 0), limit


@api(methods=("GET",), user="optional")
def tags(request, params):
    offset, limit = _window(params, 10)
    found = services.trends(TrendKind.TAG, _language(request, params), offset, limit)
    return json_response([serializers.trend_tag(t) for t in found])


@api(methods=("GET",), user="optional")
def statuses(request, params):
    offset, limit = _window(params, 20)
    found = services.trending_statuses(request.account, _language(request, params), offset, limit)
    return json_response(serializers.statuses(found, request.account, "public"))


@api(methods=("GET",), user="optional")
def links(request, params):
    offset, limit = _window(params, 10)
    found = services.trends(TrendKind.LINK, _language(request, params), offset, limit)
    return json_response([serializers.trend_link(t) for t in found])
