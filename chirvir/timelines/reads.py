"""Timeline reads: home (its feed, with the posts of very large accounts merged in), a list's, an
account's posts, public, hashtag, mentions, likes and bookmarks, each one filtered through the
audience gate. Where posts go on write is timelines/delivery.py."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from chirvir import audience
from chirvir.accounts.models import Account, Follow
from chirvir.core import replicas
from chirvir.core.paging import Page, in_order, page_of, read_kept
from chirvir.core.queries import Prepared
from chirvir.lists.models import List
from chirvir.media.models import MediaAttachment
from chirvir.statuses.models import Bookmark, Favourite, Status, StatusTag, Tag, Visibility, with_direct_mentions
from chirvir.timelines.delivery import exclusive_members, posts_of, rebuild_home, rebuild_list
from chirvir.timelines.feeds import feed_store

# A page is read with some spare, so statuses the gate drops do not leave it short.
OVERFETCH = 2
TAGS_PER_MODE = 4


# Every timeline page asks it: compiled once (chirvir/core/queries.py), read afresh each time.
# Only what the gate reads comes with it: the page shows the account a post answers, and loads
# those of its replies alone (web/fragments.py); the API shows its ID, which the row holds.
_PAGE = Prepared(lambda ids: Status.objects.filter(id__in=ids).gated())


# Followed accounts too large to fan out, but for those read in an exclusive list.
_LARGE = Prepared(
    lambda owner, *, fanout_limit: Follow.objects.filter(
        account_id=owner, target_account__followers_count__gt=fanout_limit
    ).exclude(target_account_id__in=exclusive_members(owner))
)
# The reader's own posts still waiting for delivery.
_WAITING = Prepared(
    lambda owner, max_id, since_id, min_id, *, limit: page_of(
        Status.objects.filter(delivered_at__isnull=True, account_id=owner)
        .exclude(visibility=Visibility.DIRECT)
        .values_list("id", flat=True),
        Page(max_id, since_id, min_id, limit),
    )
)


# The posts of one of those accounts that its follower's home takes (delivery.posts_of): no direct
# messages, and replies only to the follower or to accounts the follower follows, as delivery
# would have pushed them. One shape for every reader and account (the follows in a subquery, not
# a list), so it is compiled once: built anew for each account, it was three quarters of a home
# read on a community with a dozen such accounts. All the accounts' pages are read by one
# statement (Prepared.union), each on its own account's index.
_MERGED = Prepared(
    lambda author, owner, max_id, since_id, min_id, *, show_reblogs, limit: page_of(
        posts_of(Follow(account_id=owner, target_account_id=author, show_reblogs=show_reblogs))
        .exclude(visibility=Visibility.DIRECT)
        .filter(
            Q(in_reply_to_account_id__isnull=True)
            | Q(in_reply_to_account_id=owner)
            | Q(in_reply_to_account_id__in=Follow.objects.filter(account_id=owner).values("target_account_id"))
        )
        .values_list("id", flat=True),
        Page(max_id, since_id, min_id, limit),
    )
)


def _hydrate(ids: list[int]) -> list[Status]:
    by_id = {s.id: s for s in with_direct_mentions(_PAGE(list(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def not_muted(viewer: audience.Viewer, status: Status) -> bool:
    """Neither the status nor the original it reposts is by an account the viewer muted."""
    return status.account_id not in viewer.muting and (
        status.reblog is None or status.reblog.account_id not in viewer.muting
    )


def home(account: Account, page: Page = Page(), viewer: audience.Viewer | None = None) -> list[Status]:
    """The account's home timeline: its feed, with the posts of followed accounts too large to
    fan out merged in, through the audience gate (`viewer`: the account's, when the caller has
    read it already), without muted accounts."""
    store = feed_store()
    if not store.exists(account.id):
        rebuild_home(account)
    viewer = viewer or audience.Viewer.of(account)
    wide = Page(page.max_id, page.since_id, page.min_id, page.limit * OVERFETCH)
    # The reader's own posts still waiting for delivery show at once (a page reloaded right
    # after posting); the partial index on undelivered posts keeps this one short read. Read
    # before the feed: delivery pushes into the feed before it marks the post delivered, so a
    # post this read finds delivered is in the feed read after it; read after the feed, a
    # delivery between the two reads hid the post from both.
    waiting = in_order(wide, _WAITING(account.id, wide.max_id, wide.since_id, wide.min_id, limit=wide.limit))
    ids = set(store.read(account.id, wide))
    ids.update(
        _MERGED.union(
            [
                (
                    (follow.target_account_id, account.id, wide.max_id, wide.since_id, wide.min_id),
                    {"show_reblogs": follow.show_reblogs, "limit": wide.limit},
                )
                for follow in _LARGE(account.id, fanout_limit=settings.FANOUT_LIMIT)
            ]
        )
    )
    ids.update(waiting)
    return _shown(viewer, ids, page)


def list_timeline(viewer_account: Account | None, lst: List, page: Page = Page()) -> list[Status]:
    """A list's timeline (its feed, made again from its members' posts when missing), read by
    its owner or by anyone lists.services.may_read lets in, each post through the reader's own
    audience gate and without the reader's muted accounts: a subscriber never sees there what
    the owner may see and they may not."""
    store = feed_store()
    if not store.exists(lst.id):
        rebuild_list(lst)
    viewer = audience.Viewer.of(viewer_account)
    wide = Page(page.max_id, page.since_id, page.min_id, page.limit * OVERFETCH)
    return _shown(viewer, store.read(lst.id, wide), page)


def _shown(viewer: audience.Viewer, ids, page: Page) -> list[Status]:
    """One page of a feed's statuses that the viewer may see, newest first."""
    # Nearest the cursor first: the newest, or with min_id the oldest above it. Hydrate a page's
    # worth at a time, so the spare IDs cost nothing unless the gate drops some.
    ordered = sorted(set(ids), reverse=page.min_id is None)
    shown: list[Status] = []
    for start in range(0, len(ordered), page.limit):
        chunk = _hydrate(ordered[start : start + page.limit])
        shown += [s for s in chunk if audience.can_see(viewer, s) and not_muted(viewer, s)]
        if len(shown) >= page.limit:
            break
    return sorted(shown[: page.limit], key=lambda s: s.id, reverse=True)


