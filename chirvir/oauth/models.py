"""What OAuth records beyond django-oauth-toolkit's tables: what Mastodon keeps of a client app
(the scopes it registered, the most its tokens may get, and its website), and which token each
used authorization code gave."""

from django.db import models


class AppProfile(models.Model):
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    scopes = models.TextField(default="read")  # space-separated, as registered
    website = models.URLField(max_length=2000, blank=True, default="")

    class Meta:
        # Made by the API app before OAuth had an app of its own; the rows stayed where they were.
        db_table = "api_appprofile"


class UsedCode(models.Model):
    """An authorization code already exchanged, and the token it gave, kept while the code would
    still be valid: a code presented again revokes every token it gave (RFC 6749 4.1.2). DOT
    deletes a code once used, so without this the replay is refused but its token lives on."""

    code_hash = models.CharField(max_length=64, db_index=True)  # SHA-256 of the code
    application = models.ForeignKey("oauth2_provider.Application", on_delete=models.CASCADE, related_name="+")
    # No foreign keys: a refresh replaces (deletes) the access token; its refresh family remains.
    access_token_id = models.BigIntegerField()
    token_family = models.UUIDField(null=True)  # the refresh tokens that descend from it
    expires = models.DateTimeField()


class TokenUse(models.Model):
    """When an access token was last used, for the connected apps page: written at most once a
    minute per token and process (services.authenticate_token), so a busy app costs no write per
    request. No foreign key: a refresh deletes the old token, and its row is swept with it."""

    access_token_id = models.BigIntegerField(primary_key=True)
    last_used = models.DateTimeField()
