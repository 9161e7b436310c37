"""Mastodon's statuses resource (/api/v1/statuses/...)."""

from django.utils.translation import gettext as _

from chirvir.api import serializers
from chirvir.api.base import FALSE, TRUE, ApiError, api, json_response, link_header
from chirvir.core.errors import UnexpectedMentions
from chirvir.polls import services as polls
from chirvir.quotes import services as quotes
from chirvir.scheduled import services as scheduling
from chirvir.statuses import services


def _one(request, status, context=None):
    return json_response(serializers.statuses([status], request.account, context, keep_hidden=True)[0])


def _text(params) -> str:
    """The `status` of a post or an edit; empty only with media."""
    body = params.text("status", "")
    if not (body or "").strip() and not params.array("media_ids"):
        raise ApiError(422, "Validation failed: Text can't be blank")
    return body


def _flag(poll: dict, name: str) -> bool:
    value = poll.get(name, False)
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in TRUE | FALSE:
        return str(value).strip().lower() in TRUE
    raise ApiError(400, _("The parameter %(name)s must be true or false.") % {"name": f"poll[{name}]"})


def _poll(params) -> polls.PollDraft | None:
    """`poll[options][]`, `poll[expires_in]`, `poll[multiple]`, `poll[hide_totals]` (a form's
    nesting or a JSON object), checked by the poll rules; None without a poll."""
    poll = params.data.get("poll")
    if poll is None or poll == "":
        return None
    if not isinstance(poll, dict):
        raise ApiError(400, _("The parameter %(name)s has the wrong type.") % {"name": "poll"})
    options = poll.get("options")
    options = options if isinstance(options, list) else [] if options is None else [options]
    if not all(isinstance(o, (str, int, float)) and not isinstance(o, bool) for o in options):
        raise ApiError(400, _("The parameter %(name)s must be text.") % {"name": "poll[options][]"})
    expires_in = poll.get("expires_in")
    if isinstance(expires_in, (dict, list, bool)):
        raise ApiError(400, _("The parameter %(name)s must be a number.") % {"name": "poll[expires_in]"})
    return polls.draft(options, expires_in, multiple=_flag(poll, "multiple"), hide_totals=_flag(poll, "hide_totals"))


@api(methods=("POST",), scopes={"POST": "write:statuses"})
def create(request, params):
    body = _text(params)
    post = dict(
        visibility=params.text("visibility"),
        in_reply_to_id=params.text("in_reply_to_id") or None,
        language=params.text("language"),
        spoiler_text=params.text("spoiler_text", ""),
        sensitive=None if params.get("sensitive") is None else params.boolean("sensitive"),
        media_ids=params.array("media_ids"),
        poll=_poll(params),
    )
    if params.text("scheduled_at"):
        # A scheduled post answers with the ScheduledStatus, as Mastodon's does.
        scheduled_at = scheduling.parse_time(params.text("scheduled_at"))
        scheduled = scheduling.schedule_status(request.account, body, scheduled_at, **post)
        return json_response(serializers.scheduled_statuses([scheduled])[0])
    try:
        status = services.post_status(
            request.account,
            body,
            idempotency_key=request.headers.get("Idempotency-Key"),
            quoted_status_id=params.text("quoted_status_id") or None,
            quote_approval_policy=params.text("quote_approval_policy"),
            allowed_mentions=params.array("allowed_mentions") if "allowed_mentions" in params.data else None,
            **post,
        )
    except UnexpectedMentions as e:
        # Mastodon 4's answer: the error, and the accounts the post would have reached unasked.
        raise ApiError(422, e.message, unexpected_accounts=[serializers.account(a) for a in e.accounts]) from e
    return _one(request, status)


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
            # Not sent removes the poll, as Mastodon's edit does.
            poll=_poll(params),
            quote_approval_policy=params.text("quote_approval_policy"),
        )
        return _one(request, status)
    if request.method == "DELETE":
        status = services.get_status(request.account, status_id)
        data = serializers.statuses([status], request.account)[0]  # before it is gone
        services.delete_status(request.account, status_id)
        return json_response({**data, "text": status.text})
    return _one(request, services.get_status(request.account, status_id), "thread")


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def context(request, params, status_id):
    ancestors, descendants = services.context(request.account, status_id)
    return json_response(
        {
            "ancestors": serializers.statuses(ancestors, request.account, "thread"),
            "descendants": serializers.statuses(descendants, request.account, "thread"),
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
mute = _action(services.mute_conversation, "write:mutes")
unmute = _action(services.unmute_conversation, "write:mutes")


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
