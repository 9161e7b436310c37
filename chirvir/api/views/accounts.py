"""Mastodon's accounts resource (/api/v1/accounts/...), blocks and mutes; beyond Mastodon, the
public lists an account shows on its profile."""

from chirvir.accounts import services
from chirvir.accounts.models import Account
from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
from chirvir.core.ids import parse_id
from chirvir.lists import services as lists
from chirvir.statuses.models import Tag
from chirvir.timelines import reads as timelines


def _accounts_page(request, pairs):
    """A page of accounts paged by the relation rows behind them (follows, blocks...)."""
    return json_response(
        [serializers.account(a) for _row, a in pairs], headers=link_header(request, pairs, cursor=lambda p: p[0])
    )


@api(methods=("GET",), scopes={"GET": "profile|read:accounts"})
def verify_credentials(request, params):
    return json_response(serializers.credential_account(request.account))


@api(methods=("PATCH", "POST", "PUT"), scopes={m: "write:accounts" for m in ("PATCH", "POST", "PUT")})
def update_credentials(request, params):
    changes = {name: params.text(name) for name in ("display_name", "note") if params.text(name) is not None}
    if params.get("locked") is not None:
        changes["locked"] = params.boolean("locked")
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
    if params.boolean("only_media"):
        return json_response([])  # Chirvir has no media yet
    found = timelines.account_statuses(
        request.account,
        author,
        params.page(),
        exclude_replies=params.boolean("exclude_replies"),
        exclude_reblogs=params.boolean("exclude_reblogs"),
        pinned=params.boolean("pinned"),
    )
    if tagged := params.text("tagged"):
        key = Tag.key(tagged.lstrip("#"))
        found = [s for s in found if key in {t.name for t in s.tags.all()}]
    return json_response(serializers.statuses(found, request.account), headers=link_header(request, found))


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def followers(request, params, account_id):
    return _accounts_page(request, services.followers(services.get_account(account_id), params.page(40)))


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def following(request, params, account_id):
    return _accounts_page(request, services.following(services.get_account(account_id), params.page(40)))


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
    lambda me, them, p: services.mute(me, them, notifications=p.boolean("notifications", True)), "write:mutes"
)
unmute = _relationship_action(lambda me, them, p: services.unmute(me, them), "write:mutes")


@api(methods=("GET",), scopes={"GET": "read:follows"})
def relationships(request, params):
    wanted = [i for i in (parse_id(x) for x in params.array("id")) if i is not None]
    by_id = {a.id: a for a in Account.objects.filter(id__in=wanted)}
    targets = [by_id[i] for i in wanted if i in by_id]
    return json_response(serializers.relationships(request.account, targets))


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def search(request, params):
    limit = min(abs(params.integer("limit", 40)) or 40, 80)
    found = services.search_accounts(params.text("q", ""), limit=limit, offset=max(params.integer("offset", 0), 0))
    return json_response([serializers.account(a) for a in found])


@api(methods=("GET",), scopes={"GET": "read:blocks"})
def blocks(request, params):
    return _accounts_page(request, services.blocks(request.account, params.page(40)))


@api(methods=("GET",), scopes={"GET": "read:mutes"})
def mutes(request, params):
    return _accounts_page(request, services.mutes(request.account, params.page(40)))


@api(methods=("GET",), scopes={"GET": "read:lists"})
def lists_holding(request, params, account_id):
    """The caller's lists that hold the account."""
    return json_response(serializers.lists(lists.lists_holding(request.account, services.get_account(account_id))))


@api(methods=("GET",), scopes={"GET": "read:lists"}, user="optional")
def public_lists(request, params, account_id):
    return json_response(serializers.lists(lists.public_lists_of(request.account, services.get_account(account_id))))
