"""Mastodon's filters resource: version 2 (/api/v2/filters, their keywords and posts) and the
version 1 that older clients use (/api/v1/filters, one keyword each)."""

from chirvir.api import serializers
from chirvir.api.base import TRUE, ApiError, api, json_response
from chirvir.filters import services

SCOPES = {
    "GET": "read:filters", "POST": "write:filters", "PUT": "write:filters", "DELETE": "write:filters"
}


def _context(params) -> list[str] | None:
    return params.array("context") if "context" in params.data else None


def _expires_in(params):
    # Sent empty, a filter lasts for ever; not sent, an edit keeps its end.
    return params.get("expires_in") if "expires_in" in params.data else services.KEEP


def _keywords_attributes(params) -> list[tuple]:
    """`keywords_attributes` as a JSON list of objects, or as a form's `[0][keyword]` hash."""
    value = params.data.get("keywords_attributes") or []
    items = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ApiError(422, "Validation failed: keywords_attributes must be a list of keywords")
    result = []
    for item in items:
        whole_word = item.get("whole_word")
        result.append((
            item.get("id") or None,
            None if item.get("keyword") is None else str(item["keyword"]),
            None if whole_word is None else str(whole_word).lower() in TRUE,
            str(item.get("_destroy", "")).lower() in TRUE,
        ))
    return result


@api(methods=("GET", "POST"), scopes=SCOPES)
def index(request, params):
    if request.method == "POST":
        keywords = [(kw, True if whole is None else whole) for _id, kw, whole, destroy in _keywords_attributes(params)
                    if not destroy]
        created = services.create_filter(
            request.account,
            params.text("title"),
            params.array("context"),
            filter_action=params.text("filter_action") or "warn",
            expires_in=params.get("expires_in"),
            keywords=keywords,
        )
        return json_response(serializers.filter_(created))
    return json_response([serializers.filter_(f) for f in services.list_filters(request.account)])


@api(methods=("GET", "PUT", "DELETE"), scopes=SCOPES)
def detail(request, params, filter_id):
    if request.method == "DELETE":
        services.delete_filter(request.account, filter_id)
        return json_response({})
    if request.method == "PUT":
        found = services.update_filter(
            request.account,
            filter_id,
            title=params.text("title"),
            context=_context(params),
            filter_action=params.text("filter_action"),
            expires_in=_expires_in(params),
            keywords=_keywords_attributes(params),
        )
        return json_response(serializers.filter_(found))
    return json_response(serializers.filter_(services.get_filter(request.account, filter_id)))


@api(methods=("GET", "POST"), scopes=SCOPES)
def keywords(request, params, filter_id):
    if request.method == "POST":
        added = services.add_keyword(
            request.account, filter_id, params.text("keyword"), params.boolean("whole_word", True)
        )
        return json_response(serializers.filter_keyword(added))
    found = services.get_filter(request.account, filter_id)
    return json_response([serializers.filter_keyword(k) for k in found.keywords.all()])


@api(methods=("GET", "PUT", "DELETE"), scopes=SCOPES)
def keyword(request, params, keyword_id):
    if request.method == "DELETE":
        services.remove_keyword(request.account, keyword_id)
        return json_response({})
    if request.method == "PUT":
        whole_word = None if params.get("whole_word") is None else params.boolean("whole_word")
        changed = services.update_keyword(request.account, keyword_id, params.text("keyword"), whole_word)
        return json_response(serializers.filter_keyword(changed))
    return json_response(serializers.filter_keyword(services.get_keyword(request.account, keyword_id)))


@api(methods=("GET", "POST"), scopes=SCOPES)
def statuses(request, params, filter_id):
    if request.method == "POST":
        added = services.add_status(request.account, filter_id, params.required("status_id"))
        return json_response(serializers.filter_status(added))
    found = services.get_filter(request.account, filter_id)
    return json_response([serializers.filter_status(fs) for fs in found.statuses.all()])


@api(methods=("GET", "DELETE"), scopes=SCOPES)
def status(request, params, filter_status_id):
    if request.method == "DELETE":
        services.remove_status(request.account, filter_status_id)
        return json_response({})
    return json_response(serializers.filter_status(services.get_filter_status(request.account, filter_status_id)))


@api(methods=("GET", "POST"), scopes=SCOPES)
def index_v1(request, params):
    if request.method == "POST":
        created = services.create_filter_v1(
            request.account,
            params.text("phrase"),
            params.array("context"),
            irreversible=params.boolean("irreversible"),
            whole_word=params.boolean("whole_word", True),
            expires_in=params.get("expires_in"),
        )
        return json_response(serializers.filter_v1(created))
    return json_response([serializers.filter_v1(k) for k in services.list_keywords(request.account)])


@api(methods=("GET", "PUT", "DELETE"), scopes=SCOPES)
def detail_v1(request, params, keyword_id):
    if request.method == "DELETE":
        services.delete_filter_v1(request.account, keyword_id)
        return json_response({})
    if request.method == "PUT":
        changed = services.update_filter_v1(
            request.account,
            keyword_id,
            phrase=params.text("phrase"),
            context=_context(params),
            irreversible=None if params.get("irreversible") is None else params.boolean("irreversible"),
            whole_word=None if params.get("whole_word") is None else params.boolean("whole_word"),
            expires_in=_expires_in(params),
        )
        return json_response(serializers.filter_v1(changed))
    return json_response(serializers.filter_v1(services.get_keyword(request.account, keyword_id)))
