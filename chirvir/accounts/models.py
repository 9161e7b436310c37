"""Accounts and the graph between them: follows, follow requests, blocks, mutes.
Rules live in services.py; these are the tables."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chirvir.core.ids import IdField

_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


class AccountManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are unique without regard to case, so log-in is too.
        return self.get(username__iexact=username)


class Account(AbstractUser):
    """A person on Chirvir: the log-in (Django's user) and the public profile in one row."""

    id = IdField()
    # Named for translation: Django's log-in and password messages put this name in their sentences.
    username = models.CharField(_("username"), max_length=30, unique=True)
    # The username's look (chirvir.core.confusables): a name that passes for another ("bi1l" for
    # "bill") is refused at sign-up by this lookup. Not unique: accounts made before it may share one.
    username_skeleton = models.CharField(max_length=120, blank=True, default="", db_index=True, editable=False)
    display_name = models.CharField(max_length=30, blank=True, default="")
    note = models.TextField(blank=True, default="")
    location = models.CharField(max_length=30, blank=True, default="")
    website = models.URLField(max_length=200, blank=True, default="")
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    header = models.ImageField(upload_to="headers/", blank=True)
    # "Protected" in Twitter's words, "locked" in Mastodon's: posts reach approved followers only.
    locked = models.BooleanField(default=False)
    language = models.CharField(max_length=8, blank=True, default="", choices=settings.LANGUAGES)  # the interface's
    # An IANA name (Asia/Kolkata) the pages show times in; empty for the site's own (UTC).
    time_zone = models.CharField(max_length=64, blank=True, default="")
    # Mastodon's profile settings: whether the account is automated, whether it may be suggested
    # to others, and what a post says when it does not say (visibility, sensitivity, language).
    bot = models.BooleanField(default=False)
    discoverable = models.BooleanField(default=True)
    default_visibility = models.CharField(max_length=10, default="public")
    default_sensitive = models.BooleanField(default=False)
    posting_language = models.CharField(max_length=3, blank=True, default="")
    default_quote_policy = models.CharField(max_length=10, default="public")  # who may quote a new post
    # When the owner opened the link mailed to their address (None: not yet, or the address changed since).
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Up to four {"name", "value"} pairs, shown on the profile; checked by update_profile.
    profile_fields = models.JSONField(default=list, blank=True)

    followers_count = models.IntegerField(default=0)
    following_count = models.IntegerField(default=0)
    statuses_count = models.IntegerField(default=0)
    last_status_at = models.DateTimeField(null=True, blank=True)
    # When the account last used the site, to the hour (chirvir/accounts/activity.py): fan-out on
    # write reaches only followers active within settings.ACTIVE_DAYS.
    last_active_at = models.DateTimeField(default=timezone.now)

    # Moderation (chirvir/moderation sets these, with a note in its audit log). A suspended account
    # is also inactive, so that every check of is_active (log-in, tokens, the audience gate)
    # refuses it; a silenced one ("limited") reaches only its followers; a sensitized one has its
    # media shown behind a warning. An account waiting for approval is inactive and not suspended.
    suspended_at = models.DateTimeField(null=True, blank=True)
    silenced_at = models.DateTimeField(null=True, blank=True)
    sensitized_at = models.DateTimeField(null=True, blank=True)

    objects = AccountManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="account_username_ci_unique")]
        # Who to follow reads the most followed accounts down it (chirvir.accounts.discovery).
        indexes = [models.Index(fields=["followers_count", "id"], name="account_by_followers_count")]

    def __str__(self):
        return f"@{self.username}"

    @property
    def created_at(self):
        return self.date_joined

    @property
    def shown_fields(self) -> list[dict]:
        """The profile fields as the profile shows them: each with `url` when its value is a web
        address, which is shown as a link (rel="me": the profile vouches for it)."""
        return [
            {**field, "url": field["value"] if _WEB_ADDRESS.fullmatch(field["value"]) else None}
            for field in self.profile_fields
        ]


class _Relation(models.Model):
    """One account's edge to another, at most one of a kind per pair."""

    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    target_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Follow(_Relation):
    show_reblogs = models.BooleanField(default=True)
    notify = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "target_account"], name="follow_unique")]
        indexes = [models.Index(fields=["target_account", "account"], name="follow_by_target")]


class FollowRequest(_Relation):
    show_reblogs = models.BooleanField(default=True)
    notify = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "target_account"], name="follow_request_unique")]
        indexes = [models.Index(fields=["target_account", "id"], name="follow_request_by_target")]


class Block(_Relation):
    @classmethod
    def between(cls, a, b) -> bool:
        """Whether either of two accounts blocks the other: then neither sees, follows or hears
        of the other."""
        return cls.objects.filter(
            models.Q(account=a, target_account=b) | models.Q(account=b, target_account=a)
        ).exists()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "target_account"], name="block_unique")]
        indexes = [models.Index(fields=["target_account", "account"], name="block_by_target")]


class MuteQuerySet(models.QuerySet):
    def in_force(self, now=None):
        """Mutes that hold now: a timed mute is over at its `expires_at`, whether or not the
        clean-up has deleted its row yet."""
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now or timezone.now()))


class Mute(_Relation):
    hide_notifications = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # null: until unmuted

    objects = MuteQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "target_account"], name="mute_unique")]


class Endorsement(_Relation):
    """An account one follows, featured on one's profile (Mastodon's endorsement, an AccountPin)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "target_account"], name="endorsement_unique")]


class AccountNote(_Relation):
    """What one wrote about another account for oneself alone (Mastodon's private note)."""

    comment = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "target_account"], name="account_note_unique")]


class SuggestionDismissal(_Relation):
    """An account one asked never to be suggested to follow again."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "target_account"], name="suggestion_dismissal_unique")
        ]
