"""Polls: the options a post offers to vote on, until when, and the votes cast."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status


class Poll(models.Model):
    id = IdField()
    status = models.OneToOneField(Status, on_delete=models.CASCADE, related_name="poll")
    options = models.JSONField(default=list)  # the titles, in order; a vote names one by its index
    multiple = models.BooleanField(default=False)
    hide_totals = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    # Set once, by the job that closes the poll and tells its voters and author.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="poll_open", condition=models.Q(closed_at__isnull=True))]

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PollVote(models.Model):
    id = IdField()
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    choice = models.IntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "account", "choice"], name="poll_vote_unique")]
        indexes = [models.Index(fields=["account", "poll"], name="poll_vote_by_account")]
