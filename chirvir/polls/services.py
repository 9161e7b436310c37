"""Use cases of polls: the rules of a poll offered with a post (how many options, how long each,
how long it runs), voting on one, the results a viewer may see, and closing a poll when it ends.
The limits here are the ones the instance document announces (`configuration.polls`)."""

from dataclasses import dataclass
from datetime import timedelta

import regex
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts.models import Account
from chirvir.core import text
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.queries import Prepared
from chirvir.notifications.models import NotificationType
from chirvir.notifications.services import notify
from chirvir.polls.models import Poll, PollVote
from chirvir.statuses.models import Status

# Mastodon's own limits, so that an app that offers what Mastodon offers is never refused.
MAX_OPTIONS = 4
MAX_OPTION_CHARS = 50
MIN_EXPIRATION = 300  # seconds: five minutes
MAX_EXPIRATION = 2629746  # seconds: a month
LIMITS = {
    "max_options": MAX_OPTIONS,
    "max_characters_per_option": MAX_OPTION_CHARS,
    "min_expiration": MIN_EXPIRATION,
    "max_expiration": MAX_EXPIRATION,
}
SWEEP_BATCH = 500
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True)
class PollDraft:
    """A poll as its author asked for it, checked against every rule; made by `draft`."""

    options: tuple[str, ...]
    expires_in: int  # seconds from when the post is published
    multiple: bool = False
    hide_totals: bool = False


def draft(options, expires_in, *, multiple: bool = False, hide_totals: bool = False) -> PollDraft:
    """A poll offered with a post: two to MAX_OPTIONS options (NFC, trimmed, empty ones left out),
    each at most MAX_OPTION_CHARS characters as a reader counts them (grapheme clusters) and none
    twice, running from MIN_EXPIRATION to MAX_EXPIRATION seconds. Invalid in Mastodon's words."""
    titles = []
    for option in options or ():
        option = str(option).strip()
        if text.too_long(option, MAX_OPTION_CHARS):
            raise Invalid(_("Validation failed: Poll options cannot be longer than %(max)d characters each")
                          % {"max": MAX_OPTION_CHARS})
        option = text.normalize(option).strip()
        if option:
            titles.append(option)
    if len(titles) < 2:
        raise Invalid(_("Validation failed: Poll options must have more than one item"))
    if len(titles) > MAX_OPTIONS:
        raise Invalid(_("Validation failed: Poll options can't contain more than %(max)d items") % {"max": MAX_OPTIONS})
    if any(len(_GRAPHEME.findall(t)) > MAX_OPTION_CHARS for t in titles):
        raise Invalid(_("Validation failed: Poll options cannot be longer than %(max)d characters each")
                      % {"max": MAX_OPTION_CHARS})
    if len(set(titles)) != len(titles):
        raise Invalid(_("Validation failed: Poll options contain duplicate items"))
    try:
        expires_in = int(expires_in)
    except (TypeError, ValueError):
        expires_in = 0
    if expires_in < MIN_EXPIRATION:
        raise Invalid(_("Validation failed: Poll expires at is too soon"))
    if expires_in > MAX_EXPIRATION:
        raise Invalid(_("Validation failed: Poll expires at is too far into the future"))
    return PollDraft(tuple(titles), expires_in, bool(multiple), bool(hide_totals))


def create_poll(status: Status, poll: PollDraft) -> Poll:
    """The poll of a post being stored, running from now; within the post's transaction. The job
    that closes it at its end is queued by the caller after commit (`poll_closing_job`)."""
    return Poll.objects.create(
        status=status,
        options=list(poll.options),
        multiple=poll.multiple,
        hide_totals=poll.hide_totals,
        expires_at=timezone.now() + timedelta(seconds=poll.expires_in),
    )


def replace_poll(status: Status, poll: PollDraft | None) -> tuple[Poll | None, bool]:
    """An edit's poll, as Mastodon edits one: none removes the post's poll; new options or a change
    between one and several choices make it a new poll and drop every vote; otherwise the votes
    stay and only the end and the hiding of totals change. Returns the poll and whether it is new
    (its closing job is then the caller's to queue). Within the edit's transaction."""
    current = Poll.objects.filter(status=status).first()
    if poll is None:
        if current is not None:
            current.delete()
        return None, False
    if current is None:
        return create_poll(status, poll), True
    expires_at = timezone.now() + timedelta(seconds=poll.expires_in)
    if list(poll.options) != current.options or poll.multiple != current.multiple:
        PollVote.objects.filter(poll=current).delete()
    Poll.objects.filter(pk=current.pk).update(
        options=list(poll.options), multiple=poll.multiple, hide_totals=poll.hide_totals,
        expires_at=expires_at, closed_at=None,
    )
    return Poll.objects.get(pk=current.pk), True


def same_poll(status: Status, poll: PollDraft | None) -> bool:
    """Whether an edit leaves the post's poll as it is (same options, choice and hiding); a poll's
    running time is not compared, as Mastodon's edit form sends it again in any case."""
    current = Poll.objects.filter(status=status).first()
    if current is None or poll is None:
        return current is None and poll is None
    return (list(poll.options), poll.multiple, poll.hide_totals) == (current.options, current.multiple,
                                                                     current.hide_totals)


def get_poll(viewer: Account | None, poll_id) -> Poll:
    """A poll of a post the viewer may see; NotFound for the rest, so their existence does not leak."""
    poll_id = parse_id(poll_id)
    poll = poll_id and Poll.objects.filter(id=poll_id).first()
    if poll:
        status = Status.objects.gated().filter(id=poll.status_id).first()
        if status is not None and audience.can_see(audience.Viewer.of(viewer), status):
            poll.status = status
            return poll
    raise NotFound(_("That poll does not exist or is not visible to you."))


