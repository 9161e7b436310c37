"""Mastodon's accounts resource (/api/v1/accounts/...), blocks and mutes; beyond Mastodon, the
public lists an account shows on its profile."""

import copy

from chirvir.accounts import services
from chirvir.accounts.models import Account
from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.core.ids import parse_id
from chirvir.lists import services as lists
from chirvir.search import services as search_services
from chirvir.timelines import reads as timelines

MAX_TARGETS = 80  # accounts one relationships or familiar_followers request may ask about


def _accounts_page(request, pairs):
    """A page of accounts paged by the relation rows behind them (follows, blocks...)."""
    return json_response(
        [serializers.account(a) for _row, a in pairs], headers=link_header(request, pairs, cursor=lambda p: p[0])
    )


@api(methods=("GET",), scopes={"GET": "profile|read:accounts"})
def verify_credentials(request, params):
    return json_response(serializers.credential_account(request.account))


# What Chirvir does not have, with the one value that matches what it does: asking for another
# is refused (422), never silently dropped.
FIXED = {"hide_collections": False, "indexable": True}


def _within(params, name: str):
    """The parameters nested under `name` (`source[privacy]`, or a JSON object), read alike."""
    nested = copy.copy(params)
    value = params.data.get(name)
    nested.data = value if isinstance(value, dict) else {}
    return nested


def _profile_fields(params) -> list[tuple[str, str]] | None:
    """`fields_attributes` as (name, value) pairs in order: a form sends `[0][name]`..., JSON a
    list or an object keyed by position."""
    given = params.data.get("fields_attributes")
    if given is None:
        return None
    if isinstance(given, dict):
        try:
            given = [given[key] for key in sorted(given, key=int)]
        except ValueError:
            raise ApiError(400, "fields_attributes must be keyed by position") from None
    if not isinstance(given, list) or not all(isinstance(field, dict) for field in given):
        raise ApiError(400, "fields_attributes must be a list of name and value")
    return [(_field_text(field, "name"), _field_text(field, "value")) for field in given]


def _field_text(field: dict, key: str) -> str:
    value = field.get(key, "")
    if not isinstance(value, str):
        raise ApiError(400, f"fields_attributes {key} must be text")
    return value


@api(methods=("PATCH", "POST", "PUT"), scopes={m: "write:accounts" for m in ("PATCH", "POST", "PUT")})
def update_credentials(request, params):
    changes = {name: params.text(name) for name in ("display_name", "note") if params.text(name) is not None}
    for flag in ("locked", "bot", "discoverable"):
        if params.get(flag) is not None:
            changes[flag] = params.boolean(flag)
    for name, fixed in FIXED.items():
        if params.get(name) is not None and params.boolean(name) != fixed:
            raise ApiError(422, f"Validation failed: this server does not support {name}={str(not fixed).lower()}")
    source = _within(params, "source")
    if source.get("privacy") is not None:
        changes["default_visibility"] = source.text("privacy")
    if source.get("sensitive") is not None:
        changes["default_sensitive"] = source.boolean("sensitive")
    if source.get("language") is not None:
        changes["posting_language"] = source.text("language")
    if source.get("quote_policy") is not None:
        changes["default_quote_policy"] = source.text("quote_policy")
    if (fields := _profile_fields(params)) is not None:
        changes["profile_fields"] = fields
    for image in ("avatar", "header"):
        if image in params.files:
            changes[image] = params.files[image]
    services.update_profile(request.account, **changes)
    request.account.refresh_from_db()
    return json_response(serializers.credential_account(request.account))


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def lookup(request, params):
    return json_response(serializers.account(services.lookup(params.required("acct"))))


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def detail(request, params, account_id):
    return json_response(serializers.account(services.get_account(account_id)))


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def statuses(request, params, account_id):
    author = services.get_account(account_id)
    found = timelines.account_statuses(
        request.account,
        author,
        params.page(),
        exclude_replies=params.boolean("exclude_replies"),
        exclude_reblogs=params.boolean("exclude_reblogs"),
        pinned=params.boolean("pinned"),
        tagged=params.text("tagged"),
        only_media=params.boolean("only_media"),
    )
    return json_response(serializers.statuses(found, request.account, "account"), headers=link_header(request, found))


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def followers(request, params, account_id):
    found = services.followers_seen_by(request.account, services.get_account(account_id), params.page(40))
    return _accounts_page(request, found)


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def following(request, params, account_id):
    found = services.following_seen_by(request.account, services.get_account(account_id), params.page(40))
    return _accounts_page(request, found)


