"""Mastodon's endorsements resource: the accounts the caller features on its profile."""

from chirvir.accounts import services
from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def index(request, params):
    found = services.endorsements(request.account, params.page(40))
    headers = link_header(request, found, cursor=lambda pair: pair[0])
    return json_response([serializers.account(a) for _row, a in found], headers=headers)
