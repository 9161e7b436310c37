"""Mastodon's reports resource: report an account (and some of its posts) to the moderators."""

from chirvir.accounts import services as accounts
from chirvir.api import serializers
from chirvir.api.base import api, json_response
from chirvir.moderation import services


@api(methods=("POST",), scopes={"POST": "write:reports"})
def create(request, params):
    made = services.report(
        request.account,
        accounts.get_account(params.required("account_id")),
        status_ids=params.array("status_ids"),
        category=params.text("category") or "other",
        comment=params.text("comment") or "",
        rule_ids=params.array("rule_ids"),
        forward=params.boolean("forward"),
    )
    return json_response(serializers.report(made))