def _relationship_action(action, scope):
    @api(methods=("POST",), scopes={"POST": scope})
    def view(request, params, account_id):
        target = services.get_account(account_id)
        action(request.account, target, params)
        return json_response(serializers.relationship(request.account, target))

    return view


follow = _relationship_action(
    lambda me, them, p: services.follow(
        me, them, reblogs=p.boolean("reblogs", True), notify_posts=p.boolean("notify", False)
    ),
    "write:follows",
)
unfollow = _relationship_action(lambda me, them, p: services.unfollow(me, them), "write:follows")
block = _relationship_action(lambda me, them, p: services.block(me, them), "write:blocks")
unblock = _relationship_action(lambda me, them, p: services.unblock(me, them), "write:blocks")
mute = _relationship_action(
    lambda me, them, p: services.mute(
        me, them, notifications=p.boolean("notifications", True), duration=p.integer("duration", 0)
    ),
    "write:mutes",
)
unmute = _relationship_action(lambda me, them, p: services.unmute(me, them), "write:mutes")
endorse = _relationship_action(lambda me, them, p: services.endorse(me, them), "write:accounts")
unendorse = _relationship_action(lambda me, them, p: services.unendorse(me, them), "write:accounts")
note = _relationship_action(lambda me, them, p: services.set_note(me, them, p.text("comment", "")), "write:accounts")
remove_from_followers = _relationship_action(
    lambda me, them, p: services.remove_from_followers(me, them), "write:follows"
)


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def endorsements(request, params, account_id):
    """The accounts an account features on its profile (public, as its profile shows them)."""
    return _accounts_page(request, services.endorsements(services.get_account(account_id), params.page(40)))


@api(methods=("GET",), scopes={"GET": "read:follows"})
def relationships(request, params):
    return json_response(serializers.relationships(request.account, _targets(params)))


def _targets(params) -> list[Account]:
    """The accounts named by `id[]` (or a bare `id`), in the order asked, unknown ones left out."""
    wanted = [i for i in (parse_id(x) for x in params.array("id")) if i is not None][:MAX_TARGETS]
    by_id = {a.id: a for a in Account.objects.filter(id__in=wanted)}
    return [by_id[i] for i in dict.fromkeys(wanted) if i in by_id]


@api(methods=("GET",), scopes={"GET": "read:follows"})
def familiar_followers(request, params):
    targets = _targets(params)
    found = services.familiar_followers(request.account, targets)
    return json_response(
        [{"id": str(t.id), "accounts": [serializers.account(a) for a in found[t.id]]} for t in targets]
    )


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def search(request, params):
    found = search_services.search(
        request.account,
        params.text("q", ""),
        type="accounts",
        following=params.boolean("following"),
        page=params.page(40),
        offset=max(params.integer("offset", 0), 0),
    )
    return json_response([serializers.account(a) for a in found.accounts])


@api(methods=("GET",), scopes={"GET": "read:blocks"})
def blocks(request, params):
    return _accounts_page(request, services.blocks(request.account, params.page(40)))


@api(methods=("GET",), scopes={"GET": "read:mutes"})
def mutes(request, params):
    found = services.mutes(request.account, params.page(40))
    return json_response(serializers.muted_accounts(found), headers=link_header(request, found))



@api(methods=("GET",), scopes={"GET": "read:lists"})
def lists_holding(request, params, account_id):
    """The caller's lists that hold the account."""
    return json_response(serializers.lists(lists.lists_holding(request.account, services.get_account(account_id))))


@api(methods=("GET",), scopes={"GET": "read:lists"}, user="optional")
def public_lists(request, params, account_id):
    return json_response(serializers.lists(lists.public_lists_of(request.account, services.get_account(account_id))))


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def identity_proofs(request, params, account_id):
    """Mastodon keeps this path, with no identity providers left, answering an empty list."""
    services.get_account(account_id)
    return json_response([])
