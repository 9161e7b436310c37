"""Lists: an owner's named set of accounts it follows, read as a timeline of their posts, kept
private or shown on the owner's profile for others to subscribe to. Rules live in services.py;
where a list's posts come from is chirvir/timelines/delivery.py."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField


class RepliesPolicy(models.TextChoices):
    """Which replies of members to someone else a list shows, as Mastodon names them: replies to
    any account the owner follows, to the list's members, or none (replies to the owner always)."""

    FOLLOWED = "followed"
    LIST = "list"
    NONE = "none"


class List(models.Model):
    id = IdField()
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)
    replies_policy = models.CharField(max_length=8, choices=RepliesPolicy.choices, default=RepliesPolicy.LIST)
    # Mastodon's "exclusive": the members' posts leave the owner's home timeline.
    exclusive = models.BooleanField(default=False)
    # Beyond Mastodon: shown on the owner's profile, and anyone may read and subscribe to it.
    public = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "id"], name="list_by_owner")]

    def __str__(self):
        return self.title


class ListMember(models.Model):
    id = IdField()
    list = models.ForeignKey(List, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list", "account"], name="list_member_unique")]
        # Delivery asks, for each post, which lists hold its author.
        indexes = [models.Index(fields=["account", "list"], name="list_member_by_account")]


class ListSubscription(models.Model):
    """Someone other than the owner reading a public list as one of their timelines."""

    id = IdField()
    list = models.ForeignKey(List, on_delete=models.CASCADE, related_name="subscriptions")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list", "account"], name="list_subscription_unique")]
        indexes = [models.Index(fields=["account", "id"], name="list_subscription_by_account")]
