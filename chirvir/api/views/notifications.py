"""Mastodon's notifications resource."""

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
