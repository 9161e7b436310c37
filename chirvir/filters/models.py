"""A person's filters of what they read: words (whole words or any part) and single posts, each
filter for some contexts (home, notifications, public, thread, account), acting by a warning, a
blur of the media, or hiding, until it expires."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status


class Context(models.TextChoices):
    HOME = "home"  # the home timeline and lists
    NOTIFICATIONS = "notifications"
    PUBLIC = "public"  # the public and hashtag timelines
    THREAD = "thread"  # a post and its conversation
    ACCOUNT = "account"  # an account's posts


class Action(models.TextChoices):
    WARN = "warn"
    HIDE = "hide"
    BLUR = "blur"


class FilterQuerySet(models.QuerySet):
    def in_force(self, now=None):
        """The filters not expired at `now` (by default, the time now)."""
        now = timezone.now() if now is None else now
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class Filter(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="filters")
    title = models.CharField(max_length=256)
    context = models.JSONField(default=list)  # a list of Context values
    filter_action = models.CharField(max_length=8, choices=Action.choices, default=Action.WARN)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FilterQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="filter_by_account")]


class FilterKeyword(models.Model):
    id = IdField()
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=512)
    whole_word = models.BooleanField(default=True)


class FilterStatus(models.Model):
    id = IdField()
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="statuses")
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["filter", "status"], name="filter_status_unique")]
