"""Mastodon's profile resource: taking the avatar or the header off one's profile."""

from chirvir.accounts import services
from chirvir.api import serializers
from chirvir.api.base import api, json_response


def _removal(field: str):
    @api(methods=("DELETE",), scopes={"DELETE": "write:accounts"})
    def view(request, params):
        services.remove_image(request.account, field)
        request.account.refresh_from_db()
        return json_response(serializers.credential_account(request.account))

    return view


avatar = _removal("avatar")
header = _removal("header")
