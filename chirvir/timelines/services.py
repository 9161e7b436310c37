"""Timelines: delivering a status into home feeds (fan-out on write), and every timeline read,
each one filtered through the audience gate.

Who gets a status in their home feed: its author, and the followers of its author, except
- nobody but the author for a direct message (it lives in conversations instead);
- nobody but the author when the author has more than CHIRVIR_FANOUT_LIMIT followers: readers
  merge such accounts' posts in when they read;
- a reply to someone else reaches only followers who also follow that someone (as the seeds
  describe @replies);
- a repost skips followers who asked not to see the reposts of its author.
"""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from chirvir import audience
from chirvir.accounts.models import Account, Follow
from chirvir.core.paging import Page, paginate
from chirvir.events import bus as events
from chirvir.statuses.models import Bookmark, Favourite, Status, StatusTag, Tag, Visibility
from chirvir.timelines.feeds import Entry, feed_store

# A page is read with some spare, so statuses the gate drops do not leave it short.
OVERFETCH = 2
MERGED_ON_FOLLOW = 40
DELIVERY_BATCH = 64
TAGS_PER_MODE = 4
DELIVERY_FIELDS = (
    "account_id", "visibility", "reblog_id", "in_reply_to_account_id", "delivered_at",
    "account__followers_count", "reblog__account_id",
)


def _entry(status: Status) -> Entry:
    origin = status.reblog.account_id if status.reblog_id else status.account_id
    return Entry(status_id=status.id, author_id=status.account_id, origin_author_id=origin)


def home_recipients(status: Status) -> list[int]:
    """The accounts whose home feeds get this status on write (see the module's rules)."""
    author = status.account
    if status.visibility == Visibility.DIRECT or author.followers_count > settings.FANOUT_LIMIT:
        return [author.id]
    follows = Follow.objects.filter(target_account_id=author.id)
    if status.reblog_id:
        follows = follows.filter(show_reblogs=True).exclude(account_id=status.reblog.account_id)
    if status.in_reply_to_account_id and status.in_reply_to_account_id != author.id:
        also_following = Follow.objects.filter(target_account_id=status.in_reply_to_account_id).values("account_id")
        follows = follows.filter(Q(account_id__in=also_following) | Q(account_id=status.in_reply_to_account_id))
    return [author.id, *follows.values_list("account_id", flat=True)]


def stream_keys(status: Status, recipients: list[int]) -> list[str]:
    """The live streams that show a status (chirvir/events): its home recipients' and, for a
    public post that is not a repost, the public stream and those of its hashtags, as Mastodon's
    public timelines take them."""
    keys = [events.home(account_id) for account_id in recipients]
    if status.visibility == Visibility.PUBLIC and not status.reblog_id:
        keys += [events.PUBLIC, *(events.hashtag(tag.name) for tag in status.tags.all())]
    return keys


def deliver_status(status_id: int) -> int:
    """Push a stored status into its recipients' home feeds and mark it delivered, together
    with the statuses waiting after it (up to DELIVERY_BATCH): one write for many posts touches
    each feed page once. Recipients are read before any write, so the database's write lock is
    held only for the rows themselves. Safe to run again, or beside another worker: a delivered
    or deleted status is left alone, and pushing twice adds nothing. Returns how many it
    delivered."""
    waiting = Status.objects.filter(delivered_at__isnull=True)
    if not waiting.filter(id=status_id).exists():
        return 0  # delivered with an earlier batch, or deleted: the common case, kept cheap
    # Only the columns delivery reads: this is the hot path of every post.
    batch = list(
        waiting.filter(id__gte=status_id)
        .select_related("account", "reblog")
        .only(*DELIVERY_FIELDS)
        .prefetch_related("tags")
        .order_by("id")[:DELIVERY_BATCH]
    )
    if not batch:
        return 0
    pushes = [(_entry(status), home_recipients(status)) for status in batch]
    # Live streams hear of each post once its feeds have it; like the recipients, their keys are
    # read before the write lock.
    updates = [(status.id, stream_keys(status, recipients)) for status, (_, recipients) in zip(batch, pushes)]
    store = feed_store()
    with transaction.atomic():
        mine = {s.id for s in batch}
        if connection.features.has_select_for_update:
            # PostgreSQL lets two workers' batches overlap (SQLite lets one writer in at a time):
            # each delivers only the posts it locked first and finds still undelivered, so no
            # post is pushed or announced twice.
            mine = set(waiting.filter(id__in=mine).select_for_update(skip_locked=True).values_list("id", flat=True))
        for status, (entry, recipients) in zip(batch, pushes):
            if status.id in mine:
                store.push(entry, recipients)
        waiting.filter(id__in=mine).update(delivered_at=timezone.now())
        events.publish_all((keys, "update", {"status_id": posted_id}) for posted_id, keys in updates if posted_id in mine)
    return len(mine)


