"""The database event bus's one table: live events, each kept a few minutes for the streaming
processes that tail it (the minutely sweep prunes the rest)."""

from django.db import models
from django.utils import timezone


class Event(models.Model):
    # The readers' cursor. SQLite's AUTOINCREMENT never reuses an ID, even after a prune.
    id = models.BigAutoField(primary_key=True)
    keys = models.JSONField()  # the streams it goes to, such as "home:42" or "hashtag:chirvir"
    name = models.CharField(max_length=32)  # Mastodon's event: update, delete, notification...
    payload = models.JSONField()  # IDs only: each reader loads, gates and renders what they name
    created_at = models.DateTimeField(default=timezone.now)
