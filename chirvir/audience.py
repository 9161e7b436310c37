"""The audience gate: the one place that decides whether a viewer may see a status.

Every read path (timelines, threads, notifications, and later search, feeds, widgets, gateways,
streaming) narrows its query with `visible_q` and then passes what it will show through
`can_see`. The rules:

- a suspended (inactive) author's posts are seen by nobody;
- an author always sees their own posts;
- nobody sees the posts of an account they block or that blocks them;
- a silenced ("limited") author's posts are seen by its followers only;
- a direct message is seen by the accounts it mentions;
- a followers-only post, and every post of a protected account, is seen by approved followers;
- anything else (public, unlisted) is seen by everyone, signed in or not;
- a repost is seen only by someone who may see both the repost and the original.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chirvir.accounts.models import Account, Block, Follow, Mute
from chirvir.statuses.models import Mention, Status, Visibility

OPEN = (Visibility.PUBLIC, Visibility.UNLISTED)


@dataclass(frozen=True)
class Viewer:
    """Who is looking, with the parts of the graph the gate needs, loaded once per request."""

    account: Account | None
    following: frozenset[int] = frozenset()
    blocked: frozenset[int] = frozenset()  # blocked by the viewer, or blocking the viewer
    muting: frozenset[int] = frozenset()

    @property
    def id(self) -> int | None:
        return self.account.id if self.account else None

    @classmethod
    def of(cls, account: Account | None) -> "Viewer":
        if account is None or not account.is_authenticated:
            return ANONYMOUS
        # One statement for the four edges: every read of every page asks it.
        sql = (
            f"SELECT 0, target_account_id FROM {Follow._meta.db_table} WHERE account_id = %s"
            f" UNION ALL SELECT 1, target_account_id FROM {Block._meta.db_table} WHERE account_id = %s"
            f" UNION ALL SELECT 1, account_id FROM {Block._meta.db_table} WHERE target_account_id = %s"
            f" UNION ALL SELECT 2, target_account_id FROM {Mute._meta.db_table} WHERE account_id = %s"
            " AND (expires_at IS NULL OR expires_at > %s)"  # a timed mute is over at its end (Mute.in_force)
        )
        edges: tuple[set[int], set[int], set[int]] = (set(), set(), set())
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [account.id] * 4 + [now])
            for kind, other in cursor.fetchall():
                edges[kind].add(other)
        following, blocked, muting = edges
        return cls(
            account=account,
            following=frozenset(following),
            blocked=frozenset(blocked),
            muting=frozenset(muting),
        )


ANONYMOUS = Viewer(account=None)


def may_see_posts_of(viewer: Viewer, author: Account) -> bool:
    """Whether the viewer may read an account's non-direct posts at all (its profile timeline)."""
    if not author.is_active or author.id in viewer.blocked:
        return False
    if author.silenced_at is not None and author.id != viewer.id and author.id not in viewer.following:
        return False
    return not author.locked or author.id == viewer.id or author.id in viewer.following


def open_to_strangers(visibility: str, author_locked: bool, author_active: bool) -> bool:
    """Whether a post may reach accounts that do not follow its author (the followers of its
    hashtags): a public post of an account neither protected nor suspended. Each of them must
    still not block its author nor be blocked by it (`unblocked`)."""
    return visibility == Visibility.PUBLIC and author_active and not author_locked


def unblocked(account_ids, author_id: int) -> Q:
    """A filter on accounts (by `account_id`) that keeps those among `account_ids` (a queryset of
    IDs) that neither block the author nor are blocked by it."""
    blocks = Block.objects.filter(Q(account_id=author_id) | Q(target_account_id=author_id))
    return (
        Q(account_id__in=account_ids)
        & ~Q(account_id__in=blocks.filter(account_id=author_id).values("target_account_id"))
        & ~Q(account_id__in=blocks.filter(target_account_id=author_id).values("account_id"))
    )


def _can_see_one(viewer: Viewer, status: Status) -> bool:
    author = status.account
    if not author.is_active:
        return False
    if author.id == viewer.id:
        return True
    if author.id in viewer.blocked:
        return False
    if author.silenced_at is not None and author.id not in viewer.following:
        return False
    if status.visibility == Visibility.DIRECT:
        return viewer.id is not None and viewer.id in status.mentioned_account_ids
    if status.visibility == Visibility.PRIVATE or author.locked:
        return author.id in viewer.following
    return True


def can_see(viewer: Viewer, status: Status) -> bool:
    if not _can_see_one(viewer, status):
        return False
    return status.reblog is None or _can_see_one(viewer, status.reblog)


def visible(viewer: Viewer, statuses) -> list[Status]:
    return [s for s in statuses if can_see(viewer, s)]


def visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """A query filter that keeps what the viewer may see of statuses (or of the statuses under
    `prefix`, such as "status__"). It narrows queries; `can_see` still has the last word."""
    p = prefix
    open_to_all = Q(**{f"{p}visibility__in": OPEN, f"{p}account__locked": False})
    if viewer.account is None:
        return open_to_all & Q(**{f"{p}account__is_active": True, f"{p}account__silenced_at__isnull": True})
    mentioned = Exists(
        Mention.objects.filter(status_id=OuterRef(f"{p}id" if p else "id"), account_id=viewer.id)
    )
    followed = Q(**{f"{p}account_id__in": viewer.following}) & ~Q(**{f"{p}visibility": Visibility.DIRECT})
    direct_to_me = Q(**{f"{p}visibility": Visibility.DIRECT}) & Q(mentioned)
    others = (open_to_all | followed | direct_to_me) & ~Q(**{f"{p}account_id__in": viewer.blocked})
    others &= Q(**{f"{p}account__silenced_at__isnull": True}) | Q(**{f"{p}account_id__in": viewer.following})
    return (Q(**{f"{p}account_id": viewer.id}) | others) & Q(**{f"{p}account__is_active": True})


def on_public_timelines_q(prefix: str = "") -> Q:
    """What the public and hashtag timelines (and their live streams) may carry beyond the gate:
    nothing of a silenced account, whoever looks, its followers included."""
    return Q(**{f"{prefix}account__silenced_at__isnull": True})


def goes_anywhere(status: Status) -> bool:
    """Whether a post, already past the gate, may also go where its reader is unknown (feeds'
    readers, a widget or an embed on another site, oEmbed): only a public post, not a repost, of an
    active account that is neither protected nor silenced. Unlisted, followers-only and direct
    posts stay home."""
    return status.visibility == Visibility.PUBLIC and status.reblog_id is None and posts_go_anywhere(status.account)


def posts_go_anywhere(author: Account) -> bool:
    """Whether any of an account's posts may go where the reader is unknown (`goes_anywhere`)."""
    return author.is_active and not author.locked and author.silenced_at is None
