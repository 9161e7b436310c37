"""Trends: the lists the periodic refresh computes (hashtags, links, posts, overall and per
language), and the trends an operator has hidden."""

from django.db import models
from django.utils import timezone

from chirvir.statuses.models import Tag


class TrendKind(models.TextChoices):
    TAG = "tag"
    LINK = "link"
    STATUS = "status"


class Trend(models.Model):
    """One place in a computed list; the refresh replaces the whole table at once, so reads are a
    plain query. `key` is the hashtag's name, the link's URL or the post's ID."""

    kind = models.CharField(max_length=8, choices=TrendKind.choices)
    language = models.CharField(max_length=8, blank=True, default="")  # "" is every language together
    rank = models.IntegerField()
    key = models.TextField()
    score = models.FloatField()
    accounts = models.IntegerField()  # distinct accounts in the recent window
    history = models.JSONField(default=list)  # Mastodon's 7 days of {day, uses, accounts}, newest first
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "language", "rank"], name="trend_by_place")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class HiddenTrend(models.Model):
    """A hashtag, link or post an operator keeps off every trends list."""

    kind = models.CharField(max_length=8, choices=TrendKind.choices)
    key = models.TextField(help_text="The hashtag without #, the link's URL, or the post's ID.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="hidden_trend_unique")]

    @staticmethod
    def spelled(kind: str, key: str) -> str:
        """The key as the trends lists hold it: one hashtag however the operator writes it."""
        key = key.strip()
        return Tag.key(key.lstrip("#")) if kind == TrendKind.TAG else key

    def save(self, *args, **kwargs):
        self.key = self.spelled(self.kind, self.key)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.kind} {self.key}"
