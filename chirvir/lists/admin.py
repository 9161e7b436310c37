"""Lists in Django's admin, for moderators to look at (a public list's title is public)."""

from django.contrib import admin

from chirvir.lists.models import List
from chirvir.moderation.admin import ModeratorAdmin


@admin.register(List)
class ListAdmin(ModeratorAdmin):
    list_display = ("title", "owner", "public", "created_at")
    list_filter = ("public", "exclusive")
    search_fields = ("title", "owner__username")
