"""Statuses (posts, replies, reposts, direct messages) and what hangs off them: mentions,
hashtags, likes, bookmarks, pins, earlier versions of edited posts, direct-message
conversations and muted threads."""

import unicodedata

from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.db.models.query import ModelIterable
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField


class Visibility(models.TextChoices):
    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"  # followers only
    DIRECT = "direct"


class QuotePolicy(models.TextChoices):
    """Who may quote a post (Mastodon 4.5's quote_approval_policy): its author always."""

    PUBLIC = "public"
    FOLLOWERS = "followers"
    NOBODY = "nobody"


class Tag(models.Model):
    id = IdField()
    name = models.TextField(unique=True)  # always Tag.key(name); as long as a post allows

    def __str__(self):
        return f"#{self.name}"

    @staticmethod
    def key(name: str) -> str:
        """One hashtag however it is written: #Chirvir, #chirvir and a full-width #ｃｈｉｒｖｉｒ."""
        return unicodedata.normalize("NFKC", name).casefold()


class _WithDirectMentions(ModelIterable):
    """Statuses with the mentions of the direct messages among them (and their originals)
    loaded: the gate reads the mentions of no other status, and most pages hold no direct
    message, so most pages need no query for them."""

    def __iter__(self):
        yield from with_direct_mentions(list(super().__iter__()))


def with_direct_mentions(statuses: list["Status"]) -> list["Status"]:
    """The statuses, with the mentions of the direct messages among them (and their originals) loaded."""
    direct = [s for s in statuses if s.visibility == Visibility.DIRECT]
    direct += [s.reblog for s in statuses if s.reblog_id and s.reblog.visibility == Visibility.DIRECT]
    prefetch_related_objects(direct, "mentions")
    return statuses


class StatusQuerySet(models.QuerySet):
    def gated(self):
        """With what the audience gate reads of each status loaded: its author, the original of
        a repost and its author, and the mentions of a direct message (who may see it)."""
        qs = self.select_related("account", "reblog__account")
        qs._iterable_class = _WithDirectMentions  # kept by every queryset made from this one
        return qs


class Status(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="statuses")
    text = models.TextField(blank=True, default="")  # what the author wrote, NFC
    content = models.TextField(blank=True, default="")  # the safe HTML rendering of text
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    spoiler_text = models.CharField(max_length=500, blank=True, default="")
    sensitive = models.BooleanField(default=False)
    language = models.CharField(max_length=8, null=True, blank=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    in_reply_to_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reblog = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="reblogs")
    # The thread: the ID of the post that started it, shared by every reply under it (none for reposts).
    conversation_id = models.BigIntegerField(null=True, db_index=True)
    tags = models.ManyToManyField(Tag, through="StatusTag", related_name="statuses")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)  # the latest edit; its versions are StatusEdits

    replies_count = models.IntegerField(default=0)
    reblogs_count = models.IntegerField(default=0)
    favourites_count = models.IntegerField(default=0)
    quotes_count = models.IntegerField(default=0)  # accepted quotes of it
    quote_approval_policy = models.CharField(max_length=10, choices=QuotePolicy.choices, default=QuotePolicy.PUBLIC)
    # Set by the delivery job; the sweep re-queues any left empty by a crash.
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "id"], name="status_by_account"),
            models.Index(fields=["id"], name="status_undelivered", condition=Q(delivered_at__isnull=True)),
        ]
        constraints = [
            # One repost of a status per account.
            models.UniqueConstraint(
                fields=["account", "reblog"], name="status_one_reblog", condition=Q(reblog__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.text[:40]}"

    @property
    def mentioned_account_ids(self) -> set[int]:
        return {m.account_id for m in self.mentions.all()}


class Mention(models.Model):
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="mentions")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status", "account"], name="mention_unique")]
        indexes = [models.Index(fields=["account", "status"], name="mention_by_account")]


class StatusTag(models.Model):
    status = models.ForeignKey(Status, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status", "tag"], name="status_tag_unique")]
        indexes = [models.Index(fields=["tag", "status"], name="status_tag_by_tag")]


class Favourite(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="favourites")
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="favourites")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "status"], name="favourite_unique")]


class Bookmark(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="bookmarks")
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="bookmarks")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "status"], name="bookmark_unique")]


class StatusPin(models.Model):
    """A post its author pinned to their profile."""

    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="pins")
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="pins")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "status"], name="status_pin_unique")]


class StatusEdit(models.Model):
    """A version of an edited post as it was before an edit, from `created_at` (when it was
    posted or last edited) until the next version. The current version is the status itself."""

    id = IdField()
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField(blank=True, default="")
    content = models.TextField(blank=True, default="")
    spoiler_text = models.CharField(max_length=500, blank=True, default="")
    sensitive = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "id"], name="status_edit_by_status")]


class AccountConversation(models.Model):
    """One participant's view of a direct-message conversation."""

    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="conversations")
    conversation_id = models.BigIntegerField()
    participants = models.ManyToManyField(Account, related_name="+")  # the others in it
    last_status = models.ForeignKey(Status, null=True, on_delete=models.SET_NULL, related_name="+")
    unread = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "conversation_id"], name="account_conversation_unique")]


class ConversationMute(models.Model):
    """A thread one muted (by the ID of the post that started it): no more notifications from it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    conversation_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "conversation_id"], name="conversation_mute_unique")]


class IdempotencyKey(models.Model):
    """A client's key for one post (the Idempotency-Key header): the same key from the same
    account within an hour gives back the first post instead of a second one."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="idempotency_key_unique")]
