"""Mastodon's notifications resource: the list (v1, and v2 in groups), one notification or
group, the unread counts, markers, and the filtering policy with its requests."""

from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
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
        include_filtered=params.boolean("include_filtered"),
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


# The notification policy, v2 (accept / filter / drop for each kind of stranger) and v1
# (booleans: filter or accept), and the requests it holds back.
POLICY_V1 = {
    "filter_not_following": "for_not_following",
    "filter_not_followers": "for_not_followers",
    "filter_new_accounts": "for_new_accounts",
    "filter_private_mentions": "for_private_mentions",
}
POLICY_SCOPES = {"GET": "read:notifications", "PUT": "write:notifications", "PATCH": "write:notifications"}


@api(methods=("GET", "PUT", "PATCH"), scopes=POLICY_SCOPES)
def policy_v1(request, params):
    if request.method != "GET":
        changes = {v2: "filter" if params.boolean(v1) else "accept" for v1, v2 in POLICY_V1.items()
                   if params.get(v1) is not None}
        services.update_policy(request.account, **changes)
    policy = services.get_policy(request.account)
    requests_count, held = services.policy_summary(request.account)
    return json_response({
        **{v1: getattr(policy, v2) != "accept" for v1, v2 in POLICY_V1.items()},
        "summary": {"pending_requests_count": requests_count, "pending_notifications_count": held},
    })


@api(methods=("GET", "PUT", "PATCH"), scopes=POLICY_SCOPES)
def policy_v2(request, params):
    if request.method != "GET":
        services.update_policy(request.account, **{name: params.text(name) for name in services.POLICY_FIELDS})
    policy = services.get_policy(request.account)
    return json_response(serializers.notification_policy(policy, services.policy_summary(request.account)))


def _requests_json(request, found):
    statuses = {r.id: services.request_status(request.account, r) for r in found}
    return serializers.notification_requests(found, request.account, services.request_counts(found), statuses)


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def requests(request, params):
    """Notification requests: the strangers whose notifications the policy held back, newest first."""
    found = services.list_requests(request.account, params.page(40))
    return json_response(_requests_json(request, found), headers=link_header(request, found))


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def request_detail(request, params, request_id):
    return json_response(_requests_json(request, [services.get_request(request.account, request_id)])[0])


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def request_accept(request, params, request_id):
    services.accept_requests(request.account, [services.get_request(request.account, request_id).id])
    return json_response({})


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def request_dismiss(request, params, request_id):
    services.dismiss_requests(request.account, [services.get_request(request.account, request_id).id])
    return json_response({})


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def requests_accept(request, params):
    services.accept_requests(request.account, params.array("id"))
    return json_response({})


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def requests_dismiss(request, params):
    services.dismiss_requests(request.account, params.array("id"))
    return json_response({})


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def requests_merged(request, params):
    """Whether accepted requests have been merged into the notifications: accepting does it at once."""
    return json_response({"merged": True})


# Grouped notifications (v2, Mastodon 4.3)


def _grouped_types(params):
    return params.array("grouped_types") if "grouped_types" in params.data else services.GROUPED_TYPES


def _groups_json(request, params, groups):
    partial = params.text("expand_accounts") == "partial_avatars"
    return serializers.notification_groups(groups, request.account, partial_accounts=partial)


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def index_v2(request, params):
    page = params.page(40)
    groups = services.list_groups(
        request.account,
        page,
        grouped_types=_grouped_types(params),
        types=params.array("types"),
        exclude_types=params.array("exclude_types"),
        from_account_id=parse_id(params.text("account_id")) if params.text("account_id") else None,
        include_filtered=params.boolean("include_filtered"),
    )
    pages = [n for g in groups for n in g.notifications]
    pages.sort(key=lambda n: n.id, reverse=True)
    return json_response(_groups_json(request, params, groups), headers=link_header(request, pages))


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def group(request, params, group_key):
    return json_response(_groups_json(request, params, [services.get_group(request.account, group_key)]))


@api(methods=("POST",), scopes={"POST": "write:notifications"})
def group_dismiss(request, params, group_key):
    services.dismiss_group(request.account, group_key)
    return json_response({})


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def group_accounts(request, params, group_key):
    return json_response([serializers.account(a) for a in services.group_accounts(request.account, group_key)])


@api(methods=("GET",), scopes={"GET": "read:notifications"})
def unread_count_v2(request, params):
    limit = min(abs(params.integer("limit", 100)) or 100, 1000)
    count = services.unread_group_count(
        request.account,
        types=params.array("types"),
        exclude_types=params.array("exclude_types"),
        grouped_types=_grouped_types(params),
        limit=limit,
    )
    return json_response({"count": count})
