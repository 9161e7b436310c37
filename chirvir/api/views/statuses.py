"""Mastodon's statuses resource (/api/v1/statuses/...)."""

from django.utils.translation import gettext as _

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.core.errors import UnexpectedMentions
from chirvir.quotes import services as quotes
from chirvir.statuses import services


def _one(request, status):
    return json_response(serializers.statuses([status], request.account)[0])


def _text(params) -> str:
    """The `status` of a post or an edit, which may not come with a poll yet; empty only with media."""
    if params.get("poll") is not None:
        raise ApiError(422, _("Validation failed: this server does not take polls yet."))
    body = params.text("status", "")
    if not (body or "").strip() and not params.array("media_ids"):
        raise ApiError(422, "Validation failed: Text can't be blank")
    return body


@api(methods=("POST",), scopes={"POST": "write:statuses"})
def create(request, params):
    if params.get("scheduled_at"):
        raise ApiError(422, _("Validation failed: this server does not schedule posts yet."))
    body = _text(params)
    try:
        status = _post(request, params, body)
    except UnexpectedMentions as e:
        # Mastodon 4's answer: the error, and the accounts the post would have reached unasked.
        raise ApiError(422, e.message, unexpected_accounts=[serializers.account(a) for a in e.accounts]) from e
    return _one(request, status)


def _post(request, params, body):
    return services.post_status(
        request.account,
        body,
        visibility=params.text("visibility"),
        in_reply_to_id=params.text("in_reply_to_id") or None,
        language=params.text("language"),
        spoiler_text=params.text("spoiler_text", ""),
        sensitive=None if params.get("sensitive") is None else params.boolean("sensitive"),
        idempotency_key=request.headers.get("Idempotency-Key"),
        media_ids=params.array("media_ids"),
        quoted_status_id=params.text("quoted_status_id") or None,
        quote_approval_policy=params.text("quote_approval_policy"),
        allowed_mentions=params.array("allowed_mentions") if "allowed_mentions" in params.data else None,
    )


@api(
    methods=("GET", "PUT", "DELETE"),
    scopes={"GET": "read:statuses", "PUT": "write:statuses", "DELETE": "write:statuses"},
    user="optional",
)
def detail(request, params, status_id):
    if request.method != "GET" and request.account is None:
        raise ApiError(401, "The access token is invalid")
    if request.method == "PUT":
        status = services.edit_status(
            request.account,
            status_id,
            _text(params),
            spoiler_text=params.text("spoiler_text"),
            sensitive=None if params.get("sensitive") is None else params.boolean("sensitive"),
            language=params.text("language"),
            # Sent (even empty) replaces the media; not sent keeps them, as Mastodon's edit.
            media_ids=params.array("media_ids") if "media_ids" in params.data else None,
            quote_approval_policy=params.text("quote_approval_policy"),
        )
        return _one(request, status)
    if request.method == "DELETE":
        status = services.get_status(request.account, status_id)
        data = serializers.statuses([status], request.account)[0]  # before it is gone
        services.delete_status(request.account, status_id)
        return json_response({**data, "text": status.text})
    return _one(request, services.get_status(request.account, status_id))


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def context(request, params, status_id):
    ancestors, descendants = services.context(request.account, status_id)
    return json_response(
        {
            "ancestors": serializers.statuses(ancestors, request.account),
            "descendants": serializers.statuses(descendants, request.account),
        }
    )


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def history(request, params, status_id):
    return json_response(serializers.status_edits(services.history(request.account, status_id)))


@api(methods=("GET",), scopes={"GET": "read:statuses"})
def source(request, params, status_id):
    return json_response(serializers.status_source(services.get_status(request.account, status_id)))


def _action(service, scope):
    @api(methods=("POST",), scopes={"POST": scope})
    def view(request, params, status_id):
        return _one(request, service(request.account, status_id))

    return view


reblog = _action(services.reblog, "write:statuses")
unreblog = _action(services.unreblog, "write:statuses")
favourite = _action(services.favourite, "write:favourites")
unfavourite = _action(services.unfavourite, "write:favourites")
bookmark = _action(services.bookmark, "write:bookmarks")
unbookmark = _action(services.unbookmark, "write:bookmarks")
pin = _action(services.pin, "write:accounts")
unpin = _action(services.unpin, "write:accounts")


def _accounts(service):
    @api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
    def view(request, params, status_id):
        pairs = service(request.account, status_id, params.page(40))
        return json_response(
            [serializers.account(a) for _row, a in pairs], headers=link_header(request, pairs, cursor=lambda p: p[0])
        )

    return view


favourited_by = _accounts(services.favourited_by)
reblogged_by = _accounts(services.reblogged_by)


@api(methods=("GET",), scopes={"GET": "read:statuses"})
def quotes_of(request, params, status_id):
    """The posts quoting one's own post (Mastodon 4.5: for its author only)."""
    found = quotes.quotes_of(request.account, status_id, params.page(20))
    return json_response(serializers.statuses(found, request.account), headers=link_header(request, found))


@api(methods=("POST",), scopes={"POST": "write:statuses"})
def revoke_quote(request, params, status_id, quoting_id):
    return _one(request, quotes.revoke(request.account, status_id, quoting_id))


@api(methods=("PUT",), scopes={"PUT": "write:statuses"})
def interaction_policy(request, params, status_id):
    return _one(request, quotes.set_policy(request.account, status_id, params.text("quote_approval_policy")))


@api(methods=("POST",), scopes={"POST": "read:statuses"}, user="optional")
def translate(request, params, status_id):
    """No translation service is configured: Mastodon's answer then is 404, for every post."""
    services.get_status(request.account, status_id)
    raise ApiError(404, "Record not found")
