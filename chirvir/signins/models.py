"""The tables of signing in: failed attempts (the throttle counts them, in the database, so that
every process sees the same counts) and the web sessions an account holds. Rules are in services.py."""

from django.conf import settings
from django.db import models


class FailedLogin(models.Model):
    """One wrong password (or code), by whom it was tried for and from where; kept for the
    throttle's window, then swept."""

    username = models.CharField(max_length=254)  # as typed, folded: an unknown account counts too
    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"]), models.Index(fields=["username", "at"])]


class WebSession(models.Model):
    """A browser signed in to an account: Django's session, by its key, with what a person needs
    to recognise it on the sessions page."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    # A digest of the browser's User-Agent and the cookie that marks it (see services.browser_id).
    browser = models.CharField(max_length=64, db_index=True)
    address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField()
    last_seen = models.DateTimeField()


class KnownBrowser(models.Model):
    """A browser that has signed in to this account before (by the cookie it keeps): a sign-in
    from any other is told to the account by e-mail."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_browsers")
    browser = models.CharField(max_length=64)
    first_seen = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "browser"], name="known_browser_once")]


class TwoFactor(models.Model):
    """An account's TOTP authenticator (RFC 6238), once its owner confirmed a code from it."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    # The shared secret (base32): it must be readable to check a code, as the session key must.
    secret = models.CharField(max_length=64)
    enabled_at = models.DateTimeField()
    last_step = models.BigIntegerField(default=0)  # the 30-second step of the last code taken: none twice


class RecoveryCode(models.Model):
    """One of the ten codes shown once when two-factor authentication is turned on; each lets its
    owner in once without the authenticator. Kept only as a SHA-256 digest (they are random)."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True)