def _read(viewer: audience.Viewer, qs, page: Page, key=lambda row: row) -> list:
    """One page of rows, newest first by ID, whose status (`key(row)`) the viewer may see."""
    return read_kept(qs, page, lambda row: audience.can_see(viewer, key(row)))


def _statuses(viewer: audience.Viewer):
    return Status.objects.filter(audience.visible_q(viewer)).gated()


def _with_media(qs, only_media: bool):
    """Only the statuses that carry media, when asked (Mastodon's `only_media`)."""
    return qs.filter(Exists(MediaAttachment.objects.filter(status=OuterRef("pk")))) if only_media else qs

def account_statuses(viewer_account: Account | None, author: Account, page: Page = Page(), **options) -> list[Status]:
    """An account's posts as a viewer may see them (the options: _account_statuses). Another's profile may be
    read a moment old, from a replica; the author's own is read from the primary, where a post just made is."""
    own = viewer_account is not None and viewer_account.pk == author.pk
    return (_account_statuses if own else _others_statuses)(viewer_account, author, page, **options)


def _account_statuses(
    viewer_account: Account | None,
    author: Account,
    page: Page = Page(),
    *,
    exclude_replies: bool = False,
    exclude_reblogs: bool = False,
    pinned: bool = False,
    tagged: str | None = None,
    only_media: bool = False,
) -> list[Status]:
    """An account's posts as a viewer may see them: with or without replies and reposts, only
    those it pinned, only those carrying a hashtag (in the query, so that pages stay full), or only
    those with media. Direct messages are not part of a profile."""
    viewer = audience.Viewer.of(viewer_account)
    if not audience.may_see_posts_of(viewer, author):
        return []
    qs = _statuses(viewer).filter(account=author).exclude(visibility=Visibility.DIRECT)
    if exclude_replies:
        qs = qs.filter(Q(in_reply_to_account__isnull=True) | Q(in_reply_to_account=author))
    if exclude_reblogs:
        qs = qs.filter(reblog__isnull=True)
    if pinned:
        qs = qs.filter(pins__account=author)
    if tagged:
        qs = qs.filter(id__in=StatusTag.objects.filter(tag__name=Tag.key(tagged.lstrip("#"))).values("status_id"))
    return _read(viewer, _with_media(qs, only_media), page)


