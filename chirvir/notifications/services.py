"""Use cases of notifications: notify (through the recipient's policy, which may hold a
stranger's back as a request or drop it), list through the audience gate, one by one or in
groups, dismiss, clear, the requests and the policy, and the read markers of the home timeline
and the notifications."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts.models import Account, Block, Follow, Mute
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import next_id, parse_id
from chirvir.core.paging import Page, paginate, read_kept
from chirvir.core.queries import Prepared
from chirvir.events import bus as events
from chirvir.notifications.models import (
    Marker,
    Notification,
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
    NotificationType,
    PolicyChoice,
)
from chirvir.push.tasks import notification_push_job
from chirvir.statuses.models import ConversationMute, Status


def notify(recipient: Account, type_: str, from_account: Account, status: Status | None = None) -> Notification | None:
    """Tell someone what another account did, unless it is their own doing, a block stands
    between them, they muted its notifications or the status's thread, or the status is not one
    they may see. The one news of one's own doing that is told: one's poll has ended (Mastodon tells
    its author too)."""
    if (recipient.pk == from_account.pk and type_ != NotificationType.POLL) or not recipient.is_active:
        return None
    if Block.between(recipient, from_account):
        return None
    if Mute.objects.in_force().filter(account=recipient, target_account=from_account, hide_notifications=True).exists():
        return None
    if status is not None and not audience.can_see(audience.Viewer.of(recipient), status):
        return None
    proper = status.reblog if status is not None and status.reblog_id else status
    if proper is not None and proper.conversation_id is not None:
        if ConversationMute.objects.filter(account=recipient, conversation_id=proper.conversation_id).exists():
            return None
    choice = _policy_choice(recipient, from_account, type_, status)
    if choice == PolicyChoice.DROP:
        return None
    notification_id = next_id()
    notification = Notification.objects.create(
        id=notification_id,
        account=recipient,
        from_account=from_account,
        type=type_,
        status=status,
        group_key=_group_key(recipient, type_, status, notification_id),
        filtered=choice == PolicyChoice.FILTER,
    )
    if notification.filtered:
        _hold_back(recipient, from_account, status)
        return notification
    # The recipient's live streams hear of it once it is committed (chirvir/events).
    events.publish([events.notifications(recipient.pk)], "notification", {"notification_id": notification.id})
    # Its apps' push services too: robust, as a push is a courtesy that a stopped queue must not
    # turn into a failed post or follow.
    transaction.on_commit(lambda: notification_push_job(notification.id), robust=True)
    return notification


# Likes and reposts of one post, and follows, are grouped as Mastodon 4.3 groups them: with the
# group of the last one of their kind, while that one is less than 12 hours old.
GROUPED_TYPES = (NotificationType.FAVOURITE, NotificationType.REBLOG, NotificationType.FOLLOW)
GROUP_SPAN = timedelta(hours=12)


def _group_key(recipient: Account, type_: str, status: Status | None, notification_id: int) -> str:
    if type_ not in GROUPED_TYPES:
        return f"ungrouped-{notification_id}"
    last = (
        Notification.objects.filter(account=recipient, type=type_, status=status, filtered=False)
        .filter(created_at__gte=timezone.now() - GROUP_SPAN)
        .order_by("-id")
        .values_list("group_key", flat=True)
        .first()
    )
    return last or f"{type_}-{status.id if status else 'account'}-{notification_id}"


# A stranger is judged by the policy; a notification of these kinds is never held back.
NOT_FILTERED = {NotificationType.UPDATE}
NEW_ACCOUNT_AGE = timedelta(days=30)


def _policy_choice(recipient: Account, sender: Account, type_: str, status: Status | None) -> str:
    """Accept, filter (into a request) or drop: the strictest that the recipient's policy says
    for what the sender is to them. Someone they follow, or whose request they accepted, is no stranger."""
    policy = NotificationPolicy.objects.filter(account=recipient).first()
    if policy is None or type_ in NOT_FILTERED:
        return PolicyChoice.ACCEPT
    if Follow.objects.filter(account=recipient, target_account=sender).exists():
        return PolicyChoice.ACCEPT
    if NotificationPermission.objects.filter(account=recipient, from_account=sender).exists():
        return PolicyChoice.ACCEPT
    said = [policy.for_not_following]
    if not Follow.objects.filter(account=sender, target_account=recipient).exists():
        said.append(policy.for_not_followers)
    if sender.date_joined > timezone.now() - NEW_ACCOUNT_AGE:
        said.append(policy.for_new_accounts)
    private = status is not None and status.visibility == "direct" and type_ == NotificationType.MENTION
    if private and status.in_reply_to_account_id != recipient.pk:
        said.append(policy.for_private_mentions)
    for choice in (PolicyChoice.DROP, PolicyChoice.FILTER):
        if choice in said:
            return choice
    return PolicyChoice.ACCEPT


def _hold_back(recipient: Account, sender: Account, status: Status | None) -> None:
    request, created = NotificationRequest.objects.get_or_create(
        account=recipient, from_account=sender, defaults={"last_status": status}
    )
    if not created:
        request.updated_at = timezone.now()
        request.last_status = status or request.last_status
        request.save(update_fields=["updated_at", "last_status"])


def warn(recipient: Account, action) -> Notification:
    """Tell an account what a moderator did to it (a moderation_warning, as Mastodon 4.3's),
    even when suspended: it reads it if the suspension is lifted. It names the account itself,
    not the moderator, who stays unnamed."""
    notification = Notification.objects.create(
        account=recipient, from_account=recipient, type=NotificationType.MODERATION_WARNING, moderation_action=action
    )
    events.publish([events.notifications(recipient.pk)], "notification", {"notification_id": notification.id})
    return notification


def _base(account: Account, types=None, exclude_types=None, from_account_id=None, include_filtered=False):
    qs = Notification.objects.filter(account=account)
    if not include_filtered:
        qs = qs.filter(filtered=False)
    if types:
        qs = qs.filter(type__in=types)
    if exclude_types:
        qs = qs.exclude(type__in=exclude_types)
    if from_account_id is not None:
        qs = qs.filter(from_account_id=from_account_id)
    return qs


def list_notifications(
    account: Account, page: Page = Page(), *, types=None, exclude_types=None, from_account_id=None,
    include_filtered=False, group_key=None,
):
    """Newest first; a notification about a status the account may no longer see (the author
    became protected, a block came between them) is left out, and so are those held back in
    requests (unless `include_filtered`)."""
    viewer = audience.Viewer.of(account)
    qs = _base(account, types, exclude_types, from_account_id, include_filtered)
    if group_key is not None:
        qs = qs.filter(group_key=group_key)
    return read_kept(_shown(viewer, qs), page, lambda n: _may_see(viewer, n))


def _heard(qs, account_id: int):
    """The notifications of `qs` whose sender the account may still hear from: neither one that it
    blocked nor one that blocks it, not a suspended one. The one home of the rule, for the lists,
    for one asked by its ID and for the unread counts; the blocks are subqueries, so that one
    statement answers."""
    return (
        qs
        .exclude(from_account_id__in=Block.objects.filter(account_id=account_id).values("target_account_id"))
        .exclude(from_account_id__in=Block.objects.filter(target_account_id=account_id).values("account_id"))
        .exclude(from_account__is_active=False)
    )


def _shown(viewer: audience.Viewer, qs):
    """`_heard`, with what the lists show of each notification."""
    return (
        _heard(qs, viewer.id)
        .select_related("from_account", "status__account", "status__reblog__account")
        .prefetch_related("status__mentions", "status__reblog__mentions")
    )


def _may_see(viewer: audience.Viewer, notification: Notification) -> bool:
    return notification.status is None or audience.can_see(viewer, notification.status)


def get_notification(account: Account, notification_id: int) -> Notification:
    """One notification by its ID, by the lists' rules: one they leave out (its sender blocked or
    suspended, its post no longer visible) does not exist."""
    viewer = audience.Viewer.of(account)
    notification = _shown(viewer, Notification.objects.filter(account=account, id=parse_id(notification_id))).first()
    if notification is None or not _may_see(viewer, notification):
        raise NotFound(_("That notification does not exist."))
    return notification


def dismiss(account: Account, notification_id: int) -> None:
    get_notification(account, notification_id).delete()


def clear(account: Account) -> None:
    Notification.objects.filter(account=account).delete()


def _unread(account_id: int, types=None, exclude_types=None):
    """The notifications after the notifications read marker (all, if never marked), of these
    types, from senders the account still hears from (`_heard`). The marker is a subquery too."""
    marker = Marker.objects.filter(account_id=account_id, timeline=Marker.Timeline.NOTIFICATIONS)
    qs = _base(account_id, types, exclude_types).filter(id__gt=Coalesce(Subquery(marker.values("last_read_id")[:1]), 0))
    return _heard(qs, account_id)


# Every page's frame shows the count: compiled once (chirvir/core/queries.py). No row when none.
_UNREAD = Prepared(
    lambda account_id: _unread(account_id).values("account_id").annotate(n=Count("id")).values_list("n", flat=True)
)


def unread_count(account: Account, *, types=None, exclude_types=None, limit: int | None = None) -> int:
    """How many notifications came after the read marker, of these types, counting up to
    `limit` (`_unread`)."""
    if types or exclude_types or limit is not None:
        qs = _unread(account.pk, types, exclude_types)
        return qs[:limit].count() if limit is not None else qs.count()
    return sum(_UNREAD(account.pk))


@transaction.atomic
def set_marker(account: Account, timeline: str, last_read_id: int) -> Marker:
    """Remember where the account stopped reading a timeline; each change bumps the version."""
    if timeline not in Marker.Timeline.values:
        raise Invalid(_("There is no timeline called %(timeline)s.") % {"timeline": timeline})
    marker, created = Marker.objects.get_or_create(
        account=account, timeline=timeline, defaults={"last_read_id": last_read_id}
    )
    if not created:
        Marker.objects.filter(pk=marker.pk).update(
            last_read_id=last_read_id, version=F("version") + 1, updated_at=timezone.now()
        )
        marker.refresh_from_db()
    return marker


def get_markers(account: Account, timelines) -> dict[str, Marker]:
    return {m.timeline: m for m in Marker.objects.filter(account=account, timeline__in=timelines)}



# Groups (Mastodon 4.3's grouped notifications)

SAMPLE_ACCOUNTS = 8  # Mastodon's


@dataclass
class Group:
    """Notifications shown as one: those of a page that share a key, and the whole group's size,
    newest notification and newest accounts."""

    key: str
    notifications: list[Notification]  # of this page, newest first
    count: int
    latest: Notification
    sample_accounts: list[Account]

    @property
    def type(self) -> str:
        return self.latest.type


def list_groups(account: Account, page: Page = Page(), *, grouped_types=GROUPED_TYPES, **filters) -> list[Group]:
    """A page of notifications, newest first, gathered into their groups (only those of
    `grouped_types`; every other one is a group of its own)."""
    found = list_notifications(account, page, **filters)
    by_key: dict[str, list[Notification]] = {}
    for n in found:
        grouped = n.type in grouped_types and not n.group_key.startswith("ungrouped-")
        by_key.setdefault(n.group_key if grouped else f"ungrouped-{n.id}", []).append(n)
    return [_group(account, key, items) for key, items in by_key.items()]


def _group(account: Account, key: str, items: list[Notification]) -> Group:
    if key.startswith("ungrouped-"):
        return Group(key, items, 1, items[0], [items[0].from_account])
    everyone = list_notifications(account, Page(limit=200), group_key=key)
    senders = list({n.from_account_id: n.from_account for n in everyone}.values())
    return Group(key, items, len(everyone) or len(items), (everyone or items)[0], senders[:SAMPLE_ACCOUNTS])


def get_group(account: Account, group_key: str) -> Group:
    found = list_notifications(account, Page(limit=200), group_key=group_key)
    if not found and group_key.startswith("ungrouped-"):
        # A notification's own group, as v1 lists it: just that one.
        notification_id = parse_id(group_key.removeprefix("ungrouped-")) or 0
        found = list_notifications(account, Page(limit=1, max_id=notification_id + 1, since_id=notification_id - 1))
    if not found:
        raise NotFound(_("That notification does not exist."))
    return _group(account, group_key, found)


def group_accounts(account: Account, group_key: str) -> list[Account]:
    """Everyone in a group, the latest first."""
    found = list_notifications(account, Page(limit=200), group_key=group_key)
    return list({n.from_account_id: n.from_account for n in found}.values())


def dismiss_group(account: Account, group_key: str) -> None:
    get_group(account, group_key)
    Notification.objects.filter(account=account, group_key=group_key).delete()


def unread_group_count(account: Account, *, types=None, exclude_types=None, grouped_types=GROUPED_TYPES, limit=100):
    """How many groups of notifications came after the read marker, counting up to `limit`."""
    keys = set()
    qs = _unread(account.pk, types, exclude_types)
    for notification_id, type_, key in qs.order_by("-id").values_list("id", "type", "group_key")[: limit * 10]:
        keys.add(key if type_ in grouped_types and not key.startswith("ungrouped-") else notification_id)
        if len(keys) >= limit:
            break
    return len(keys)


# The policy and its requests

POLICY_FIELDS = (
    "for_not_following", "for_not_followers", "for_new_accounts", "for_private_mentions", "for_limited_accounts"
)


def get_policy(account: Account) -> NotificationPolicy:
    return NotificationPolicy.objects.filter(account=account).first() or NotificationPolicy(account=account)


def update_policy(account: Account, **changes) -> NotificationPolicy:
    """Set what is given: each of POLICY_FIELDS is accept, filter or drop."""
    policy = get_policy(account)
    for name, value in changes.items():
        if name not in POLICY_FIELDS or value is None:
            continue
        if value not in PolicyChoice.values:
            raise Invalid(_("A policy is accept, filter or drop."))
        setattr(policy, name, value)
    policy.save()
    return policy


def policy_summary(account: Account) -> tuple[int, int]:
    """How many requests wait, and how many notifications they hold."""
    requests = NotificationRequest.objects.filter(account=account).count()
    held = Notification.objects.filter(account=account, filtered=True).count()
    return requests, held


def list_requests(account: Account, page: Page = Page(limit=40)) -> list[NotificationRequest]:
    qs = NotificationRequest.objects.filter(account=account, from_account__is_active=True)
    qs = qs.select_related("from_account", "last_status__account", "last_status__reblog__account")
    return paginate(qs, page)


def get_request(account: Account, request_id) -> NotificationRequest:
    found = NotificationRequest.objects.filter(account=account, id=parse_id(request_id)).first()
    if found is None:
        raise NotFound(_("That notification request does not exist."))
    return found


def request_counts(requests) -> dict[int, int]:
    """How many notifications each request holds."""
    counts = {}
    for r in requests:
        counts[r.id] = Notification.objects.filter(account_id=r.account_id, from_account_id=r.from_account_id,
                                                   filtered=True).count()
    return counts


def request_status(account: Account, request: NotificationRequest) -> Status | None:
    """The request's latest post, if the account may still see it."""
    status = request.last_status
    return status if status is not None and audience.can_see(audience.Viewer.of(account), status) else None


def _requests(account: Account, request_ids) -> list[NotificationRequest]:
    """The account's requests among these IDs; others' and unknown ones are passed over, as Mastodon does."""
    ids = [i for i in (parse_id(r) for r in request_ids) if i is not None]
    return list(NotificationRequest.objects.filter(account=account, id__in=ids).select_related("from_account"))


@transaction.atomic
def accept_requests(account: Account, request_ids) -> None:
    """Let the senders' notifications through: those held back join the list, and later ones come straight in."""
    for request in _requests(account, request_ids):
        Notification.objects.filter(account=account, from_account=request.from_account, filtered=True).update(
            filtered=False
        )
        NotificationPermission.objects.get_or_create(account=account, from_account=request.from_account)
        request.delete()


@transaction.atomic
def dismiss_requests(account: Account, request_ids) -> None:
    """Throw a request away with what it held; the sender's next notification starts a new one."""
    for request in _requests(account, request_ids):
        Notification.objects.filter(account=account, from_account=request.from_account, filtered=True).delete()
        request.delete()
