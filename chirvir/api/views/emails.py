"""Mastodon's emails resource: resend the link that confirms the account's e-mail address."""

from chirvir.accounts import confirmation
from chirvir.accounts import services as accounts
from chirvir.api.base import api, json_response


@api(methods=("POST",), scopes={"POST": "write:accounts"})
def confirmations(request, params):
    """With `email`, the address changes first (and the link goes there), as Mastodon's."""
    if params.text("email"):
        accounts.update_profile(request.account, email=params.text("email"))
    confirmation.send_confirmation(request.account)
    return json_response({})


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def check_confirmation(request, params):
    """Whether the account's e-mail address is confirmed (Mastodon 4.4)."""
    return json_response(request.account.email_confirmed_at is not None)
