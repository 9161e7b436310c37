"""Finding people: the profile directory and who-to-follow suggestions. Only accounts that chose
to be `discoverable` are listed or suggested, and never one the viewer blocks, is blocked by or
mutes."""

from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from chirvir import audience
from chirvir.accounts.models import Account, Follow, FollowRequest, SuggestionDismissal
from chirvir.core.queries import Prepared

MAX_SUGGESTIONS = 80


def _discoverable(viewer: Account | None, gate: audience.Viewer | None = None):
    found = Account.objects.filter(is_active=True, discoverable=True)
    if viewer is not None:
        gate = gate or audience.Viewer.of(viewer)
        found = found.exclude(id__in=gate.blocked | gate.muting)
    return found


def directory(viewer: Account | None, order: str = "active", offset: int = 0, limit: int = 40) -> list[Account]:
    """The profile directory: discoverable accounts, those who posted last first (`active`), or
    the newest accounts first (`new`). Every account here is local."""
    found = _discoverable(viewer)
    if order == "new":
        found = found.order_by("-date_joined", "-id")
    else:
        found = found.order_by(F("last_status_at").desc(nulls_last=True), "-id")
    return list(found[max(offset, 0) : max(offset, 0) + limit])


@dataclass(frozen=True)
class Suggestion:
    account: Account
    reason: str  # Mastodon's source: "friends_of_friends" or "most_followed"

    @property
    def source(self) -> str:
        """Mastodon's older, single `source` for the reason."""
        return "past_interactions" if self.reason == "friends_of_friends" else "global"


def suggestions(viewer: Account, limit: int = 40, gate: audience.Viewer | None = None) -> list[Suggestion]:
    """Whom the viewer might follow: first the accounts most followed by those it follows
    (friends of friends), then the most followed accounts; never itself, an account it follows or
    asked to follow, one it dismissed, blocks, is blocked by or mutes, nor one that is not
    discoverable. Every read is bounded, whatever the size of the graph: the friends of friends
    are counted among a sample of the follows of those the viewer followed last
    (`_friends_of_friends`, kept for a few minutes), and what it leaves out is read afresh (`gate`:
    the viewer's graph, when the caller has read it already)."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    gate = gate or audience.Viewer.of(viewer)
    ranked = [i for i in _friends_of_friends(viewer) if i != viewer.id and i not in gate.following]
    ranked = [i for i in ranked if i not in gate.blocked and i not in gate.muting]
    # Checked a window of the best at a time, as many as a page will most likely need: the web's
    # three suggestions check a few dozen IDs, not the whole ranking, and load three accounts.
    suggestible: set[int] = set()
    window = 4 * limit + 20
    for start in range(0, len(ranked), window):
        suggestible.update(_SUGGESTIBLE(viewer.id, ranked[start : start + window]))
        if len(suggestible) >= limit:
            break
    best = [i for i in ranked if i in suggestible][:limit]
    shown = {a.id: a for a in _LISTED(best)}
    found = [Suggestion(shown[i], "friends_of_friends") for i in best if i in shown]
    if len(found) < limit:
        skipped = {viewer.id, *gate.following, *(s.account.id for s in found)}
        found += [Suggestion(a, "most_followed") for a in _most_followed(viewer, gate, skipped, limit - len(found))]
    return found


# Those the viewer followed last, and among their follows the rows counted: the two bounds that
# keep a suggestion from reading the follow graph, however many accounts it holds.
FRIENDS_SAMPLE = 50
FOLLOWS_SAMPLE = 5_000
# The ranking is kept this long for a viewer: new follows of its friends show up within it.
RANKING_SECONDS = 600
RANKED = 200


def _friends_of_friends(viewer: Account) -> list[int]:
    """The IDs of the accounts followed by the most of those the viewer followed last (each
    counted in a sample of at most FOLLOWS_SAMPLE rows, the newest friends' first), best first.
    Kept in Django's cache (Redis in scale-out) under a key with the viewer's follow count, so a
    follow of its own is a new ranking; what the ranking must leave out is taken away at each read."""
    key = f"suggestions:{viewer.id}:{viewer.following_count}"
    ranked = cache.get(key)
    if ranked is not None:
        return ranked
    newest = Follow.objects.filter(account=viewer).order_by("-id")
    newest = newest.values_list("target_account_id", "target_account__following_count")[:FRIENDS_SAMPLE]
    friends, budget = [], 0
    for friend, following in newest:
        if budget >= FOLLOWS_SAMPLE:
            break
        friends.append(friend)
        budget += following
    rows = Follow.objects.filter(account_id__in=friends).values_list("target_account_id", flat=True)
    tally = Counter(rows[:FOLLOWS_SAMPLE])
    ranked = sorted(tally, key=lambda i: (-tally[i], -i))[:RANKED]
    cache.set(key, ranked, RANKING_SECONDS)
    return ranked


# The IDs of those of some ranked accounts (the viewer's blocks and mutes already taken out) that
# may be suggested: listed in the directory, neither asked to follow nor dismissed by the viewer.
# Then the accounts of the best of them, still listed. Each compiled once for each number of IDs
# (chirvir/core/queries.py); only the accounts shown are built as models.
_SUGGESTIBLE = Prepared(
    lambda viewer, ids: Account.objects.filter(is_active=True, discoverable=True, id__in=ids)
    .exclude(id__in=FollowRequest.objects.filter(account_id=viewer).values("target_account_id"))
    .exclude(id__in=SuggestionDismissal.objects.filter(account_id=viewer).values("target_account_id"))
    .values_list("id", flat=True)
)
_LISTED = Prepared(lambda ids: Account.objects.filter(is_active=True, discoverable=True, id__in=ids))


def _asked_or_dismissed(viewer: Account, ids: list[int]) -> set[int]:
    """Those of these accounts the viewer asked to follow or told not to suggest again."""
    asked = FollowRequest.objects.filter(account=viewer, target_account_id__in=ids).values_list("target_account_id")
    dismissed = SuggestionDismissal.objects.filter(account=viewer, target_account_id__in=ids).values_list(
        "target_account_id"
    )
    return {i for (i,) in asked.union(dismissed)}


def _most_followed(viewer: Account, gate: audience.Viewer, skipped: set[int], limit: int) -> list[Account]:
    """The most followed discoverable accounts but these, read down the index of follower
    counts a page at a time, so that a viewer who follows the most followed reads a few pages."""
    found: list[Account] = []
    popular = _discoverable(viewer, gate).filter(followers_count__gt=0).order_by("-followers_count", "-id")
    start = 0
    while len(found) < limit:
        page = list(popular[start : start + 4 * limit + 20])
        if not page:
            break
        start += len(page)
        candidates = [a for a in page if a.id not in skipped]
        left_out = _asked_or_dismissed(viewer, [a.id for a in candidates])
        found += [a for a in candidates if a.id not in left_out][: limit - len(found)]
    return found


@transaction.atomic
def dismiss_suggestion(viewer: Account, target: Account) -> None:
    """Never suggest this account to the viewer again."""
    SuggestionDismissal.objects.get_or_create(account=viewer, target_account=target)
