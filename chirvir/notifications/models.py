"""Notifications (someone mentioned, followed, asked to follow, reposted or liked, or edited a
post one reposted, or a poll ended), the read markers that remember where a person stopped reading, and the
policy that holds back notifications from strangers as requests."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status


class NotificationType(models.TextChoices):
    MENTION = "mention"
    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    REBLOG = "reblog"
    FAVOURITE = "favourite"
    UPDATE = "update"  # a post one reposted was edited
    POLL = "poll"  # a poll one voted on, or one's own, has ended
    QUOTE = "quote"  # someone quoted one's post
    QUOTED_UPDATE = "quoted_update"  # a post one quoted was edited
    MODERATION_WARNING = "moderation_warning"  # a moderator acted on one's account (Mastodon 4.3)


class Notification(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    from_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=20, choices=NotificationType.choices)
    status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What a moderation_warning tells of (named by label: moderation's tables sit above these).
    moderation_action = models.ForeignKey(
        "moderation.ModerationAction", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Likes, reposts of one post and follows close in time share a key and are shown as one group.
    group_key = models.CharField(max_length=64, default="")
    # Held back by the recipient's policy: shown only in its request, until accepted.
    filtered = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["account", "id"], name="notification_by_account"),
            models.Index(fields=["account", "group_key"], name="notification_by_group"),
        ]


class PolicyChoice(models.TextChoices):
    ACCEPT = "accept"
    FILTER = "filter"  # into a request
    DROP = "drop"


class NotificationPolicy(models.Model):
    """What to do with the notifications of each kind of stranger (Mastodon's NotificationPolicy)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="+")
    for_not_following = models.CharField(max_length=8, choices=PolicyChoice.choices, default=PolicyChoice.ACCEPT)
    for_not_followers = models.CharField(max_length=8, choices=PolicyChoice.choices, default=PolicyChoice.ACCEPT)
    for_new_accounts = models.CharField(max_length=8, choices=PolicyChoice.choices, default=PolicyChoice.ACCEPT)
    for_private_mentions = models.CharField(max_length=8, choices=PolicyChoice.choices, default=PolicyChoice.ACCEPT)
    for_limited_accounts = models.CharField(max_length=8, choices=PolicyChoice.choices, default=PolicyChoice.ACCEPT)


class NotificationRequest(models.Model):
    """The notifications one account's policy held back from another, waiting to be accepted or dismissed."""

    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    from_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    last_status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "from_account"], name="notification_request_unique")]


class NotificationPermission(models.Model):
    """An accepted request: the sender's notifications reach the account whatever its policy."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    from_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "from_account"], name="notification_permission_unique")
        ]


class Marker(models.Model):
    class Timeline(models.TextChoices):
        HOME = "home"
        NOTIFICATIONS = "notifications"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="markers")
    timeline = models.CharField(max_length=16, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    version = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "timeline"], name="marker_unique")]
