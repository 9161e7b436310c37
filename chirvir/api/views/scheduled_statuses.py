"""Mastodon's scheduled_statuses resource (/api/v1/scheduled_statuses/...): the posts waiting to
be published, moved to another time or cancelled."""

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.scheduled import services


@api(methods=("GET",), scopes={"GET": "read:statuses"})
def index(request, params):
    items = services.list_scheduled(request.account, params.page(20))
    return json_response(serializers.scheduled_statuses(items), headers=link_header(request, items))


@api(
    methods=("GET", "PUT", "DELETE"),
    scopes={"GET": "read:statuses", "PUT": "write:statuses", "DELETE": "write:statuses"},
)
def detail(request, params, scheduled_id):
    if request.method == "PUT":
        value = params.text("scheduled_at")
        if not value:
            raise ApiError(400, "param is missing or the value is empty: scheduled_at")
        scheduled = services.reschedule(request.account, scheduled_id, services.parse_time(value))
        return json_response(serializers.scheduled_statuses([scheduled])[0])
    if request.method == "DELETE":
        services.cancel(request.account, scheduled_id)
        return json_response({})
    return json_response(serializers.scheduled_statuses([services.get_scheduled(request.account, scheduled_id)])[0])
