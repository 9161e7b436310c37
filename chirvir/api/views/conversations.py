"""Mastodon's conversations resource: direct messages."""

from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
from chirvir.statuses import services


@api(methods=("GET",), scopes={"GET": "read:statuses"})
def index(request, params):
    found = services.list_conversations(request.account, params.page())
    return json_response(
        serializers.conversations(found, request.account),
        headers=link_header(request, found, cursor=lambda c: c.last_status_id),
    )


@api(methods=("DELETE",), scopes={"DELETE": "write:conversations"})
def detail(request, params, conversation_id):
    services.remove_conversation(request.account, conversation_id)
    return json_response({})


@api(methods=("POST",), scopes={"POST": "write:conversations"})
def read(request, params, conversation_id):
    conversation = services.mark_conversation_read(request.account, conversation_id)
    return json_response(serializers.conversations([conversation], request.account)[0])


@api(methods=("POST",), scopes={"POST": "write:conversations"})
def unread(request, params, conversation_id):
    conversation = services.mark_conversation_read(request.account, conversation_id, unread=True)
    return json_response(serializers.conversations([conversation], request.account)[0])
