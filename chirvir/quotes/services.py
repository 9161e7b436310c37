"""Use cases of quote posts: who may quote a post, quoting one (called by post_status, inside its
transaction), the quotes of one's post, revoking a quote, and what a viewer is shown of the
posts that statuses quote (through the audience gate, for that viewer)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, prefetch_related_objects
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, NotAllowed, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page, paginate
from chirvir.core.queries import Prepared
from chirvir.notifications.models import NotificationType
from chirvir.notifications.services import notify
from chirvir.quotes.models import Quote, QuoteState
from chirvir.statuses.models import QuotePolicy, Status, Visibility


def policy(value: str | None, default: str) -> str:
    """A quote_approval_policy as given (public, followers or nobody), else the default."""
    value = (value or "").strip() or default
    if value not in QuotePolicy.values:
        raise Invalid(_("Validation failed: quote_approval_policy must be one of public, followers or nobody."))
    return value


def effective_policy(status: Status) -> str:
    """Who besides its author may quote a post: its policy, but nobody for a followers-only post or
    a direct message, whose audience a quote would widen."""
    if status.visibility not in audience.OPEN:
        return QuotePolicy.NOBODY
    return status.quote_approval_policy


def may_quote(viewer: audience.Viewer, status: Status) -> bool:
    """Whether this viewer may quote this post (not a repost): its author always; anyone else who
    may see it, as its policy allows."""
    if status.reblog_id or viewer.account is None:
        return False
    if status.account_id == viewer.id:
        return True
    if not audience.can_see(viewer, status):
        return False
    allowed = effective_policy(status)
    if allowed == QuotePolicy.PUBLIC:
        return True
    return allowed == QuotePolicy.FOLLOWERS and status.account_id in viewer.following


def set_policy(actor: Account, status_id, value) -> Status:
    """Change who may quote one's own post (Mastodon's interaction policy); the quotes made
    before stay (revoke takes one back)."""
    status = _own_post(actor, status_id)
    if status.reblog_id:
        raise Invalid(_("Validation failed: A repost cannot be quoted"))
    Status.objects.filter(pk=status.pk).update(quote_approval_policy=policy(value, status.quote_approval_policy))
    return Status.objects.gated().get(pk=status.pk)


def quotable(author: Account, quoted_status_id) -> Status:
    """The post the author asks to quote, checked before anything is stored: NotFound if the author
    may not see it; Invalid for a repost, a followers-only post or a direct message of another
    account; NotAllowed if its policy leaves the author out."""
    gate = audience.Viewer.of(author)
    quoted_id = parse_id(quoted_status_id)
    quoted = quoted_id and Status.objects.gated().filter(id=quoted_id).first()
    if quoted is None or not audience.can_see(gate, quoted):
        raise NotFound(_("The post you are quoting does not exist or is not visible to you."))
    if quoted.reblog_id:
        raise Invalid(_("Validation failed: A repost cannot be quoted"))
    if quoted.account_id != author.pk and quoted.visibility not in audience.OPEN:
        raise Invalid(_("Validation failed: Followers-only posts and direct messages cannot be quoted"))
    if not may_quote(gate, quoted):
        raise NotAllowed(_("This action is not allowed"))
    return quoted


def attach_quote(status: Status, quoted: Status) -> Quote:
    """Record that `status` quotes `quoted` (checked by `quotable`), count it and tell the quoted
    post's author. Called inside the transaction that stores the post."""
    quote = Quote.objects.create(status=status, quoted_status=quoted, quoted_account_id=quoted.account_id)
    Status.objects.filter(pk=quoted.pk).update(quotes_count=F("quotes_count") + 1)
    notify(quoted.account, NotificationType.QUOTE, status.account, status)
    return quote


def forget_quote(status: Status) -> None:
    """Before a quoting post is deleted: the post it quoted counts one quote fewer."""
    quote = Quote.objects.filter(status=status, state=QuoteState.ACCEPTED, quoted_status__isnull=False).first()
    if quote is not None:
        Status.objects.filter(pk=quote.quoted_status_id).update(quotes_count=F("quotes_count") - 1)


