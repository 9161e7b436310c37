"""Media attachments: a picture, video or audio file someone uploaded, written again by Chirvir
(chirvir/media/images.py, chirvir/media/video.py), with its preview, description and focus, owned
by its uploader and free until a post takes it."""

from django.db import models
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.core.ids import IdField
from chirvir.statuses.models import Status, StatusEdit


class MediaType(models.TextChoices):
    IMAGE = "image"
    GIFV = "gifv"
    VIDEO = "video"
    AUDIO = "audio"


class MediaAttachment(models.Model):
    id = IdField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="media_attachments")
    # Null until a post takes it. A deleted post lets its media go free again, as Mastodon's
    # "delete and redraft" posts the same media_ids anew.
    status = models.ForeignKey(
        Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="media_attachments"
    )
    position = models.PositiveSmallIntegerField(default=0)  # its place among the post's media
    type = models.CharField(max_length=8, choices=MediaType.choices)
    file = models.FileField(upload_to="media/", blank=True)  # empty while a video is processed
    thumbnail = models.FileField(upload_to="media/", blank=True)  # the preview (a video's poster)
    # A video or audio upload as it came, kept (under a name /media/ never serves) until processed.
    original = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")  # why processing failed, for the uploader
    description = models.TextField(blank=True, default="")
    focus_x = models.FloatField(default=0.0)
    focus_y = models.FloatField(default=0.0)
    blurhash = models.CharField(max_length=100, blank=True, default="")
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a post last let it go (an edit took it off, or the post was deleted): unattached
    # media is removed a day after its upload or its release, whichever is later.
    detached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["account", "status"], name="media_by_account")]

    def __str__(self):
        return f"{self.type} {self.id} of {self.account}"

    @property
    def processed(self) -> bool:
        return bool(self.file)


class EditedMedia(models.Model):
    """The media an earlier version of an edited post carried, in order, for its history: what
    a version holds is kept while the post is."""

    edit = models.ForeignKey(StatusEdit, on_delete=models.CASCADE, related_name="edited_media")
    media = models.ForeignKey(MediaAttachment, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["edit", "media"], name="edited_media_unique")]
