"""A Web Push subscription: where an app's push service waits for notifications, the keys to
encrypt them with, and which of them the person wants. One per OAuth access token, as Mastodon."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account

# The kinds of notification a subscription may ask for, as Mastodon names them in `alerts`.
ALERTS = (
    "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
    "admin.sign_up", "admin.report", "quote", "quoted_update",
)


class Policy(models.TextChoices):
    ALL = "all"
    FOLLOWED = "followed"  # only from accounts the person follows
    FOLLOWER = "follower"  # only from accounts that follow the person
    NONE = "none"


class PushSubscription(models.Model):
    access_token = models.OneToOneField(
        "oauth2_provider.AccessToken", on_delete=models.CASCADE, related_name="push_subscription"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=2000)
    key_p256dh = models.CharField(max_length=100)  # the app's P-256 public key, base64url
    key_auth = models.CharField(max_length=40)  # its 16-byte authentication secret, base64url
    alerts = models.JSONField(default=dict)  # {alert: bool} for each of ALERTS
    policy = models.CharField(max_length=10, choices=Policy.choices, default=Policy.ALL)
    # True: RFC 8291 (aes128gcm) and RFC 8292's `vapid` header; False: the drafts Mastodon spoke
    # before 4.4 (aesgcm, Crypto-Key and Encryption headers), which older apps still decrypt.
    standard = models.BooleanField(default=False)
    # The token itself, sealed with the secret key: Mastodon's payload names it so that an app can
    # tell which of its accounts a push is for, and the token table keeps only its hash.
    sealed_token = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
