"""Mastodon's admin API (accounts, reports, and the blocks: e-mail domains, IP addresses, canonical
e-mail addresses): what moderators do from an app, under the admin:read and admin:write scopes,
for staff accounts only. Each action is a moderation service."""

from django.db.models import Q

from chirvir.accounts import services as accounts
from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.core.paging import paginate
from chirvir.moderation import blocks, measures, services
from chirvir.statuses.models import Status, Tag
from chirvir.trends import services as trends
from chirvir.trends.models import Trend, TrendKind

READ_ACCOUNTS = {"GET": "admin:read:accounts"}
WRITE_ACCOUNTS = {"POST": "admin:write:accounts"}
READ_REPORTS = {"GET": "admin:read:reports"}
WRITE_REPORTS = {"POST": "admin:write:reports"}


def _moderator(request) -> None:
    if not services.is_moderator(request.account):
        raise ApiError(403, "This action is not allowed")


def _accounts_page(request, params, qs):
    qs = qs.order_by("-id")
    username, email = params.text("username"), params.text("email")
    if username:
        qs = qs.filter(username__icontains=username)
    if email:
        qs = qs.filter(email__icontains=email)
    items = paginate(qs, params.page(100))
    return json_response([serializers.admin_account(a) for a in items], headers=link_header(request, items))


@api(methods=("GET",), scopes=READ_ACCOUNTS)
def accounts_v1(request, params):
    _moderator(request)
    qs = accounts.Account.objects.all()
    if params.boolean("pending"):
        qs = services.pending()
    if params.boolean("active"):
        qs = qs.filter(is_active=True)
    if params.boolean("suspended"):
        qs = qs.filter(suspended_at__isnull=False)
    if params.boolean("silenced"):
        qs = qs.filter(silenced_at__isnull=False)
    if params.boolean("sensitized"):
        qs = qs.filter(sensitized_at__isnull=False)
    if params.boolean("staff"):
        qs = qs.filter(Q(is_staff=True) | Q(is_superuser=True))
    if params.boolean("remote"):
        qs = qs.none()  # every account here is local
    return _accounts_page(request, params, qs)


STATUS_FILTERS = {
    "active": Q(is_active=True),
    "pending": Q(is_active=False, suspended_at__isnull=True),
    "suspended": Q(suspended_at__isnull=False),
    "silenced": Q(silenced_at__isnull=False),
    "sensitized": Q(sensitized_at__isnull=False),
    "disabled": Q(pk__in=[]),  # Chirvir does not disable log-ins apart from suspending
}


@api(methods=("GET",), scopes=READ_ACCOUNTS)
def accounts_v2(request, params):
    _moderator(request)
    qs = accounts.Account.objects.all()
    status = params.text("status")
    if status:
        if status not in STATUS_FILTERS:
            raise ApiError(422, "status must be one of " + ", ".join(STATUS_FILTERS))
        qs = qs.filter(STATUS_FILTERS[status])
    if params.text("origin") == "remote":
        qs = qs.none()
    if params.text("permissions") == "staff":
        qs = qs.filter(Q(is_staff=True) | Q(is_superuser=True))
    return _accounts_page(request, params, qs)


@api(methods=("GET",), scopes=READ_ACCOUNTS)
def account_detail(request, params, account_id):
    _moderator(request)
    return json_response(serializers.admin_account(accounts.get_account(account_id)))


def _account_action(service):
    @api(methods=("POST",), scopes=WRITE_ACCOUNTS)
    def view(request, params, account_id):
        _moderator(request)
        target = accounts.get_account(account_id)
        before = serializers.admin_account(target)  # a rejected sign-up is gone after
        service(request.account, target, params.text("text") or "")
        if service is services.reject:
            return json_response(before)
        return json_response(serializers.admin_account(accounts.get_account(account_id)))

    view.__name__ = view.__qualname__ = service.__name__
    return view


approve = _account_action(services.approve)
reject = _account_action(services.reject)
unsilence = _account_action(services.unsilence)
unsuspend = _account_action(services.unsuspend)
unsensitize = _account_action(services.unsensitize)


ACTION_TYPES = {"none", "sensitive", "silence", "suspend"}


@api(methods=("POST",), scopes=WRITE_ACCOUNTS)
def action(request, params, account_id):
    """Mastodon's account action: type none, sensitive, disable, silence or suspend, with a
    text (the note), and a report_id it resolves."""
    _moderator(request)
    target = accounts.get_account(account_id)
    kind = params.text("type") or "none"
    if kind == "disable":
        raise ApiError(422, "Chirvir does not disable log-ins apart from suspending: use suspend")
    if kind not in ACTION_TYPES:
        raise ApiError(422, "type must be one of none, sensitive, disable, silence or suspend")
    made = services.get_report(params.text("report_id")) if params.text("report_id") else None
    if made is not None and made.target_id != target.id:
        raise ApiError(422, "The report is not about this account")
    note = params.text("text") or ""
    if made is not None:
        services.resolve(request.account, made, note, action=kind)
    else:
        services.act(request.account, target, kind, note)
    return json_response({})


