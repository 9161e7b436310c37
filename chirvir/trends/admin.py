"""The operator's view of trends in Django's admin: what trends now, and what is kept off the
lists (hide from the list of trends with the "Hide" action, or add a hidden trend by hand)."""

from django.contrib import admin

from chirvir.trends import services
from chirvir.trends.models import HiddenTrend, Trend


@admin.register(HiddenTrend)
class HiddenTrendAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "created_at")
    list_filter = ("kind",)
    search_fields = ("key",)


@admin.action(description="Hide the selected trends")
def hide(modeladmin, request, queryset):
    for trend in queryset:
        services.hide_trend(trend.kind, trend.key)


@admin.register(Trend)
class TrendAdmin(admin.ModelAdmin):
    list_display = ("kind", "language", "rank", "key", "accounts", "score", "computed_at")
    list_filter = ("kind", "language")
    search_fields = ("key",)
    actions = [hide]

    def has_add_permission(self, request):
        return False  # computed by the refresh, never written by hand

    def has_change_permission(self, request, obj=None):
        return False
