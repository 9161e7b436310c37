"""Mastodon's polls resource (/api/v1/polls/...): a poll as the viewer may see it, and voting."""

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response
from chirvir.polls import services


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def detail(request, params, poll_id):
    poll = services.get_poll(request.account, poll_id)
    return json_response(serializers.poll_of(poll.status, request.account))


@api(methods=("POST",), scopes={"POST": "write:statuses"})
def votes(request, params, poll_id):
    choices = params.array("choices")
    if not choices:
        raise ApiError(400, "param is missing or the value is empty: choices")
    poll = services.vote(request.account, poll_id, choices)
    return json_response(serializers.poll_of(poll.status, request.account))
