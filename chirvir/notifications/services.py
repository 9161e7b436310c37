"""Use cases of notifications: notify, list through the audience gate, dismiss, clear, and the
read markers of the home timeline and the notifications."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts.models import Account, Block, Mute
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page, read_kept
from chirvir.events import bus as events
from chirvir.notifications.models import Marker, Notification
from chirvir.push.tasks import notification_push_job
from chirvir.statuses.models import Status


def notify(recipient: Account, type_: str, from_account: Account, status: Status | None = None) -> Notification | None:
    """Tell someone what another account did, unless it is their own doing, a block stands
    between them, they muted its notifications, or the status is not one they may see."""
    if recipient.pk == from_account.pk or not recipient.is_active:
        return None
    if Block.between(recipient, from_account):
        return None
    if Mute.objects.in_force().filter(account=recipient, target_account=from_account, hide_notifications=True).exists():
        return None
    if status is not None and not audience.can_see(audience.Viewer.of(recipient), status):
        return None
    notification = Notification.objects.create(account=recipient, from_account=from_account, type=type_, status=status)
    # The recipient's live streams hear of it once it is committed (chirvir/events).
    events.publish([events.notifications(recipient.pk)], "notification", {"notification_id": notification.id})
    transaction.on_commit(lambda: notification_push_job(notification.id))  # its apps' push services too
    return notification


def _base(account: Account, types=None, exclude_types=None, from_account_id=None):
    qs = Notification.objects.filter(account=account)
    if types:
        qs = qs.filter(type__in=types)
    if exclude_types:
        qs = qs.exclude(type__in=exclude_types)
    if from_account_id is not None:
        qs = qs.filter(from_account_id=from_account_id)
    return qs


def list_notifications(account: Account, page: Page = Page(), *, types=None, exclude_types=None, from_account_id=None):
    """Newest first; a notification about a status the account may no longer see (the author
    became protected, a block came between them) is left out."""
    viewer = audience.Viewer.of(account)
    qs = (
        _base(account, types, exclude_types, from_account_id)
        .exclude(from_account_id__in=viewer.blocked)
        .exclude(from_account__is_active=False)
        .select_related("from_account", "status__account", "status__reblog__account")
        .prefetch_related("status__mentions", "status__reblog__mentions")
    )
    return read_kept(qs, page, lambda n: n.status is None or audience.can_see(viewer, n.status))


def get_notification(account: Account, notification_id: int) -> Notification:
    notification = Notification.objects.filter(account=account, id=parse_id(notification_id)).first()
    if notification is None:
        raise NotFound(_("That notification does not exist."))
    return notification


def dismiss(account: Account, notification_id: int) -> None:
    get_notification(account, notification_id).delete()


def clear(account: Account) -> None:
    Notification.objects.filter(account=account).delete()


def unread_count(account: Account, *, types=None, exclude_types=None, limit: int | None = None) -> int:
    """How many notifications came after the notifications read marker (all, if never marked),
    of these types, counting up to `limit`; those of blocked or suspended accounts are left out,
    as the list leaves them out."""
    viewer = audience.Viewer.of(account)
    marker = Marker.objects.filter(account=account, timeline=Marker.Timeline.NOTIFICATIONS).first()
    qs = (
        _base(account, types, exclude_types)
        .exclude(from_account_id__in=viewer.blocked)
        .exclude(from_account__is_active=False)
    )
    if marker:
        qs = qs.filter(id__gt=marker.last_read_id)
    return qs[:limit].count() if limit is not None else qs.count()


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