def vote(voter: Account, poll_id, choices) -> Poll:
    """Vote on a poll of a post one may see, by the options' indexes: never on one's own poll,
    after it ended, or a second time; one choice unless the poll takes several. Mastodon's
    messages. Returns the poll."""
    poll = get_poll(voter, poll_id)
    try:
        wanted = [int(c) for c in choices]
    except (TypeError, ValueError):
        raise Invalid(_("Validation failed: The chosen vote option does not exist")) from None
    if poll.status.account_id == voter.pk:
        raise Invalid(_("Validation failed: You cannot vote in your own polls"))
    with transaction.atomic():
        # Locked, so that two votes of one account at once cannot both find it has not voted.
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.expired:
            raise Invalid(_("Validation failed: The poll has already ended"))
        if any(not 0 <= c < len(poll.options) for c in wanted):
            raise Invalid(_("Validation failed: The chosen vote option does not exist"))
        already = PollVote.objects.filter(poll=poll, account=voter).exists()
        if already or len(set(wanted)) != len(wanted) or (not poll.multiple and len(wanted) > 1):
            raise Invalid(_("Validation failed: You have already voted on this poll"))
        PollVote.objects.bulk_create([PollVote(poll=poll, account=voter, choice=c) for c in wanted])
    return get_poll(voter, poll.pk)


@dataclass(frozen=True)
class Results:
    """A poll as one viewer may see it: its votes per option (None while hidden), how many votes
    and voters, and the viewer's own votes (None for a visitor not signed in)."""

    poll: Poll
    tallies: list[int | None]
    votes_count: int
    voters_count: int
    own_votes: list[int] | None
    voted: bool | None

    @property
    def choices(self) -> list[tuple[int, str, int | None, int | None, bool]]:
        """Each option as a page lists it: its index, title, votes and share of the votes in whole
        percent (both None while hidden), and whether the viewer chose it."""
        own = set(self.own_votes or ())
        return [
            (i, title, n, None if n is None else round(100 * n / self.votes_count) if self.votes_count else 0, i in own)
            for i, (title, n) in enumerate(zip(self.poll.options, self.tallies))
        ]

    @property
    def may_vote(self) -> bool:
        return self.voted is False and not self.poll.expired


def totals_shown(poll: Poll) -> bool:
    """A poll that hides its totals shows them once it has ended, to everyone, its author too."""
    return not poll.hide_totals or poll.expired


# Every page of statuses asks it, and on most it finds nothing: compiled once (chirvir/core/queries.py).
_POLLS = Prepared(lambda status_ids: Poll.objects.filter(status_id__in=status_ids))


def results(viewer: Account | None, statuses) -> dict[int, Results]:
    """The results of the polls of these statuses, by status ID, as the viewer may see them:
    three statements for any number of polls (the polls, their votes, the viewer's)."""
    authors = {s.id: s.account_id for s in statuses}
    polls = {p.id: p for p in _POLLS(sorted(authors))}
    if not polls:
        return {}
    tallies: dict[int, list[int]] = {i: [0] * len(p.options) for i, p in polls.items()}
    voters: dict[int, set[int]] = {i: set() for i in polls}
    for poll_id, account_id, choice in PollVote.objects.filter(poll_id__in=polls).values_list(
        "poll_id", "account_id", "choice"
    ):
        if 0 <= choice < len(tallies[poll_id]):
            tallies[poll_id][choice] += 1
        voters[poll_id].add(account_id)
    signed_in = viewer is not None and viewer.is_authenticated
    own: dict[int, list[int]] = {}
    if signed_in:
        for poll_id, choice in PollVote.objects.filter(poll_id__in=polls, account=viewer).values_list(
            "poll_id", "choice"
        ).order_by("choice"):
            own.setdefault(poll_id, []).append(choice)
    found = {}
    for poll_id, poll in polls.items():
        shown = totals_shown(poll)
        found[poll.status_id] = Results(
            poll=poll,
            tallies=[n if shown else None for n in tallies[poll_id]],
            votes_count=sum(tallies[poll_id]),
            voters_count=len(voters[poll_id]),
            own_votes=own.get(poll_id, []) if signed_in else None,
            # The author counts as having voted, as on Mastodon: apps then show the results.
            voted=(poll_id in own or authors[poll.status_id] == viewer.pk) if signed_in else None,
        )
    return found


def close_poll(poll_id: int) -> bool:
    """Close a poll that has ended: its voters and its author are told (`poll` notifications), once
    however often this runs. Returns whether this run closed it."""
    now = timezone.now()
    with transaction.atomic():
        if not Poll.objects.filter(pk=poll_id, closed_at__isnull=True, expires_at__lte=now).update(closed_at=now):
            return False
        poll = Poll.objects.select_related("status__account").get(pk=poll_id)
        author = poll.status.account
        voters = Account.objects.filter(id__in=PollVote.objects.filter(poll=poll).values("account_id"))
        status = Status.objects.gated().get(pk=poll.status_id)
        for account in [*voters, author]:
            notify(account, NotificationType.POLL, author, status)
    return True


def close_ended_polls() -> int:
    """Close every poll that has ended and is not closed yet: those whose closing job was lost
    (a worker down at the time, a queue lost). Returns how many this run closed."""
    due = Poll.objects.filter(closed_at__isnull=True, expires_at__lte=timezone.now()).order_by("expires_at")
    return sum(close_poll(poll_id) for poll_id in due.values_list("id", flat=True)[:SWEEP_BATCH])