@api(methods=("POST",), scopes=WRITE_ACCOUNTS)
def enable(request, params, account_id):
    # Nothing is ever disabled apart from suspension (see `action`): enabling changes nothing.
    _moderator(request)
    return json_response(serializers.admin_account(accounts.get_account(account_id)))


@api(methods=("GET",), scopes=READ_REPORTS)
def reports(request, params):
    _moderator(request)
    qs = services.reports(
        resolved=params.boolean("resolved"),
        account_id=params.text("account_id"),
        target_account_id=params.text("target_account_id"),
    )
    items = paginate(qs, params.page(100))
    return json_response([serializers.admin_report(r) for r in items], headers=link_header(request, items))


@api(methods=("GET",), scopes=READ_REPORTS)
def report_detail(request, params, report_id):
    _moderator(request)
    return json_response(serializers.admin_report(services.get_report(report_id)))


def _report_action(change):
    @api(methods=("POST",), scopes=WRITE_REPORTS)
    def view(request, params, report_id):
        _moderator(request)
        made = change(request, params, services.get_report(report_id))
        return json_response(serializers.admin_report(services.get_report(made.id)))

    view.__name__ = view.__qualname__ = change.__name__
    return view


@_report_action
def assign_to_self(request, params, made):
    return services.assign(request.account, made, request.account)


@_report_action
def unassign(request, params, made):
    return services.assign(request.account, made, None)


@_report_action
def resolve(request, params, made):
    return services.resolve(request.account, made, params.text("text") or "")


@_report_action
def reopen(request, params, made):
    return services.reopen(request.account, made, params.text("text") or "")


# The moderators' blocks: e-mail domains, canonical e-mail addresses, IP addresses and networks
# (chirvir.moderation.blocks), and Mastodon's federation domain blocks, which Chirvir has not.
# Chirvir's scopes name no block kinds: admin:read and admin:write (which apps ask for) cover them.
READ_WRITE = {"GET": "admin:read", "POST": "admin:write", "PUT": "admin:write", "DELETE": "admin:write"}


def _listed(request, params, qs, serialize):
    items = paginate(qs, params.page(100))
    return json_response([serialize(b) for b in items], headers=link_header(request, items))


@api(methods=("GET", "POST"), scopes=READ_WRITE)
def email_domain_blocks(request, params):
    _moderator(request)
    if request.method == "POST":
        made = blocks.block_email_domain(params.required("domain"))
        return json_response(serializers.admin_email_domain_block(made))
    return _listed(request, params, blocks.email_domain_blocks(), serializers.admin_email_domain_block)


@api(methods=("GET", "DELETE"), scopes=READ_WRITE)
def email_domain_block(request, params, block_id):
    _moderator(request)
    found = blocks.get_email_domain_block(block_id)
    if request.method == "DELETE":
        found.delete()
        return json_response({})
    return json_response(serializers.admin_email_domain_block(found))


@api(methods=("GET", "POST"), scopes=READ_WRITE)
def ip_blocks(request, params):
    _moderator(request)
    if request.method == "POST":
        made = blocks.block_ip(
            params.text("ip") or "",
            params.text("severity") or "",
            params.text("comment") or "",
            params.integer("expires_in"),
        )
        return json_response(serializers.admin_ip_block(made))
    return _listed(request, params, blocks.ip_blocks(), serializers.admin_ip_block)


@api(methods=("GET", "PUT", "DELETE"), scopes=READ_WRITE)
def ip_block(request, params, block_id):
    _moderator(request)
    found = blocks.get_ip_block(block_id)
    if request.method == "DELETE":
        blocks.unblock_ip(found)
        return json_response({})
    if request.method == "PUT":
        found = blocks.change_ip_block(
            found,
            ip=params.text("ip") or None,
            severity=params.text("severity") or None,
            comment=params.text("comment"),
            expires_in=params.integer("expires_in"),
        )
    return json_response(serializers.admin_ip_block(found))


@api(methods=("GET", "POST"), scopes=READ_WRITE)
def canonical_email_blocks(request, params):
    _moderator(request)
    if request.method == "POST":
        made = blocks.block_canonical_email(
            email=params.text("email") or "", canonical_email_hash=params.text("canonical_email_hash") or ""
        )
        return json_response(serializers.admin_canonical_email_block(made))
    return _listed(request, params, blocks.canonical_email_blocks(), serializers.admin_canonical_email_block)


@api(methods=("POST",), scopes=READ_WRITE)
def canonical_email_blocks_test(request, params):
    """Which blocks an address falls under (an empty list: none)."""
    _moderator(request)
    found = blocks.canonical_blocks_of(params.required("email"))
    return json_response([serializers.admin_canonical_email_block(b) for b in found])


