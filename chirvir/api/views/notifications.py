"""Mastodon's notifications resource: the list, one notification, the unread count, markers, and
the filtering policy and requests of a server that filters nothing."""

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.core.ids import parse_id
from chirvir.notifications import services


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def index(request, params):
    found = services.list_notifications(
        request.account,
        params.page(40),
        types=params.array("types"),
        exclude_types=params.array("exclude_types"),
        from_account_id=parse_id(params.text("account_id")) if params.text("account_id") else None,
    )
    return json_response(serializers.notifications(found, request.account), headers=link_header(request, found))


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def detail(request, params, notification_id):
    found = services.get_notification(request.account, notification_id)
    return json_response(serializers.notifications([found], request.account)[0])


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def dismiss(request, params, notification_id):
    services.dismiss(request.account, notification_id)
    return json_response({})


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def clear(request, params):
    services.clear(request.account)
    return json_response({})


@api(methods=("GET", "POST"), scopes={"GET": "read:statuses", "POST": "write:statuses"})
def markers(request, params):
    if request.method == "GET":
        found = services.get_markers(request.account, params.array("timeline"))
        return json_response({name: serializers.marker(m) for name, m in found.items()})
    saved = {}
    for timeline in ("home", "notifications"):
        last_read = params.get(timeline)
        if isinstance(last_read, dict) and parse_id(last_read.get("last_read_id")):
            saved[timeline] = services.set_marker(request.account, timeline, parse_id(last_read["last_read_id"]))
    return json_response({name: serializers.marker(m) for name, m in saved.items()})


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def unread_count(request, params):
    limit = min(abs(params.integer("limit", 100)) or 100, 1000)  # Mastodon's default and cap
    count = services.unread_count(
        request.account, types=params.array("types"), exclude_types=params.array("exclude_types"), limit=limit
    )
    return json_response({"count": count})


# Chirvir filters no notification: the policy Mastodon answers for that is "accept" everywhere,
# with nothing waiting. A change that asks for filtering is refused, never silently dropped.
POLICY_V1 = ("filter_not_following", "filter_not_followers", "filter_new_accounts", "filter_private_mentions")
POLICY_V2 = (
    "for_not_following", "for_not_followers", "for_new_accounts", "for_private_mentions", "for_limited_accounts"
)
POLICY_SCOPES = {"GET": "read:notifications", "PUT": "write:notifications", "PATCH": "write:notifications"}
NO_REQUESTS = {"pending_requests_count": 0, "pending_notifications_count": 0}


def _refuse_filtering(params, names, accepted):
    for name in names:
        if params.get(name) is not None and not accepted(name):
            raise ApiError(422, "Validation failed: this server does not filter notifications")


@api(methods=("GET", "PUT", "PATCH"), scopes=POLICY_SCOPES)
def policy_v1(request, params):
    if request.method != "GET":
        _refuse_filtering(params, POLICY_V1, lambda name: not params.boolean(name))
    return json_response({**{name: False for name in POLICY_V1}, "summary": NO_REQUESTS})


@api(methods=("GET", "PUT", "PATCH"), scopes=POLICY_SCOPES)
def policy_v2(request, params):
    if request.method != "GET":
        _refuse_filtering(params, POLICY_V2, lambda name: params.text(name) == "accept")
    return json_response({**{name: "accept" for name in POLICY_V2}, "summary": NO_REQUESTS})


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def requests(request, params):
    """Notification requests: those a policy held back, and none is."""
    return json_response([])


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def requests_merged(request, params):
    """Whether accepted requests have been merged into the notifications: with none, always."""
    return json_response({"merged": True})
