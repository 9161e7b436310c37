"""Quote posts: a post that quotes another, and the state of that quote (Mastodon 4.5's Quote).
Who may quote a post is its `quote_approval_policy` (a column of the status); who may see the
quoted post through a quote is the audience gate's question, asked for each viewer."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status


class QuoteState(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REVOKED = "revoked"  # the quoted post's author took their post out of the quote
    # Two more are never stored, only shown: "deleted" (the quoted post is gone) and
    # "unauthorized" (the viewer may not see the quoted post).
    DELETED = "deleted"
    UNAUTHORIZED = "unauthorized"


class Quote(models.Model):
    id = IdField()
    status = models.OneToOneField(Status, on_delete=models.CASCADE, related_name="quote_of")  # the quoting post
    # Null once the quoted post is deleted: the quote then shows as "deleted".
    quoted_status = models.ForeignKey(Status, null=True, on_delete=models.SET_NULL, related_name="quotes")
    # Kept apart from the quoted post, so that its author can still revoke after a deletion.
    quoted_account = models.ForeignKey(Account, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=12, choices=QuoteState.choices, default=QuoteState.ACCEPTED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["quoted_status", "id"], name="quote_by_quoted_status")]