def notify_quoters(status: Status) -> None:
    """After an edit of a quoted post: each author of an accepted quote of it hears (quoted_update)."""
    quotes = Quote.objects.filter(quoted_status=status, state=QuoteState.ACCEPTED).select_related("status__account")
    for quote in quotes:
        notify(quote.status.account, NotificationType.QUOTED_UPDATE, status.account, status)


def _own_post(actor: Account, status_id) -> Status:
    status_id = parse_id(status_id)
    status = status_id and Status.objects.gated().filter(id=status_id).first()
    if status is None or not audience.can_see(audience.Viewer.of(actor), status):
        raise NotFound(_("That post does not exist or is not visible to you."))
    if status.account_id != actor.pk:
        # Mastodon shows the quotes of a post to its author only.
        raise NotAllowed(_("This action is not allowed"))
    return status


def quotes_of(actor: Account, status_id, page: Page = Page(limit=20)) -> list[Status]:
    """The posts that quote one's own post (accepted quotes), newest first, as far as the author
    may see them; only the quoted post's author may ask."""
    status = _own_post(actor, status_id)
    gate = audience.Viewer.of(actor)
    quoting = Status.objects.gated().filter(
        audience.visible_q(gate), quote_of__quoted_status=status, quote_of__state=QuoteState.ACCEPTED
    )
    return [s for s in paginate(quoting, page) if audience.can_see(gate, s)]


def revoke(actor: Account, status_id, quoting_id) -> Status:
    """The quoted post's author takes it out of a quote: the quote shows "revoked" and its post no
    more, to everyone. Revoking twice changes nothing. Returns the quoting post."""
    status = _own_post(actor, status_id)
    quote = Quote.objects.filter(status_id=parse_id(quoting_id), quoted_status=status).select_related("status").first()
    if quote is None:
        raise NotFound(_("That quote does not exist."))
    if quote.state == QuoteState.ACCEPTED:
        updated = Quote.objects.filter(pk=quote.pk, state=QuoteState.ACCEPTED).update(state=QuoteState.REVOKED)
        if updated:
            Status.objects.filter(pk=status.pk).update(quotes_count=F("quotes_count") - 1)
    return Status.objects.gated().get(pk=quote.status_id)


# Every page of statuses asks it, and on most it finds nothing: compiled once (chirvir/core/queries.py).
_QUOTES = Prepared(
    lambda ids: Quote.objects.filter(status_id__in=ids).select_related(
        "quoted_status__account", "quoted_status__reblog__account"
    )
)


@dataclass(frozen=True)
class Shown:
    """What a viewer is shown of a quote: its state, and the quoted post only when it is
    "accepted" and the viewer may see it."""

    state: str
    status: Status | None = None


def shown_quotes(gate: Callable[[], audience.Viewer], statuses) -> dict[int, Shown]:
    """For those of these statuses that quote a post, by the quoting status's ID: what the viewer
    `gate()` gives (asked only when there is a quote) is shown. A post the viewer may not see is
    "unauthorized" and never given; a deleted one is "deleted"; a revoked, pending or rejected
    quote shows no post to anyone."""
    ids = {s.id for s in statuses if s is not None}
    if not ids:
        return {}
    quotes = _QUOTES(sorted(ids))
    direct = [q.quoted_status for q in quotes if q.quoted_status and q.quoted_status.visibility == Visibility.DIRECT]
    prefetch_related_objects(direct, "mentions")  # who may see a direct message; none on most pages
    shown = {}
    for q in quotes:
        if q.state != QuoteState.ACCEPTED:
            shown[q.status_id] = Shown(q.state)
        elif q.quoted_status is None:
            shown[q.status_id] = Shown(QuoteState.DELETED)
        elif not audience.can_see(gate(), q.quoted_status):
            shown[q.status_id] = Shown(QuoteState.UNAUTHORIZED)
        else:
            shown[q.status_id] = Shown(QuoteState.ACCEPTED, q.quoted_status)
    return shown
