"""Posts and hashtags in Django's admin, for moderators: find a post, and delete it through the
moderation service (with a note, in the audit log, told to its author)."""

from django.contrib import admin

from chirvir.moderation import services as moderation
from chirvir.moderation.admin import ModeratorAdmin, noted
from chirvir.statuses.models import Status, Tag


@admin.register(Status)
class StatusAdmin(ModeratorAdmin):
    list_display = ("id", "account", "text", "visibility", "created_at")
    list_filter = ("visibility", "sensitive")
    search_fields = ("text", "account__username")
    raw_id_fields = ("account", "in_reply_to", "in_reply_to_account", "reblog")
    actions = [noted(moderation.delete_status, "Delete the posts")]


@admin.register(Tag)
class TagAdmin(ModeratorAdmin):
    list_display = ("name",)
    search_fields = ("name",)
