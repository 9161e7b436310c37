"""Moderation's use cases: report an account, and the moderators' actions (resolve a report,
suspend, silence, sensitize, delete a post, approve or reject a sign-up). Every action takes a
note, is written to the audit log (ModerationAction), and tells the affected account by a
moderation_warning notification and by e-mail in its own language. The admin API and Django's
admin both call these, so a rule exists once."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chirvir import audience
from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, NotAllowed, NotFound
from chirvir.core.ids import parse_id
from chirvir.moderation.models import ActionType, Category, ModerationAction, Report
from chirvir.notifications import services as notifications
from chirvir.search import services as search
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.timelines.tasks import feed_removal_job

MAX_COMMENT = 1000  # Mastodon's limit on a report's comment
MAX_NOTE = 2000

# What the e-mail and the notification tell the account, in its language.
TOLD = {
    ActionType.WARN: gettext_lazy("A moderator of %(site)s sent you a warning."),
    ActionType.SUSPEND: gettext_lazy("Your account on %(site)s has been suspended."),
    ActionType.UNSUSPEND: gettext_lazy("Your account on %(site)s is no longer suspended."),
    ActionType.SILENCE: gettext_lazy("Your account on %(site)s has been limited: only your followers see your posts."),
    ActionType.UNSILENCE: gettext_lazy("Your account on %(site)s is no longer limited."),
    ActionType.SENSITIZE: gettext_lazy("The media in your posts on %(site)s will be shown behind a warning."),
    ActionType.UNSENSITIZE: gettext_lazy("The media in your posts on %(site)s are no longer marked sensitive."),
    ActionType.DELETE_STATUS: gettext_lazy("A moderator of %(site)s removed one of your posts."),
    ActionType.APPROVE: gettext_lazy("Your sign-up on %(site)s has been approved: you can log in now."),
    ActionType.REJECT: gettext_lazy("Your sign-up on %(site)s has been declined."),
}


# Messages only moderators read (the admin API, Django's admin) are in English, as Mastodon's
# admin API and Django's admin actions are; what reaches the account is in its language.


def is_moderator(account: Account | None) -> bool:
    """Who may moderate: staff accounts (Django's is_staff; superusers are staff too)."""
    return account is not None and account.is_active and (account.is_staff or account.is_superuser)


def _check_moderator(moderator: Account | None) -> None:
    if moderator is not None and not is_moderator(moderator):
        raise NotAllowed("Only moderators may do this.")


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"A note is at most {MAX_NOTE} characters.")
    return note


def _record(moderator, action: str, target: Account, note: str, *, report=None, status_id=None, tell=True):
    entry = ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        target=target,
        target_username=target.username,
        status_id=status_id,
        report=report,
        note=note,
    )
    if tell and action in TOLD:
        notifications.warn(target, entry)
        transaction.on_commit(lambda: _mail(target, action, note))
    return entry


def _mail(account: Account, action: str, note: str) -> None:
    """The e-mail of an action, in the account's language; none for an account without an address."""
    if not account.email:
        return
    with translation.override(account.language or settings.LANGUAGE_CODE):
        site = settings.INSTANCE_TITLE
        told = str(TOLD[action] % {"site": site})
        lines = [told]
        if note:
            lines += ["", _("The moderator's note:"), note]
        lines += ["", settings.SITE_URL]
        send_mail(told, "\n".join(lines), None, [account.email], fail_silently=True)


# Reports