def announce_edit(status_id: int, earlier_tags: list[str] = ()) -> None:
    """Tell the live streams that show an edited status, as delivery told them of it, that it
    changed (Mastodon's `status.update`): its home recipients' and, for a public post, the public
    stream and those of its hashtags, now and before the edit; the homes its reposts reached;
    and for a direct message, its participants' conversations."""
    status = Status.objects.filter(id=status_id).select_related("account").prefetch_related("tags", "mentions").first()
    if status is None:
        return  # deleted since
    keys = stream_keys(status, home_recipients(status))
    if status.visibility == Visibility.PUBLIC:
        keys += [events.hashtag(name) for name in earlier_tags]
    for repost in Status.objects.filter(reblog=status).select_related("account", "reblog"):
        keys += stream_keys(repost, home_recipients(repost))
    events.publish(keys, "status.update", {"status_id": status.id})
    if status.visibility == Visibility.DIRECT:
        participants = [status.account_id, *status.mentioned_account_ids]
        events.publish([events.direct(i) for i in participants], "conversation", {"status_id": status.id})


def redeliver_lost(older_than_seconds: float = 30) -> list[int]:
    """IDs of statuses still undelivered some time after they were stored: their delivery job
    was lost (a crash between commit and queue). The sweep re-queues them."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(Status.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff).values_list("id", flat=True)[:1000])


def remove_from_homes(status_ids: list[int]) -> None:
    feed_store().remove_statuses(status_ids)


def unmerge_from_home(owner_id: int, author_id: int) -> None:
    """After an unfollow or a block: the author's posts and reposts of them leave the feed."""
    feed_store().remove_author(owner_id, author_id)


def merge_into_home(owner_id: int, author_id: int) -> None:
    """After a follow: the author's recent posts join the feed, as if delivered then."""
    store = feed_store()
    follow = Follow.objects.filter(account_id=owner_id, target_account_id=author_id).select_related("account").first()
    if follow is None or not store.exists(owner_id):
        return  # unfollowed since, or the feed will be rebuilt whole when first read
    for status in _deliverable(follow.account, _posts_of(follow), MERGED_ON_FOLLOW):
        store.push(_entry(status), [owner_id])


def _posts_of(follow: Follow):
    """What of the followed account's posts its follower's home takes."""
    qs = Status.objects.filter(account_id=follow.target_account_id).exclude(reblog__account_id=follow.account_id)
    return qs if follow.show_reblogs else qs.filter(reblog__isnull=True)


def _deliverable(owner: Account, qs, limit: int) -> list[Status]:
    """What delivery would have pushed to this owner out of the newest `limit` of some statuses."""
    viewer = audience.Viewer.of(owner)
    statuses = (
        qs.exclude(visibility=Visibility.DIRECT).gated().order_by("-id")[:limit]
    )
    following = viewer.following | {owner.id}
    return [
        s
        for s in statuses
        if audience.can_see(viewer, s)
        and (s.in_reply_to_account_id is None or s.in_reply_to_account_id in following)
    ]


def rebuild_home(owner: Account) -> None:
    """Make a missing home feed again from the follow graph: the newest posts of the owner and
    of the followed accounts that are fanned out on write, as delivery would have pushed them."""
    follows = Follow.objects.filter(account=owner, target_account__followers_count__lte=settings.FANOUT_LIMIT)
    quiet = follows.filter(show_reblogs=False).values_list("target_account_id", flat=True)
    candidates = (
        Status.objects.filter(account_id__in=[owner.id, *follows.values_list("target_account_id", flat=True)])
        .exclude(reblog__account_id=owner.id)
        .exclude(reblog__isnull=False, account_id__in=list(quiet))
    )
    feed_store().replace(owner.id, [_entry(s) for s in _deliverable(owner, candidates, settings.FEED_LENGTH)])


def _hydrate(ids: list[int]) -> list[Status]:
    by_id = {
        s.id: s
        for s in Status.objects.filter(id__in=ids).gated().select_related("in_reply_to_account")
    }
    return [by_id[i] for i in ids if i in by_id]


def not_muted(viewer: audience.Viewer, status: Status) -> bool:
    """Neither the status nor the original it reposts is by an account the viewer muted."""
    return status.account_id not in viewer.muting and (
        status.reblog is None or status.reblog.account_id not in viewer.muting
    )


