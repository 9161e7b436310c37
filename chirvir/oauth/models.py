"""What Mastodon records of a client app beyond django-oauth-toolkit's Application: the scopes
it registered (the most its tokens may get) and its website."""

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
