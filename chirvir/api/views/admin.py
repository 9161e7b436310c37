"""Mastodon's admin API (accounts and reports): what moderators do from an app, under the
admin:read and admin:write scopes, for staff accounts only. Each action is a moderation service."""

from django.db.models import Q

from chirvir.accounts import services as accounts
from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response, link_header
from chirvir.core.paging import paginate
from chirvir.moderation import services

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