def home(account: Account, page: Page = Page()) -> list[Status]:
    """The account's home timeline: its feed, with the posts of followed accounts too large to
    fan out merged in, through the audience gate, without muted accounts."""
    store = feed_store()
    if not store.exists(account.id):
        rebuild_home(account)
    viewer = audience.Viewer.of(account)
    wide = Page(page.max_id, page.since_id, page.min_id, page.limit * OVERFETCH)
    ids = set(store.read(account.id, wide))
    for follow in Follow.objects.filter(account=account, target_account__followers_count__gt=settings.FANOUT_LIMIT):
        merged = _posts_of(follow).exclude(visibility=Visibility.DIRECT)
        merged = merged.filter(Q(in_reply_to_account_id__isnull=True) | Q(in_reply_to_account_id__in=viewer.following | {account.id}))
        ids.update(s.id for s in paginate(merged.only("id"), wide))
    # The reader's own posts still waiting for delivery show at once (a page reloaded right
    # after posting); the partial index on undelivered posts keeps this one short read.
    waiting = Status.objects.filter(delivered_at__isnull=True, account=account).exclude(visibility=Visibility.DIRECT)
    ids.update(s.id for s in paginate(waiting.only("id"), wide))
    # Nearest the cursor first: the newest, or with min_id the oldest above it. Hydrate a page's
    # worth at a time, so the spare IDs cost nothing unless the gate drops some.
    ordered = sorted(ids, reverse=page.min_id is None)
    shown: list[Status] = []
    for start in range(0, len(ordered), page.limit):
        chunk = _hydrate(ordered[start : start + page.limit])
        shown += [s for s in chunk if audience.can_see(viewer, s) and not_muted(viewer, s)]
        if len(shown) >= page.limit:
            break
    return sorted(shown[: page.limit], key=lambda s: s.id, reverse=True)


def _read(viewer: audience.Viewer, qs, page: Page, key=lambda row: row) -> list:
    """One page of rows, newest first by ID, whose status (`key(row)`) the viewer may see.
    Reads on past rows the gate drops until the page is full or the rows run out."""
    result = []
    cursor = page
    while True:
        rows = paginate(qs, cursor)
        result += [r for r in rows if audience.can_see(viewer, key(r))]
        if len(result) >= page.limit or len(rows) < page.limit or page.min_id is not None:
            return result[: page.limit]
        cursor = Page(max_id=rows[-1].id, since_id=page.since_id, limit=page.limit)


def _statuses(viewer: audience.Viewer):
    return (
        Status.objects.filter(audience.visible_q(viewer)).gated().select_related("in_reply_to_account")
    )


def account_statuses(
    viewer_account: Account | None,
    author: Account,
    page: Page = Page(),
    *,
    exclude_replies: bool = False,
    exclude_reblogs: bool = False,
    pinned: bool = False,
    tagged: str | None = None,
) -> list[Status]:
    """An account's posts as a viewer may see them: with or without replies and reposts, only
    those it pinned, or only those carrying a hashtag (in the query, so that pages stay full).
    Direct messages are not part of a profile."""
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
    return _read(viewer, qs, page)


def public(viewer_account: Account | None, page: Page = Page()) -> list[Status]:
    """Everyone's public posts (not reposts), without the viewer's muted accounts."""
    viewer = audience.Viewer.of(viewer_account)
    qs = _statuses(viewer).filter(visibility=Visibility.PUBLIC, reblog__isnull=True)
    qs = qs.exclude(account_id__in=viewer.muting)
    return _read(viewer, qs, page)


def hashtag(
    viewer_account: Account | None, name: str, page: Page = Page(), *, any_of=(), all_of=(), none_of=()
) -> list[Status]:
    """Public posts carrying a hashtag, however its case was written, as Mastodon's tag feed
    takes them: the hashtag or any of `any_of`, and every one of `all_of`, and none of `none_of`
    (the first TAGS_PER_MODE of each, as Mastodon caps them, so no request makes an unbounded query)."""
    viewer = audience.Viewer.of(viewer_account)
    any_of, all_of, none_of = (list(names)[:TAGS_PER_MODE] for names in (any_of, all_of, none_of))

    def carrying(names):
        return StatusTag.objects.filter(tag__name__in=[Tag.key(n.lstrip("#")) for n in names]).values("status_id")

    qs = _statuses(viewer).filter(id__in=carrying([name, *any_of]), visibility=Visibility.PUBLIC)
    for required in all_of:
        qs = qs.filter(id__in=carrying([required]))
    if none_of:
        qs = qs.exclude(id__in=carrying(none_of))
    return _read(viewer, qs.exclude(account_id__in=viewer.muting), page)


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
