"""Accounts in Django's admin, for moderators: find them, see their state, and act on them through
the moderation services (each action asks for a note: chirvir/moderation/admin.py)."""

from django.contrib import admin

from chirvir.accounts.models import Account, Block, Follow, FollowRequest, Mute
from chirvir.moderation import services as moderation
from chirvir.moderation.admin import ModeratorAdmin, noted


class Moderated(admin.SimpleListFilter):
    title = "moderation"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "Waiting for approval"), ("suspended", "Suspended"), ("silenced", "Limited"),
                ("sensitized", "Sensitive media")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(is_active=False, suspended_at__isnull=True)
        if self.value() in ("suspended", "silenced", "sensitized"):
            return queryset.filter(**{f"{self.value()}_at__isnull": False})
        return queryset


@admin.register(Account)
class AccountAdmin(ModeratorAdmin):
    list_display = ("username", "display_name", "email", "date_joined", "is_active", "suspended_at", "silenced_at",
                    "statuses_count", "is_staff")
    list_filter = (Moderated, "is_staff", "locked", "bot")
    search_fields = ("username", "display_name", "email")
    exclude = ("password", "user_permissions")
    # The state that only the actions change (with a note, in the audit log, told to the account).
    readonly_fields = ("is_active", "suspended_at", "silenced_at", "sensitized_at", "date_joined", "last_login",
                       "followers_count", "following_count", "statuses_count", "last_status_at")
    actions = [
        noted(moderation.approve, "Approve the waiting sign-ups"),
        noted(moderation.reject, "Reject the waiting sign-ups"),
        noted(moderation.suspend, "Suspend"),
        noted(moderation.unsuspend, "Lift the suspension"),
        noted(moderation.silence, "Limit (silence)"),
        noted(moderation.unsilence, "Lift the limit"),
        noted(moderation.sensitize, "Mark their media sensitive"),
        noted(moderation.unsensitize, "Unmark their media"),
        noted(moderation.warn, "Send a warning"),
    ]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # who is staff, and profiles fixed by hand; never the moderation state


@admin.register(Follow, FollowRequest, Block, Mute)
class RelationAdmin(ModeratorAdmin):
    list_display = ("account", "target_account", "created_at")
    search_fields = ("account__username", "target_account__username")
