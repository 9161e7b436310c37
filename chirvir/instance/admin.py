"""The operator writes the server's rules in Django's admin."""

from django.contrib import admin

from chirvir.instance.models import Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("position", "text")
    list_editable = ("text",)
    list_display_links = ("position",)
