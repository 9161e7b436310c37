"""Moderation in Django's admin: reports, the audit log, the e-mail domain, IP and canonical e-mail
blocks, and `noted`, the admin action that asks for a note on a page of its own and then runs a
moderation service on each selected row, so the audit log, the notification and the e-mail happen
as from the API. Moderators (staff accounts) see Chirvir's models through `ModeratorAdmin`."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.text import slugify

from chirvir.core.errors import DomainError
from chirvir.moderation import blocks, services
from chirvir.moderation.models import CanonicalEmailBlock, EmailDomainBlock, IpBlock, ModerationAction, Report


class ModeratorAdmin(admin.ModelAdmin):
    """Staff accounts moderate: they see the rows and act through the actions, never by editing
    the moderation state by hand (that would skip the audit log and the account's notice)."""

    def has_module_permission(self, request):
        return services.is_moderator(request.user)

    def has_view_permission(self, request, obj=None):
        return services.is_moderator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def noted(service, description: str, *, rows=lambda queryset: queryset):
    """An admin action that runs `service(moderator, row, note)` on every selected row, after a
    page that asks for the note. `rows` turns the selection into what the service takes."""

    def run(modeladmin, request, queryset):
        if request.POST.get("apply") != "yes":
            return TemplateResponse(
                request,
                "admin/moderation/note.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "title": description,
                    "description": description,
                    "queryset": queryset,
                    "action": request.POST["action"],
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "checkbox_name": ACTION_CHECKBOX_NAME,
                    "opts": modeladmin.model._meta,
                },
            )
        note = request.POST.get("note", "")
        done = 0
        for row in rows(queryset):
            try:
                service(request.user, row, note)
                done += 1
            except DomainError as e:
                modeladmin.message_user(request, f"{row}: {e}", messages.ERROR)
        if done:
            modeladmin.message_user(request, f"{description}: {done} done.", messages.SUCCESS)
        return None

    # The action's name is in the form every web process reads back: the same in each of them.
    run.__name__ = slugify(description).replace("-", "_")
    return admin.action(description=description)(run)


def _resolving(action: str | None):
    def resolve(moderator, made, note):
        services.resolve(moderator, made, note, action=action)

    resolve.__name__ = f"resolve_{action or 'only'}"
    return resolve


def _assign_to_me(moderator, made, note):
    services.assign(moderator, made, moderator)


class ReportedPosts(admin.TabularInline):
    model = Report.statuses.through
    verbose_name = "reported post"
    verbose_name_plural = "reported posts"
    readonly_fields = ("status",)
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return services.is_moderator(request.user)


class ActionsOnReport(admin.TabularInline):
    model = ModerationAction
    fields = readonly_fields = ("created_at", "moderator", "action", "note")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return services.is_moderator(request.user)


@admin.register(Report)
class ReportAdmin(ModeratorAdmin):
    list_display = ("id", "target", "reporter", "category", "created_at", "assigned_to", "resolved_at")
    list_filter = ("category", ("resolved_at", admin.EmptyFieldListFilter), "action_taken")
    search_fields = ("target__username", "reporter__username", "comment")
    readonly_fields = ("target", "reporter", "category", "comment", "rule_ids", "forward", "assigned_to",
                       "action_taken", "action_taken_by", "created_at", "resolved_at")
    exclude = ("statuses", "updated_at")
    inlines = [ReportedPosts, ActionsOnReport]
    actions = [
        noted(_resolving("suspend"), "Resolve by suspending the account"),
        noted(_resolving("silence"), "Resolve by limiting (silencing) the account"),
        noted(_resolving("sensitive"), "Resolve by marking the account's media sensitive"),
        noted(_resolving("delete_statuses"), "Resolve by deleting the reported posts"),
        noted(_resolving("none"), "Resolve with a warning to the account"),
        noted(_resolving(None), "Resolve without an action"),
        noted(services.reopen, "Reopen"),
        noted(_assign_to_me, "Assign to me"),
    ]


@admin.register(ModerationAction)
class ModerationActionAdmin(ModeratorAdmin):
    list_display = ("created_at", "moderator", "action", "target_username", "note")
    list_filter = ("action",)
    search_fields = ("target_username", "moderator__username", "note")


@admin.register(EmailDomainBlock)
class EmailDomainBlockAdmin(ModeratorAdmin):
    """E-mail domain blocks are plain rows: moderators add and remove them."""

    list_display = ("domain", "created_at")
    search_fields = ("domain",)

    def has_add_permission(self, request):
        return services.is_moderator(request.user)

    def has_change_permission(self, request, obj=None):
        return services.is_moderator(request.user)

    def has_delete_permission(self, request, obj=None):
        return services.is_moderator(request.user)



@admin.register(IpBlock)
class IpBlockAdmin(ModeratorAdmin):
    """IP blocks are seen and lifted here; they are made through the admin API (blocks.block_ip
    checks the network and the severity)."""

    list_display = ("ip", "severity", "comment", "created_at", "expires_at")
    list_filter = ("severity",)
    search_fields = ("ip", "comment")

    def has_delete_permission(self, request, obj=None):
        return services.is_moderator(request.user)

    def delete_model(self, request, obj):
        blocks.unblock_ip(obj)

    def delete_queryset(self, request, queryset):
        for block in queryset:
            blocks.unblock_ip(block)


@admin.register(CanonicalEmailBlock)
class CanonicalEmailBlockAdmin(ModeratorAdmin):
    """Blocked addresses, by the hash of their canonical form; made through the admin API."""

    list_display = ("canonical_email_hash", "created_at")
    search_fields = ("canonical_email_hash",)

    def has_delete_permission(self, request, obj=None):
        return services.is_moderator(request.user)
