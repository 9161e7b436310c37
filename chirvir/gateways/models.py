"""Links between accounts and addresses on a message channel (an SMS phone, a Jabber ID), the
followees each link gets posts of, and what was already sent to each, so that a retried
delivery never sends twice."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account


class Channel(models.TextChoices):
    SMS = "sms"
    XMPP = "xmpp"


class Link(models.Model):
    """An account's address on a channel. It counts once the address echoed the code sent to it
    (`confirmed_at`); until then it only holds that code, hashed, with when it was sent and how
    many wrong answers it took."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=320)  # an E.164 phone number, or a bare JID
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="gateway_links")
    code_hash = models.CharField(max_length=128, blank=True, default="")
    code_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.IntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updates_on = models.BooleanField(default=True)  # ON / OFF: followees' posts at all
    stopped = models.BooleanField(default=False)  # STOP / START: nothing at all is sent
    # Quiet hours in the account's time zone; from 22:00 to 07:00 wraps past midnight.
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    daily_cap = models.IntegerField(default=50)  # followees' posts a day
    sent_on = models.DateField(null=True, blank=True)
    sent_today = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "channel"], name="gateway_link_one_per_channel"),
            # An address belongs to one account once confirmed; several may be waiting on a code.
            models.UniqueConstraint(
                fields=["channel", "address"], condition=models.Q(confirmed_at__isnull=False),
                name="gateway_link_address_unique",
            ),
        ]

    def __str__(self):
        return f"{self.channel}:{self.address}"


class LinkFollowee(models.Model):
    """"ON username": this followee's posts go to this link."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="followees")
    followee = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "followee"], name="gateway_followee_unique")]
        indexes = [models.Index(fields=["followee", "link"], name="gateway_followee_by_account")]


class Sent(models.Model):
    """A status that went out to a link: a retried or repeated delivery finds it and sends nothing."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="+")
    status_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "status_id"], name="gateway_sent_once")]
