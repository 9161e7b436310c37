"""The e-mail gateway's tables: each account's secret posting address and its choice of
notification e-mails, and the notifications waiting for the next batched e-mail."""

import secrets

from django.db import models

from chirvir.accounts.models import Account
from chirvir.notifications.models import Notification


def new_secret() -> str:
    # Lower-case letters and digits only: mail servers may fold the case of an address's local part.
    return "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(24))


class MailSettings(models.Model):
    """One account's posting address (post-SECRET@CHIRVIR_MAIL_DOMAIN) and which notifications it
    gets by e-mail (none until it turns them on)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="mail_settings")
    # Kept readable, as a TOTP secret is: the settings page shows the address. Renewing replaces
    # it, and with it every reply address made from it (addresses.py).
    secret = models.CharField(max_length=32, unique=True, default=new_secret)
    follow = models.BooleanField(default=False)
    follow_request = models.BooleanField(default=False)
    direct = models.BooleanField(default=False)
    mention = models.BooleanField(default=False)
    # A batch job is scheduled and has not started: later notifications wait for it.
    batch_pending = models.BooleanField(default=False)


class QueuedNotification(models.Model):
    """A notification for the account's next e-mail; gone with the notification (a follow undone
    within the window is never mailed)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
