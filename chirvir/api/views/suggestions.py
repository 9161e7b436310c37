"""Mastodon's suggestions resource: whom to follow (v2 says why; v1 lists the accounts alone),
and dismissing a suggestion."""

from chirvir.accounts import discovery
from chirvir.accounts import services as accounts
from chirvir.api import serializers
from chirvir.api.base import api, json_response

MAX_LIMIT = 80


def _found(request, params):
    return discovery.suggestions(request.account, min(max(params.integer("limit", 40), 1), MAX_LIMIT))


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def index_v1(request, params):
    return json_response([serializers.account(s.account) for s in _found(request, params)])


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def index_v2(request, params):
    return json_response(serializers.suggestions(_found(request, params)))


@api(methods=("DELETE",), scopes={"DELETE": "write:accounts"})
def dismiss(request, params, account_id):
    discovery.dismiss_suggestion(request.account, accounts.get_account(account_id))
    return json_response({})