def report(
    reporter: Account,
    target: Account,
    *,
    status_ids=(),
    category: str = Category.OTHER,
    comment: str = "",
    rule_ids=(),
    forward: bool = False,
) -> Report:
    """Ask the moderators to look at an account, and at posts of it that the reporter may see.
    Nobody reports themselves; the comment is at most 1,000 characters."""
    if target.pk == reporter.pk:
        raise Invalid(_("You cannot report yourself."))
    if category not in Category.values:
        raise Invalid(_("Category must be one of spam, legal, violation or other."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("The comment is at most %(limit)d characters.") % {"limit": MAX_COMMENT})
    wanted = {parse_id(i) for i in status_ids} - {None}
    viewer = audience.Viewer.of(reporter)
    found = [
        s for s in Status.objects.filter(id__in=wanted, account=target).gated() if audience.can_see(viewer, s)
    ]
    if len(found) != len(wanted):
        raise NotFound(_("Some of the reported posts do not exist, are not visible to you, or are not this account's."))
    with transaction.atomic():
        made = Report.objects.create(
            reporter=reporter,
            target=target,
            category=category,
            comment=comment,
            rule_ids=[str(r) for r in rule_ids],
            forward=forward,
        )
        made.statuses.set(found)
    return made


def system_report(target: Account, comment: str, status_ids=()) -> Report:
    """The spam signals flag an account: one open system report per account gathers every signal
    (its comment grows a line, its posts join), so a noisy account makes one item to review."""
    with transaction.atomic():
        made = Report.objects.filter(target=target, reporter__isnull=True, resolved_at__isnull=True).first()
        if made is None:
            made = Report.objects.create(target=target, category=Category.SPAM, comment=comment)
        elif comment not in made.comment.splitlines():
            made.comment = f"{made.comment}\n{comment}"[-MAX_COMMENT:]
            made.updated_at = timezone.now()
            made.save(update_fields=["comment", "updated_at"])
        made.statuses.add(*Status.objects.filter(id__in=list(status_ids), account=target))
        _record(None, ActionType.REPORT, target, comment, report=made, tell=False)
    return made


def get_report(report_id) -> Report:
    found = Report.objects.filter(id=parse_id(report_id) or 0).select_related("target", "reporter").first()
    if found is None:
        raise NotFound("Record not found")
    return found


def reports(*, resolved: bool = False, account_id=None, target_account_id=None):
    """Reports newest first: the open ones, or the resolved ones."""
    qs = Report.objects.filter(resolved_at__isnull=not resolved)
    if account_id:
        qs = qs.filter(reporter_id=parse_id(account_id) or 0)
    if target_account_id:
        qs = qs.filter(target_id=parse_id(target_account_id) or 0)
    return qs.select_related("target", "reporter", "assigned_to", "action_taken_by").order_by("-id")


def assign(moderator: Account, made: Report, to: Account | None) -> Report:
    """Take a report on (to=the moderator), or give it back (to=None)."""
    _check_moderator(moderator)
    made.assigned_to = to
    made.updated_at = timezone.now()
    made.save(update_fields=["assigned_to", "updated_at"])
    return made


@transaction.atomic
def resolve(moderator: Account, made: Report, note: str = "", *, action: str | None = None) -> Report:
    """Close a report, after acting on its account if `action` says how (suspend, silence,
    sensitize, delete its reported posts, or "none": a warning)."""
    _check_moderator(moderator)
    note = _note(note)
    if action:
        act(moderator, made.target, action, note, report=made)
    made.resolved_at = made.updated_at = timezone.now()
    made.action_taken = bool(action)
    made.action_taken_by = moderator
    made.save(update_fields=["resolved_at", "updated_at", "action_taken", "action_taken_by"])
    _record(moderator, ActionType.RESOLVE, made.target, note, report=made, tell=False)
    return made


@transaction.atomic
def reopen(moderator: Account, made: Report, note: str = "") -> Report:
    _check_moderator(moderator)
    made.resolved_at = None
    made.action_taken = False
    made.action_taken_by = None
    made.updated_at = timezone.now()
    made.save(update_fields=["resolved_at", "updated_at", "action_taken", "action_taken_by"])
    _record(moderator, ActionType.REOPEN, made.target, _note(note), report=made, tell=False)
    return made


# Actions on accounts


ACTIONS = {"none", "sensitive", "silence", "suspend", "delete_statuses"}


def act(moderator: Account, account: Account, action: str, note: str = "", *, report=None) -> None:
    """Mastodon's account action by name: none (a warning), sensitive, silence, suspend, or
    delete_statuses (the posts the report names)."""
    if action == "none":
        warn(moderator, account, note, report=report)
    elif action == "sensitive":
        sensitize(moderator, account, note, report=report)
    elif action == "silence":
        silence(moderator, account, note, report=report)
    elif action == "suspend":
        suspend(moderator, account, note, report=report)
    elif action == "delete_statuses" and report is not None:
        for status in report.statuses.all():
            delete_status(moderator, status, note, report=report)
    else:
        raise Invalid("The action must be one of none, sensitive, silence or suspend.")


@transaction.atomic
def warn(moderator: Account, account: Account, note: str = "", *, report=None) -> ModerationAction:
    _check_moderator(moderator)
    return _record(moderator, ActionType.WARN, account, _note(note), report=report)


def _account_posts(account: Account) -> list[int]:
    """Its posts, and every repost of them, wherever they sit."""
    return list(
        Status.objects.filter(Q(account=account) | Q(reblog__account=account)).values_list("id", flat=True)
    )


@transaction.atomic
def suspend(moderator: Account, account: Account, note: str = "", *, report=None) -> ModerationAction:
    """Suspend: the account cannot log in, its tokens and sessions stop at once (and the live
    streams they opened close), and its posts are seen by nobody (the audience gate refuses an
    inactive author's posts); they leave every home and list feed and the search index."""
    _check_moderator(moderator)
    if account.pk == getattr(moderator, "pk", None):
        raise Invalid("You cannot suspend yourself.")
    account.suspended_at = timezone.now()
    account.is_active = False
    # Saved with is_active among the fields: OAuth hears of it (chirvir/oauth/signals.py) and
    # every live stream of the account closes.
    account.save(update_fields=["suspended_at", "is_active"])
    removed = _account_posts(account)
    for status_id in removed:
        search.unindex_status(status_id)
    search.unindex_account(account.id)
    transaction.on_commit(lambda: feed_removal_job(removed))
    return _record(moderator, ActionType.SUSPEND, account, _note(note), report=report)


@transaction.atomic
def unsuspend(moderator: Account, account: Account, note: str = "") -> ModerationAction:
    """Lift a suspension: the account logs in again and its posts are found again. Feeds take its
    new posts; the old ones return to homes when a feed is rebuilt."""
    _check_moderator(moderator)
    if account.suspended_at is None:
        raise Invalid("This account is not suspended.")
    account.suspended_at = None
    account.is_active = True
    account.save(update_fields=["suspended_at", "is_active"])
    for status in Status.objects.filter(account=account, reblog__isnull=True):
        search.index_status(status)
    search.index_account(account)
    return _record(moderator, ActionType.UNSUSPEND, account, _note(note))


def _set(account: Account, field: str, on: bool) -> None:
    setattr(account, field, timezone.now() if on else None)
    account.save(update_fields=[field])


@transaction.atomic
def silence(moderator: Account, account: Account, note: str = "", *, report=None) -> ModerationAction:
    """Limit ("silence" in Mastodon's API): the account's posts reach only its followers; they
    leave the public and hashtag timelines and the trends for everyone (the audience gate)."""
    _check_moderator(moderator)
    _set(account, "silenced_at", True)
    return _record(moderator, ActionType.SILENCE, account, _note(note), report=report)


@transaction.atomic
def unsilence(moderator: Account, account: Account, note: str = "") -> ModerationAction:
    _check_moderator(moderator)
    _set(account, "silenced_at", False)
    return _record(moderator, ActionType.UNSILENCE, account, _note(note))


@transaction.atomic
def sensitize(moderator: Account, account: Account, note: str = "", *, report=None) -> ModerationAction:
    """Every post of the account is shown as sensitive (its media behind a warning)."""
    _check_moderator(moderator)
    _set(account, "sensitized_at", True)
    return _record(moderator, ActionType.SENSITIZE, account, _note(note), report=report)


@transaction.atomic
def unsensitize(moderator: Account, account: Account, note: str = "") -> ModerationAction:
    _check_moderator(moderator)
    _set(account, "sensitized_at", False)
    return _record(moderator, ActionType.UNSENSITIZE, account, _note(note))


@transaction.atomic
def delete_status(moderator: Account, status: Status, note: str = "", *, report=None) -> ModerationAction:
    """Remove someone's post, as its author's own deletion would (feeds, streams, search)."""
    _check_moderator(moderator)
    author = status.account
    status_id = status.id
    statuses.remove_status(status)
    return _record(moderator, ActionType.DELETE_STATUS, author, _note(note), report=report, status_id=status_id)


# Sign-ups


def pending():
    """Sign-ups waiting for approval: inactive accounts that no moderator suspended."""
    return Account.objects.filter(is_active=False, suspended_at__isnull=True)


def _check_pending(account: Account) -> None:
    if account.is_active or account.suspended_at is not None:
        raise Invalid("This account is not waiting for approval.")


@transaction.atomic
def approve(moderator: Account, account: Account, note: str = "") -> ModerationAction:
    """Let a waiting sign-up in: it can log in from now on."""
    _check_moderator(moderator)
    _check_pending(account)
    account.is_active = True
    account.save(update_fields=["is_active"])
    return _record(moderator, ActionType.APPROVE, account, _note(note))


@transaction.atomic
def reject(moderator: Account, account: Account, note: str = "") -> ModerationAction:
    """Turn a waiting sign-up away: it is told by e-mail, and the account is deleted (the audit
    log keeps its name)."""
    _check_moderator(moderator)
    _check_pending(account)
    entry = ModerationAction.objects.create(
        moderator=moderator, action=ActionType.REJECT, target=None, target_username=account.username, note=_note(note)
    )
    email, language, username = account.email, account.language, account.username
    search.unindex_account(account.id)
    account.delete()
    gone = Account(username=username, email=email, language=language)
    transaction.on_commit(lambda: _mail(gone, ActionType.REJECT, entry.note))
    return entry