_others_statuses = replicas.may_lag(_account_statuses)


@replicas.may_lag
def public(viewer_account: Account | None, page: Page = Page(), *, only_media: bool = False) -> list[Status]:
    """Everyone's public posts (not reposts), without the viewer's muted accounts; or only those
    with media."""
    viewer = audience.Viewer.of(viewer_account)
    qs = _statuses(viewer).filter(audience.on_public_timelines_q(), visibility=Visibility.PUBLIC, reblog__isnull=True)
    qs = qs.exclude(account_id__in=viewer.muting)
    return _read(viewer, _with_media(qs, only_media), page)


@replicas.may_lag
def hashtag(
    viewer_account: Account | None, name: str, page: Page = Page(), *, any_of=(), all_of=(), none_of=(), only_media=False
) -> list[Status]:
    """Public posts carrying a hashtag, however its case was written, as Mastodon's tag feed
    takes them: the hashtag or any of `any_of`, and every one of `all_of`, and none of `none_of`
    (the first TAGS_PER_MODE of each, as Mastodon caps them, so no request makes an unbounded query),
    or only those with media."""
    viewer = audience.Viewer.of(viewer_account)
    any_of, all_of, none_of = (list(names)[:TAGS_PER_MODE] for names in (any_of, all_of, none_of))

    def carrying(names):
        return StatusTag.objects.filter(tag__name__in=[Tag.key(n.lstrip("#")) for n in names]).values("status_id")

    qs = _statuses(viewer).filter(
        audience.on_public_timelines_q(), id__in=carrying([name, *any_of]), visibility=Visibility.PUBLIC
    )
    for required in all_of:
        qs = qs.filter(id__in=carrying([required]))
    if none_of:
        qs = qs.exclude(id__in=carrying(none_of))
    return _read(viewer, _with_media(qs.exclude(account_id__in=viewer.muting), only_media), page)


def mentions(account: Account, page: Page = Page()) -> list[Status]:
    """Posts that mention the account, as far as it may see them."""
    viewer = audience.Viewer.of(account)
    qs = _statuses(viewer).filter(mentions__account=account)
    return _read(viewer, qs, page)


def favourites(account: Account, page: Page = Page()) -> list[Favourite]:
    """The account's likes, newest like first (paged by the like's ID, as Mastodon does)."""
    viewer = audience.Viewer.of(account)
    qs = Favourite.objects.filter(account=account).select_related("status__account", "status__reblog__account")
    return _read(viewer, qs.prefetch_related("status__mentions"), page, key=lambda f: f.status)


def bookmarks(account: Account, page: Page = Page()) -> list[Bookmark]:
    viewer = audience.Viewer.of(account)
    qs = Bookmark.objects.filter(account=account).select_related("status__account", "status__reblog__account")
    return _read(viewer, qs.prefetch_related("status__mentions"), page, key=lambda b: b.status)


def liked_by(viewer_account: Account | None, author: Account, page: Page = Page()) -> list[Favourite]:
    """An account's likes as another viewer may see them: only liked posts the viewer may see."""
    viewer = audience.Viewer.of(viewer_account)
    if not audience.may_see_posts_of(viewer, author):
        return []
    qs = Favourite.objects.filter(account=author).select_related("status__account", "status__reblog__account")
    return _read(viewer, qs.prefetch_related("status__mentions"), page, key=lambda f: f.status)
