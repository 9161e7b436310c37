"""Mastodon's follow_requests resource: a protected account's waiting followers."""

from chirvir.accounts import services
from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header


@api(methods=("GET",), scopes={"GET": "read:follows"})
def index(request, params):
    pairs = services.follow_requests(request.account, params.page(40))
    return json_response(
        [serializers.account(a) for _row, a in pairs], headers=link_header(request, pairs, cursor=lambda p: p[0])
    )


@api(methods=("POST",), scopes={"POST": "write:follows"})
def authorize(request, params, account_id):
    requester = services.get_account(account_id)
    services.approve_follow_request(request.account, requester)
    return json_response(serializers.relationship(request.account, requester))


@api(methods=("POST",), scopes={"POST": "write:follows"})
def reject(request, params, account_id):
    requester = services.get_account(account_id)
    services.reject_follow_request(request.account, requester)
    return json_response(serializers.relationship(request.account, requester))