@api(methods=("GET", "DELETE"), scopes=READ_WRITE)
def canonical_email_block(request, params, block_id):
    _moderator(request)
    found = blocks.get_canonical_email_block(block_id)
    if request.method == "DELETE":
        found.delete()
        return json_response({})
    return json_response(serializers.admin_canonical_email_block(found))


NO_FEDERATION = "Chirvir does not federate: there are no other servers to block"


@api(methods=("GET", "POST"), scopes=READ_WRITE)
def domain_blocks(request, params):
    """Mastodon's blocks of other servers: none exist here, and none can be made."""
    _moderator(request)
    if request.method == "POST":
        raise ApiError(422, NO_FEDERATION)
    return json_response([])


@api(methods=("GET", "PUT", "DELETE"), scopes=READ_WRITE)
def domain_block(request, params, block_id):
    _moderator(request)
    raise ApiError(404, "Record not found")


# Trends under review (chirvir.trends): every computed place, hidden ones too; approve shows a
# hidden one again, reject hides it. Nothing waits for review: Chirvir shows what it computes.
READ_TRENDS = {"GET": "admin:read"}
WRITE_TRENDS = {"POST": "admin:write"}


def _trend_window(params, default):
    limit = min(abs(params.integer("limit", default)) or default, 2 * default)
    return max(params.integer("offset", 0), 0), limit


def _trend_tag(trend, hidden):
    tag = Tag.objects.filter(name=trend.key).first()
    return serializers.admin_trend_tag(trend, hidden, tag.id if tag else 0)


@api(methods=("GET",), scopes=READ_TRENDS)
def trends_tags(request, params):
    _moderator(request)
    found = trends.review_list(TrendKind.TAG, *_trend_window(params, 10))
    return json_response([_trend_tag(t, hidden) for t, hidden in found])


@api(methods=("GET",), scopes=READ_TRENDS)
def trends_links(request, params):
    _moderator(request)
    found = trends.review_list(TrendKind.LINK, *_trend_window(params, 10))
    return json_response([serializers.admin_trend_link(t, hidden, trends.link_id(t.key)) for t, hidden in found])


@api(methods=("GET",), scopes=READ_TRENDS)
def trends_statuses(request, params):
    """The trending posts as stored, whoever may see them (moderators review them all)."""
    _moderator(request)
    found = trends.review_list(TrendKind.STATUS, *_trend_window(params, 20))
    by_id = Status.objects.gated().in_bulk([int(t.key) for t, _hidden in found])
    return json_response(serializers.statuses([by_id[int(t.key)] for t, _h in found if int(t.key) in by_id], None))


def _trend_answer(kind, key):
    hidden = trends.is_hidden(kind, key)
    if kind == TrendKind.TAG:
        tag = Tag.objects.get(name=key)
        place = Trend.objects.filter(kind=kind, language="", key=key).first() or Trend(key=key, history=[])
        return serializers.admin_trend_tag(place, hidden, tag.id)
    if kind == TrendKind.LINK:
        place = Trend.objects.filter(kind=kind, language="", key=key).first() or Trend(key=key, history=[])
        return serializers.admin_trend_link(place, hidden, trends.link_id(key))
    return serializers.statuses([Status.objects.get(id=int(key))], None)[0]


def _trend_review(kind, decide):
    @api(methods=("POST",), scopes=WRITE_TRENDS)
    def view(request, params, trend_id):
        _moderator(request)
        key = trends.review_key(kind, trend_id)
        decide(kind, key)
        return json_response(_trend_answer(kind, key))

    view.__name__ = view.__qualname__ = f"{decide.__name__}_{kind}"
    return view


approve_tag = _trend_review(TrendKind.TAG, trends.show_trend)
reject_tag = _trend_review(TrendKind.TAG, trends.hide_trend)
approve_link = _trend_review(TrendKind.LINK, trends.show_trend)
reject_link = _trend_review(TrendKind.LINK, trends.hide_trend)
approve_status = _trend_review(TrendKind.STATUS, trends.show_trend)
reject_status = _trend_review(TrendKind.STATUS, trends.hide_trend)


# The dashboard's numbers (chirvir.moderation.measures): Mastodon's POSTs with keys[], start_at
# and end_at; unknown keys are left out of the answer, as Mastodon leaves them out.
READ_MEASURES = {"POST": "admin:read"}


def _period(params):
    return measures.period(params.required("start_at"), params.required("end_at"))


@api(methods=("POST",), scopes=READ_MEASURES)
def measures_view(request, params):
    _moderator(request)
    return json_response(measures.measures(params.array("keys"), *_period(params)))


@api(methods=("POST",), scopes=READ_MEASURES)
def dimensions_view(request, params):
    _moderator(request)
    keys = params.array("keys")
    return json_response(measures.dimensions(keys, *_period(params), limit=params.integer("limit", 10)))


@api(methods=("POST",), scopes=READ_MEASURES)
def retention_view(request, params):
    _moderator(request)
    return json_response(measures.retention(*_period(params), frequency=params.text("frequency") or "day"))
