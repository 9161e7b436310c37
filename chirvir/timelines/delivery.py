"""Where a post goes: into home feeds (fan-out on write) and onto the live streams that may show
it, when it is posted, edited or deleted, and when a follow or a block changes a feed. Jobs in
timelines/tasks.py run this after the use case's transaction commits; timelines/reads.py reads.

Who gets a status in their home feed: its author, and the followers of its author, except
- nobody inactive for more than CHIRVIR_ACTIVE_DAYS (active_since): a returning account's feeds
  are rebuilt from the follow graph when it comes back, as Mastodon fans out to active users only;
- nobody but the author for a direct message (it lives in conversations instead);
- nobody but the author when the author has more than CHIRVIR_FANOUT_LIMIT followers: readers
  merge such accounts' posts in when they read;
- a reply to someone else reaches only followers who also follow that someone (as Twitter's
  @replies reached only those who follow both);
- a repost skips followers who asked not to see the reposts of its author;
- a follower who keeps its author in an `exclusive` list reads them there instead of at home;
and, beyond its author's followers, the followers of its hashtags, for a public post that is not
a repost of an account neither protected nor suspended (audience.open_to_strangers), except those
who block or are blocked by its author, who mute it, or who read it in an exclusive list. Mastodon
takes them so too (its fan-out to hashtag followers), replies included.

Which lists get a status: those holding its author whose owner follows the author (a member
stays one only while followed, and a protected member's posts so reach only owners it approved),
never for a direct message; a reply to someone else as the list's `replies_policy` says
(`takes_reply`); a repost as a home would take it; and only lists of owners active within
CHIRVIR_ACTIVE_DAYS, as homes. Lists are pushed to whatever the author's followers count: an
account is in few lists.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from chirvir import audience
from chirvir.accounts.models import Account, Follow, Mute
from chirvir.core import metrics
from chirvir.core.paging import Page
from chirvir.core.queries import Prepared
from chirvir.events import bus as events
from chirvir.lists.models import List, ListMember, RepliesPolicy
from chirvir.statuses.models import Status, Visibility
from chirvir.tags.models import TagFollow
from chirvir.timelines.feeds import Entry, feed_store
from chirvir.timelines.signals import status_delivered

MERGED_ON_FOLLOW = 40
DELIVERY_BATCH = 64
DELIVERY_FIELDS = (
    "account_id", "visibility", "reblog_id", "in_reply_to_account_id", "delivered_at",
    "account__followers_count", "account__locked", "account__is_active", "account__silenced_at", "reblog__account_id",
)


@dataclass(frozen=True)
class Route:
    """What decides where a status goes, read from its row, or for a deleted status from what
    its deletion remembered of it."""

    status_id: int
    author_id: int
    visibility: str
    reblog_author_id: int | None
    in_reply_to_account_id: int | None
    tags: tuple[str, ...]
    author_followers: int
    has_media: bool = False
    author_silenced: bool = False  # a silenced account's posts stay off the public streams
    author_locked: bool = False
    author_active: bool = True

    @classmethod
    def of(cls, status: Status) -> "Route":
        return cls(
            status_id=status.id,
            author_id=status.account_id,
            visibility=status.visibility,
            reblog_author_id=status.reblog.account_id if status.reblog_id else None,
            in_reply_to_account_id=status.in_reply_to_account_id,
            tags=tuple(tag.name for tag in status.tags.all()),
            author_followers=status.account.followers_count,
            has_media=bool(status.media_attachments.all()),
            author_silenced=status.account.silenced_at is not None,
            author_locked=status.account.locked,
            author_active=status.account.is_active,
        )


def _entry(status: Status) -> Entry:
    origin = status.reblog.account_id if status.reblog_id else status.account_id
    return Entry(status_id=status.id, author_id=status.account_id, origin_author_id=origin)


def home_recipients(route: Route) -> list[int]:
    """The accounts whose home feeds get this status on write (see the module's rules): its
    author's followers that take it, then its hashtags' followers that are not among them."""
    homes = _follower_recipients(route)
    taken = set(homes)
    return homes + [i for i in tag_follower_recipients(route) if i not in taken]


def tag_follower_recipients(route: Route) -> list[int]:
    """The followers of a status's hashtags whose homes get it (see the module's rules)."""
    if not route.tags or route.reblog_author_id is not None:
        return []
    if not audience.open_to_strangers(route.visibility, route.author_locked, route.author_active):
        return []
    if not _TAG_FOLLOWED(list(route.tags)):
        return []  # nobody follows these hashtags, as for most: one indexed lookup instead of the query below
    return sorted(set(_TAG_FOLLOWERS(list(route.tags), active_since(), timezone.now(), route.author_id)))


def _tag_followers(tags, since, now, author_id: int):
    following = TagFollow.objects.filter(tag__name__in=tags, account__last_active_at__gte=since).values("account_id")
    muting = Mute.objects.in_force(now).filter(target_account_id=author_id).values("account_id")
    return (
        TagFollow.objects.filter(audience.unblocked(following, author_id))
        .exclude(account_id__in=muting)
        .exclude(account_id__in=_exclusive_owners(author_id))
        .exclude(account_id=author_id)
        .values_list("account_id", flat=True)
    )


def _follower_recipients(route: Route) -> list[int]:
    if route.visibility == Visibility.DIRECT or route.author_followers > settings.FANOUT_LIMIT:
        return [route.author_id]
    replied = route.in_reply_to_account_id
    replied = replied if replied and replied != route.author_id else None
    return [route.author_id, *_FOLLOWERS(route.author_id, active_since(), route.reblog_author_id, replied)]


def _followers(author_id: int, since, reblog_author_id: int | None, replied_id: int | None):
    follows = Follow.objects.filter(target_account_id=author_id, account__last_active_at__gte=since)
    follows = follows.exclude(account_id__in=_exclusive_owners(author_id))
    if reblog_author_id is not None:
        follows = follows.filter(show_reblogs=True).exclude(account_id=reblog_author_id)
    if replied_id is not None:
        also_following = Follow.objects.filter(target_account_id=replied_id).values("account_id")
        follows = follows.filter(Q(account_id__in=also_following) | Q(account_id=replied_id))
    return follows.values_list("account_id", flat=True)


def _exclusive_owners(author_id: int):
    return List.objects.filter(exclusive=True, members__account_id=author_id).values("owner_id")


def _lists_of(author_id: int, since, reblog_author_id: int | None):
    followers = Follow.objects.filter(target_account_id=author_id)
    lists = List.objects.filter(
        members__account_id=author_id, owner_id__in=followers.values("account_id"), owner__last_active_at__gte=since
    )
    if reblog_author_id is not None:
        quiet = followers.filter(show_reblogs=False).values("account_id")
        lists = lists.exclude(owner_id=reblog_author_id).exclude(owner_id__in=quiet)
    return lists.only("id", "owner_id", "replies_policy")


# Every delivered post asks these; Django compiled them anew for each post, which cost most of a
# delivery (docs/performance.md). Compiled once (chirvir/core/queries.py) and read afresh at each
# call, so a follow, a block, a mute or a list changed by any process counts at the next delivery.
_FOLLOWERS = Prepared(_followers)
_TAG_FOLLOWED = Prepared(lambda tags: TagFollow.objects.filter(tag__name__in=tags).values_list("id", flat=True)[:1])
_TAG_FOLLOWERS = Prepared(_tag_followers)
_LISTS = Prepared(_lists_of)
# Most delivery jobs find their post delivered with an earlier batch: this is all they ask.
_UNDELIVERED = Prepared(
    lambda status_id: Status.objects.filter(delivered_at__isnull=True, id=status_id).values_list("id", flat=True)[:1]
)


def takes_reply(
    lst: List, replied_id: int | None, author_id: int, owner_follows_replied: bool, replied_is_member: bool
) -> bool:
    """Whether a list shows a member's post that replies to `replied_id`: a post that is no
    reply, a reply to oneself or to the list's owner always; a reply to someone else if the
    owner follows them (`followed`) or they are on the list (`list`), never with `none`."""
    if replied_id is None or replied_id in (author_id, lst.owner_id):
        return True
    if lst.replies_policy == RepliesPolicy.FOLLOWED:
        return owner_follows_replied
    return lst.replies_policy == RepliesPolicy.LIST and replied_is_member


def list_recipients(route: Route) -> list[int]:
    """The lists whose feeds get this status on write (see the module's rules)."""
    if route.visibility == Visibility.DIRECT:
        return []
    lists = _LISTS(route.author_id, active_since(), route.reblog_author_id)
    replied = route.in_reply_to_account_id
    if not lists or replied is None or replied == route.author_id:
        return [lst.id for lst in lists]
    owners = {lst.owner_id for lst in lists}
    following = Follow.objects.filter(target_account_id=replied, account_id__in=owners)
    following = set(following.values_list("account_id", flat=True))
    holding = set(ListMember.objects.filter(account_id=replied, list__in=lists).values_list("list_id", flat=True))
    return [
        lst.id
        for lst in lists
        if takes_reply(lst, replied, route.author_id, lst.owner_id in following, lst.id in holding)
    ]


def stream_keys(route: Route, recipients: list[int], lists: list[int] = ()) -> list[str]:
    """The live streams that may show a status (chirvir/events): its home recipients' and its
    lists' and, for a public post that is not a repost, the public stream and those of its
    hashtags, as Mastodon's public timelines take them, and the public media stream for one with
    media. Each subscriber of a stream is then shown only what the audience gate lets it see (a
    protected account's public post reaches its followers there)."""
    keys = [events.home(account_id) for account_id in recipients] + [events.list_feed(i) for i in lists]
    if route.visibility == Visibility.PUBLIC and route.reblog_author_id is None and not route.author_silenced:
        keys += [events.PUBLIC, *(events.hashtag(name) for name in route.tags)]
        if route.has_media:
            keys.append(events.PUBLIC_MEDIA)
    return keys


def _conversation_keys(status: Status) -> list[str]:
    """The direct streams of a direct message's participants: its author and the mentioned
    accounts that may see it."""
    mentioned = Account.objects.filter(id__in=status.mentioned_account_ids)
    readers = [a.id for a in mentioned if audience.can_see(audience.Viewer.of(a), status)]
    return [events.direct(account_id) for account_id in [status.account_id, *readers]]


def _claimed(status_ids: list[int]) -> list[int]:
    """On PostgreSQL, the statuses this transaction now delivers and no other worker's does: a
    claim is an advisory lock keyed by the status's ID, taken without waiting and held until
    commit. Not a row lock: a favourite, a reply or a repost locks the row for its count as the
    post goes out, and a delivery that took that for another worker's would leave the post to
    the sweep, half a minute later."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM unnest(%s::bigint[]) AS id WHERE pg_try_advisory_xact_lock(id)", [status_ids])
        return [id_ for (id_,) in cursor.fetchall()]


def deliver_status(status_id: int) -> int:
    """Push a stored status into its recipients' home feeds and mark it delivered, together
    with the statuses waiting after it (up to DELIVERY_BATCH): one write for many posts touches
    each feed page once. Recipients are read before any write, so the database's write lock is
    held only for the rows themselves. Safe to run again, or beside another worker: a delivered
    or deleted status is left alone, and pushing twice adds nothing. Returns how many it
    delivered."""
    waiting = Status.objects.filter(delivered_at__isnull=True)
    if not _UNDELIVERED(status_id):
        return 0  # delivered with an earlier batch, or deleted: the common case, kept cheap
    # Only the columns delivery reads: this is the hot path of every post.
    batch = list(
        waiting.filter(id__gte=status_id)
        .select_related("account", "reblog")
        .only(*DELIVERY_FIELDS)
        .prefetch_related("tags", "media_attachments")
        .order_by("id")[:DELIVERY_BATCH]
    )
    if not batch:
        return 0
    pushes = [
        (_entry(status), home_recipients(route := Route.of(status)), list_recipients(route), route) for status in batch
    ]
    # Live streams hear of each post once its feeds have it; like the recipients, their keys are
    # read before the write lock. A direct message also shows in its participants' conversations.
    updates = [(s.id, stream_keys(route, homes, lists)) for s, (_, homes, lists, route) in zip(batch, pushes)]
    direct = [s.id for s in batch if s.visibility == Visibility.DIRECT]
    conversations = [(s.id, _conversation_keys(s)) for s in Status.objects.filter(id__in=direct).gated()] if direct else []
    store = feed_store()
    with transaction.atomic():
        # The batch was read before this transaction, and another worker may have delivered some
        # of it since: each worker delivers only the posts it finds still undelivered now, so no
        # post is pushed or announced twice. On SQLite the write lock, taken as this began
        # (IMMEDIATE), keeps them so until it commits. PostgreSQL lets two workers' batches
        # overlap: each first claims the posts no other worker holds, then reads which of them
        # are still undelivered, in a snapshot taken after the claims.
        ids = [s.id for s in batch]
        if connection.vendor == "postgresql":
            ids = _claimed(ids)
        mine = set(waiting.filter(id__in=ids).values_list("id", flat=True))
        for status, (entry, homes, lists, _) in zip(batch, pushes):
            if status.id in mine:
                store.push(entry, [*homes, *lists])
        waiting.filter(id__in=mine).update(delivered_at=timezone.now())
        transaction.on_commit(lambda: metrics.delivered(mine))
        # A direct message's conversation first, as its participants' apps list it before the
        # message reaches the author's home.
        news = [(keys, "conversation", posted_id) for posted_id, keys in conversations]
        news += [(keys, "update", posted_id) for posted_id, keys in updates]
        events.publish_all((keys, name, {"status_id": posted_id}) for keys, name, posted_id in news if posted_id in mine)
        # The gateways hear of each post once: the worker that delivered it tells them, after commit.
        for status, (_, homes, _, _) in zip(batch, pushes):
            if status.id in mine:
                transaction.on_commit(
                    lambda status_id=status.id, homes=homes: status_delivered.send(
                        sender=None, status_id=status_id, recipient_ids=homes
                    )
                )
    return len(mine)


def announce_edit(status_id: int, earlier_tags: list[str] = ()) -> None:
    """Tell the live streams that show an edited status, as delivery told them of it, that it
    changed (Mastodon's `status.update`): its home recipients' and, for a public post, the public
    stream and those of its hashtags, now and before the edit; the homes its reposts reached;
    and for a direct message, its participants' conversations."""
    status = Status.objects.filter(id=status_id).select_related("account").prefetch_related("tags", "mentions").first()
    if status is None:
        return  # deleted since
    route = Route.of(status)
    # The followers of a hashtag the edit took out were shown the post too.
    homes = home_recipients(replace(route, tags=(*route.tags, *earlier_tags)))
    keys = stream_keys(route, homes, list_recipients(route))
    if events.PUBLIC in keys:
        keys += [events.hashtag(name) for name in earlier_tags]
    for repost in Status.objects.filter(reblog=status).select_related("account", "reblog").prefetch_related("tags"):
        repost_route = Route.of(repost)
        keys += stream_keys(repost_route, home_recipients(repost_route), list_recipients(repost_route))
    events.publish(keys, "status.update", {"status_id": status.id})
    if status.visibility == Visibility.DIRECT:
        events.publish(_conversation_keys(status), "conversation", {"status_id": status.id})


def announce_delete(gone: list[dict]) -> None:
    """Tell the live streams that may have shown deleted statuses that they are gone: the same
    streams their delivery went to, worked out from what the deletion remembered of each
    (status_id, account_id, visibility, reblog_account_id, in_reply_to_account_id, tags, has_media)."""
    authors = {a.id: a for a in Account.objects.filter(id__in={g["account_id"] for g in gone})}
    for g in gone:
        author = authors.get(g["account_id"])
        if author is None:
            continue
        route = Route(
            status_id=g["status_id"],
            author_id=author.id,
            visibility=g["visibility"],
            reblog_author_id=g["reblog_account_id"],
            in_reply_to_account_id=g["in_reply_to_account_id"],
            tags=tuple(g["tags"]),
            author_followers=author.followers_count,
            has_media=g.get("has_media", False),  # a job queued before media remembered none
            author_locked=author.locked,
            author_active=author.is_active,
        )
        # The author goes with the news: a stream shows it only to those who may read the
        # author's posts, as it showed the post itself.
        payload = {"status_id": route.status_id, "account_id": author.id}
        events.publish(stream_keys(route, home_recipients(route), list_recipients(route)), "delete", payload)


def redeliver_lost(older_than_seconds: float = 30) -> list[int]:
    """IDs of statuses still undelivered some time after they were stored: their delivery job
    was lost (a crash between commit and queue). The sweep re-queues them."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(Status.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff).values_list("id", flat=True)[:1000])


def remove_from_homes(status_ids: list[int]) -> None:
    """Deleted statuses leave every feed: homes and lists alike."""
    feed_store().remove_statuses(status_ids)


def unmerge_from_home(owner_id: int, author_id: int) -> None:
    """After an unfollow or a block: the author's posts and reposts of them leave the feed."""
    feed_store().remove_author(owner_id, author_id)


def unmerge_tag_from_home(owner_id: int, tag_id: int) -> None:
    """After a hashtag is unfollowed: its posts leave the feed, but those of accounts the owner
    follows, its own, and those carrying another hashtag it still follows."""
    followed = TagFollow.objects.filter(account_id=owner_id).values("tag_id")
    kept = Follow.objects.filter(account_id=owner_id).values("target_account_id")
    gone = (
        Status.objects.filter(id__in=feed_store().read(owner_id, Page(limit=settings.FEED_LENGTH)), tags__id=tag_id)
        .exclude(account_id=owner_id)
        .exclude(account_id__in=kept)
        .exclude(tags__in=followed)
        .values_list("id", flat=True)
    )
    feed_store().remove_from(owner_id, list(gone))


def merge_into_home(owner_id: int, author_id: int) -> None:
    """After a follow: the author's recent posts join the feed, as if delivered then."""
    store = feed_store()
    follow = Follow.objects.filter(account_id=owner_id, target_account_id=author_id).select_related("account").first()
    if follow is None or not store.exists(owner_id):
        return  # unfollowed since, or the feed will be rebuilt whole when first read
    if exclusive_members(owner_id).filter(account_id=author_id).exists():
        return  # read in an exclusive list instead
    for status in _deliverable(follow.account, posts_of(follow), MERGED_ON_FOLLOW):
        store.push(_entry(status), [owner_id])


def posts_of(follow: Follow):
    """What of the followed account's posts its follower's home takes."""
    qs = Status.objects.filter(account_id=follow.target_account_id).exclude(reblog__account_id=follow.account_id)
    return qs if follow.show_reblogs else qs.filter(reblog__isnull=True)


def _deliverable(owner: Account, qs, limit: int) -> list[Status]:
    """What delivery would have pushed to this owner out of the newest `limit` of some statuses."""
    viewer = audience.Viewer.of(owner)
    statuses = qs.exclude(visibility=Visibility.DIRECT).gated().order_by("-id")[:limit]
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
    follows = follows.exclude(target_account_id__in=exclusive_members(owner.id))
    quiet = follows.filter(show_reblogs=False).values_list("target_account_id", flat=True)
    candidates = (
        Status.objects.filter(account_id__in=[owner.id, *follows.values_list("target_account_id", flat=True)])
        .exclude(reblog__account_id=owner.id)
        .exclude(reblog__isnull=False, account_id__in=list(quiet))
    )
    found = {s.id: s for s in _deliverable(owner, candidates, settings.FEED_LENGTH)}
    found.update((s.id, s) for s in _tagged_for(owner, settings.FEED_LENGTH))
    newest = sorted(found.values(), key=lambda s: s.id, reverse=True)[: settings.FEED_LENGTH]
    feed_store().replace(owner.id, [_entry(s) for s in newest])


def _tagged_for(owner: Account, limit: int) -> list[Status]:
    """What delivery would have pushed to this owner for the hashtags it follows, out of the
    newest `limit` public posts carrying them (tag_follower_recipients' rule)."""
    followed = TagFollow.objects.filter(account=owner).values("tag_id")
    viewer = audience.Viewer.of(owner)
    candidates = (
        Status.objects.filter(visibility=Visibility.PUBLIC, reblog__isnull=True, tags__in=followed)
        .exclude(account_id__in=viewer.muting)
        .exclude(account_id__in=exclusive_members(owner.id))
        .distinct()
        .gated()
        .order_by("-id")[:limit]
    )
    return [s for s in candidates if audience.open_to_strangers(s.visibility, s.account.locked, s.account.is_active)
            and audience.can_see(viewer, s)]


def exclusive_members(owner_id: int):
    """The accounts the owner reads in an exclusive list rather than at home."""
    return ListMember.objects.filter(list__owner_id=owner_id, list__exclusive=True).values("account_id")


def _list_entries(lst: List, member_ids, limit: int) -> list[Entry]:
    """What delivery would have pushed to a list out of its members' newest `limit` statuses."""
    owner = lst.owner
    follows = Follow.objects.filter(account=owner, target_account_id__in=list(member_ids))
    followed = dict(follows.values_list("target_account_id", "show_reblogs"))
    quiet = [i for i, reblogs in followed.items() if not reblogs]
    candidates = (
        Status.objects.filter(account_id__in=list(followed))
        .exclude(reblog__account_id=owner.id)
        .exclude(reblog__isnull=False, account_id__in=quiet)
        .exclude(visibility=Visibility.DIRECT)
        .gated()
        .order_by("-id")[:limit]
    )
    viewer = audience.Viewer.of(owner)
    members = set(ListMember.objects.filter(list=lst).values_list("account_id", flat=True))
    return [
        _entry(s)
        for s in candidates
        if audience.can_see(viewer, s)
        and takes_reply(
            lst,
            s.in_reply_to_account_id,
            s.account_id,
            s.in_reply_to_account_id in viewer.following,
            s.in_reply_to_account_id in members,
        )
    ]


def rebuild_list(lst: List) -> None:
    """Make a missing list feed again from its members' posts, as delivery would have pushed them."""
    members = ListMember.objects.filter(list=lst).values_list("account_id", flat=True)
    feed_store().replace(lst.id, _list_entries(lst, members, settings.FEED_LENGTH))


def merge_into_list(list_id: int, account_id: int) -> None:
    """After a member joins: their recent posts join the list's feed, as if delivered then."""
    lst = List.objects.filter(id=list_id, members__account_id=account_id).select_related("owner").first()
    store = feed_store()
    if lst is None or not store.exists(list_id):
        return  # removed since, or the feed will be rebuilt whole when first read
    for entry in _list_entries(lst, [account_id], MERGED_ON_FOLLOW):
        store.push(entry, [list_id])


def unmerge_from_list(list_id: int, account_id: int) -> None:
    """After a member leaves: their posts and reposts of them leave the list's feed."""
    feed_store().remove_author(list_id, account_id)


def drop_list_feed(list_id: int) -> None:
    feed_store().drop(list_id)


def drop_feeds_of(owner_id: int) -> None:
    """Forget an account's home feed and its lists' feeds: each is rebuilt whole when next read
    (an account back after fan-out passed it by)."""
    store = feed_store()
    for feed_id in [owner_id, *List.objects.filter(owner_id=owner_id).values_list("id", flat=True)]:
        store.drop(feed_id)


def active_since():
    """Fan-out on write reaches accounts active since then (settings.ACTIVE_DAYS, kept by
    chirvir/accounts/activity.py); the others' feeds are rebuilt when they come back."""
    return timezone.now() - timezone.timedelta(days=settings.ACTIVE_DAYS)
