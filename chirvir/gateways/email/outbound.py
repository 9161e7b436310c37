"""Notification e-mails: each new notification of a kind its recipient turned on waits in a queue,
and one job a short window later (CHIRVIR_MAIL_BATCH_SECONDS) sends them all as one message, in the
recipient's language, through Django's e-mail backend, with RFC 8058 one-click unsubscribe. What a
mail shows is read at send time through the notifications' own rules and the audience gate."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chirvir.core.errors import NotFound
from chirvir.core.links import status_url
from chirvir.gateways.email import addresses
from chirvir.gateways.email.models import MailSettings, QueuedNotification
from chirvir.notifications import services as notifications
from chirvir.notifications.models import NotificationType

MAILED_TYPES = (NotificationType.FOLLOW, NotificationType.FOLLOW_REQUEST, NotificationType.MENTION)
BATCH_LIMIT = 50  # notifications in one e-mail; the rest go in the next


def kind_of(notification) -> str:
    """The switch a notification falls under: a mention in a direct post is a direct message."""
    if notification.type == NotificationType.MENTION and notification.status.visibility == "direct":
        return "direct"
    return notification.type


def notification_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A notification was stored: queue it, in the same transaction, if its recipient wants its kind
    by e-mail, and schedule the batch once that commits."""
    if raw or not created or instance.filtered or instance.type not in MAILED_TYPES or not addresses.enabled():
        return
    wanted = MailSettings.objects.filter(account_id=instance.account_id, **{kind_of(instance): True})
    if not wanted.exists():
        return
    QueuedNotification.objects.create(account_id=instance.account_id, notification=instance)
    account_id = instance.account_id
    transaction.on_commit(lambda: schedule_batch(account_id))


def schedule_batch(account_id: int) -> None:
    """One job per window: a notification that finds one already scheduled waits for it."""
    from chirvir.gateways.email.tasks import notification_mail_job

    if MailSettings.objects.filter(account_id=account_id, batch_pending=False).update(batch_pending=True):
        notification_mail_job.schedule(args=(account_id,), delay=settings.MAIL_BATCH_SECONDS)


def send_batch(account_id: int) -> int:
    """Send what waits for this account as one e-mail; returns how many notifications it told.
    Those the account may no longer see (a blocked or suspended sender, a post the gate now
    refuses it) and those of kinds turned off since are dropped unsent. The queue is emptied in
    the transaction that sends, so a failed send leaves it whole for the retry."""
    MailSettings.objects.filter(account_id=account_id).update(batch_pending=False)  # later ones schedule anew
    with transaction.atomic():
        choice = MailSettings.objects.select_for_update().select_related("account").filter(pk=account_id).first()
        if choice is None:
            return 0
        waiting = QueuedNotification.objects.filter(account_id=account_id).order_by("notification_id")
        queued = list(waiting[:BATCH_LIMIT])
        QueuedNotification.objects.filter(pk__in=[q.pk for q in queued]).delete()
        account = choice.account
        if not account.is_active or not account.email or not addresses.enabled():
            return 0
        shown = []
        for q in queued:
            try:
                notification = notifications.get_notification(account, q.notification_id)
            except NotFound:
                continue
            if getattr(choice, kind_of(notification)):
                shown.append(notification)
        if shown:
            _message(account, shown).send()
        if QueuedNotification.objects.filter(account_id=account_id).exists():
            transaction.on_commit(lambda: schedule_batch(account_id))
        return len(shown)


def _line(notification) -> str:
    who = {"username": notification.from_account.username}
    return {
        "follow": _("@%(username)s followed you.") % who,
        "follow_request": _("@%(username)s asked to follow you.") % who,
        "mention": _("@%(username)s mentioned you:") % who,
        "direct": _("@%(username)s sent you a direct message:") % who,
    }[kind_of(notification)]


def _message(account, shown) -> EmailMessage:
    reply_to = []
    with translation.override(account.language or settings.LANGUAGE_CODE):
        parts = []
        for notification in shown:
            part = [_line(notification)]
            status = notification.status
            if status is not None:
                reply_to = [addresses.reply_address(account, status.id)]
                write_to = _("To reply, write to: %(address)s") % {"address": reply_to[0]}
                part += ["", status.text, status_url(status.account.username, status.id), "", write_to]
            parts.append("\n".join(part))
        parts.append(
            "-- \n" + _("Choose which notifications you get by e-mail: %(url)s") % {
                "url": f"{settings.SITE_URL}/settings/mail"}
            + "\n" + _("Stop all of these e-mails: %(url)s") % {"url": addresses.unsubscribe_url(account)}
        )
        subject = _("New notifications from %(site)s") % {"site": settings.INSTANCE_TITLE}
    mailto, link = addresses.unsubscribe_address(account), addresses.unsubscribe_url(account)
    headers = {
        # RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs to the link.
        "List-Unsubscribe": f"<mailto:{mailto}>, <{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies to it
    }
    return EmailMessage(subject, "\n\n".join(parts) + "\n", None, [account.email], headers=headers, reply_to=reply_to)
