"""Notifications (someone mentioned, followed, asked to follow, reposted or liked, or edited a
post one reposted) and the read markers that remember where a person stopped reading."""

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

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="notification_by_account")]


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
