"""Uploaded media in Django's admin, for moderators to look at; a post's media go with the post."""

from django.contrib import admin

from chirvir.media.models import MediaAttachment
from chirvir.moderation.admin import ModeratorAdmin


@admin.register(MediaAttachment)
class MediaAttachmentAdmin(ModeratorAdmin):
    list_display = ("id", "account", "type", "status", "description", "created_at")
    list_filter = ("type",)
    search_fields = ("account__username", "description")
    raw_id_fields = ("account", "status")
