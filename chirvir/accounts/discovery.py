"""Finding people: the profile directory and who-to-follow suggestions. Only accounts that chose
to be `discoverable` are listed or suggested, and never one the viewer blocks, is blocked by or
mutes."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q

from chirvir import audience
from chirvir.accounts.models import Account, Follow, FollowRequest, SuggestionDismissal

MAX_SUGGESTIONS = 80


def _discoverable(viewer: Account | None):
    found = Account.objects.filter(is_active=True, discoverable=True)
    if viewer is not None:
        gate = audience.Viewer.of(viewer)
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


def suggestions(viewer: Account, limit: int = 40) -> list[Suggestion]:
    """Whom the viewer might follow: first the accounts most followed by those it follows
    (friends of friends), then the most followed accounts; never itself, an account it follows or
    asked to follow, one it dismissed, blocks, is blocked by or mutes, nor one that is not
    discoverable."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    gate = audience.Viewer.of(viewer)
    skipped = (
        Q(id=viewer.id)
        | Q(id__in=gate.following)
        | Q(id__in=FollowRequest.objects.filter(account=viewer).values("target_account_id"))
        | Q(id__in=SuggestionDismissal.objects.filter(account=viewer).values("target_account_id"))
    )
    candidates = _discoverable(viewer).exclude(skipped)
    # Ranked by how many of the accounts the viewer follows follow each one.
    ranked = (
        Follow.objects.filter(account_id__in=gate.following, target_account__in=candidates)
        .values("target_account_id")
        .annotate(friends=Count("id"))
        .order_by("-friends", "-target_account_id")[:limit]
    )
    ids = [row["target_account_id"] for row in ranked]
    by_id = Account.objects.in_bulk(ids)
    friends_of_friends = [by_id[i] for i in ids]
    found = [Suggestion(a, "friends_of_friends") for a in friends_of_friends]
    if len(found) < limit:
        popular = candidates.exclude(id__in=[a.id for a in friends_of_friends]).filter(followers_count__gt=0)
        popular = popular.order_by("-followers_count", "-id")[: limit - len(found)]
        found += [Suggestion(a, "most_followed") for a in popular]
    return found


@transaction.atomic
def dismiss_suggestion(viewer: Account, target: Account) -> None:
    """Never suggest this account to the viewer again."""
    SuggestionDismissal.objects.get_or_create(account=viewer, target_account=target)
