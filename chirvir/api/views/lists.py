"""Mastodon's lists resource (/api/v1/lists/...), and beyond Mastodon: reading and subscribing to
another person's public list (GET of a public list and its members, /subscribe, /subscribed)."""

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.lists import services


def _one(lst):
    return json_response(serializers.lists([lst])[0])


def _settings(params) -> dict:
    """A list's settings as sent; those not sent stay as they are (or take their defaults)."""
    changes = {"title": params.text("title"), "replies_policy": params.text("replies_policy") or None}
    for name in ("exclusive", "public"):
        if params.get(name) is not None:
            changes[name] = params.boolean(name)
    return changes


def _user(request):
    if request.account is None:
        raise ApiError(401, "The access token is invalid")
    return request.account


@api(methods=("GET", "POST"), scopes={"GET": "read:lists", "POST": "write:lists"})
def index(request, params):
    if request.method == "POST":
        changes = _settings(params)
        title = changes.pop("title")
        return _one(services.create_list(request.account, title, **{k: v for k, v in changes.items() if v is not None}))
    return json_response(serializers.lists(services.lists_of(request.account)))


@api(
    methods=("GET", "PUT", "DELETE"),
    scopes={"GET": "read:lists", "PUT": "write:lists", "DELETE": "write:lists"},
    user="optional",
)
def detail(request, params, list_id):
    if request.method == "PUT":
        return _one(services.update_list(_user(request), list_id, **_settings(params)))
    if request.method == "DELETE":
        services.delete_list(_user(request), list_id)
        return json_response({})
    return _one(services.readable_list(request.account, list_id))


@api(
    methods=("GET", "POST", "DELETE"),
    scopes={"GET": "read:lists", "POST": "write:lists", "DELETE": "write:lists"},
    user="optional",
)
def accounts(request, params, list_id):
    if request.method == "POST":
        services.add_members(_user(request), list_id, params.array("account_ids"))
        return json_response({})
    if request.method == "DELETE":
        services.remove_members(_user(request), list_id, params.array("account_ids"))
        return json_response({})
    lst = services.readable_list(request.account, list_id)
    # As Mastodon: `limit=0` is every member at once, without paging.
    page = None if params.integer("limit", 40) == 0 else params.page(40)
    pairs = services.members(lst, page)
    headers = link_header(request, pairs, cursor=lambda p: p[0]) if page is not None else {}
    return json_response([serializers.account(a) for _row, a in pairs], headers=headers)


@api(methods=("POST", "DELETE"), scopes={"POST": "write:lists", "DELETE": "write:lists"})
def subscribe(request, params, list_id):
    if request.method == "DELETE":
        services.unsubscribe(request.account, list_id)
        return json_response({})
    return _one(services.subscribe(request.account, list_id))


@api(methods=("GET",), scopes={"GET": "read:lists"})
def subscribed(request, params):
    return json_response(serializers.lists(services.subscribed_lists(request.account)))
