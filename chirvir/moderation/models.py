"""Moderation's tables: reports, the audit log of what moderators did, and the e-mail domains
refused at sign-up. Rules live in services.py and spam.py."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status


class Category(models.TextChoices):
    SPAM = "spam"
    LEGAL = "legal"
    VIOLATION = "violation"
    OTHER = "other"


class Report(models.Model):
    """Someone (or the spam signals, when `reporter` is None) asks moderators to look at an account
    and some of its posts."""

    id = IdField()
    reporter = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="reports_against")
    statuses = models.ManyToManyField(Status, blank=True, related_name="+")
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.OTHER)
    rule_ids = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True, default="")
    forward = models.BooleanField(default=False)
    action_taken = models.BooleanField(default=False)
    assigned_to = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action_taken_by = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["resolved_at", "id"], name="report_by_state")]

    def __str__(self):
        who = f"@{self.reporter.username}" if self.reporter_id else "the spam signals"
        return f"Report {self.id} on @{self.target.username} by {who}"


class ActionType(models.TextChoices):
    REPORT = "report"  # a system report was made (the spam signals)
    RESOLVE = "resolve"
    REOPEN = "reopen"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    SILENCE = "silence"
    UNSILENCE = "unsilence"
    SENSITIZE = "sensitize"
    UNSENSITIZE = "unsensitize"
    DELETE_STATUS = "delete_status"
    APPROVE = "approve"
    REJECT = "reject"
    WARN = "none"  # Mastodon's action "none": a warning only


class ModerationAction(models.Model):
    """The audit log: who did what to whom, when, and why (the note). Kept when the account goes
    (a rejected sign-up), by its name."""

    id = IdField()
    moderator = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=ActionType.choices)
    target = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_username = models.CharField(max_length=30)
    status_id = models.BigIntegerField(null=True, blank=True)  # a deleted post, by its former ID
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["target", "id"], name="moderation_action_by_target")]

    def __str__(self):
        return f"{self.action} @{self.target_username}"


class EmailDomainBlock(models.Model):
    """Sign-ups with an e-mail address at this domain (or under it) are refused."""

    domain = models.CharField(max_length=255, unique=True, help_text="e.g. spam.example: its subdomains too.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@").rstrip(".")
        super().save(*args, **kwargs)

    @classmethod
    def covers(cls, email: str) -> bool:
        """Whether an address is at a blocked domain or under one (a@mail.spam.example under spam.example)."""
        labels = email.rpartition("@")[2].strip().lower().rstrip(".").split(".")
        return cls.objects.filter(domain__in=[".".join(labels[i:]) for i in range(len(labels))]).exists()


class IpSeverity(models.TextChoices):
    APPROVAL = "sign_up_requires_approval"  # a sign-up from there waits for a moderator
    SIGN_UP_BLOCK = "sign_up_block"  # no sign-up from there
    NO_ACCESS = "no_access"  # no request at all from there


class IpBlock(models.Model):
    """An address or a network (CIDR) a moderator restricts, until `expires_at` if set. Rules in
    blocks.py; the no_access middleware reads them through its short in-process cache."""

    ip = models.CharField(max_length=64, help_text="An address or a network, e.g. 192.0.2.0/24.")
    severity = models.CharField(max_length=32, choices=IpSeverity.choices)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.ip} ({self.severity})"


class CanonicalEmailBlock(models.Model):
    """Sign-ups whose address has this canonical form (blocks.canonical_email) are refused. Only
    the SHA-256 of the form is kept, as Mastodon keeps it, so a block can be shared without the address."""

    canonical_email_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.canonical_email_hash
