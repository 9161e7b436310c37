"""Scheduled posts: what a post will say and when it is published, kept until the job queue
publishes it, and then which post it became."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status


class ScheduledStatus(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="scheduled_statuses")
    scheduled_at = models.DateTimeField()
    # What post_status takes, as checked when it was scheduled (text, visibility, poll...).
    params = models.JSONField(default=dict)
    media_ids = models.JSONField(default=list)  # attached when it is published
    created_at = models.DateTimeField(default=timezone.now)
    # Set in the transaction that publishes it: of two jobs or sweeps at once, one publishes.
    published_at = models.DateTimeField(null=True, blank=True)
    status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True, default="")  # why it could not be published, if it could not

    class Meta:
        indexes = [
            models.Index(fields=["scheduled_at"], name="scheduled_due", condition=Q(published_at__isnull=True)),
            models.Index(fields=["account", "id"], name="scheduled_by_account"),
        ]
