"""Notifications (read when seen) and direct messages, shown as conversations."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chirvir.core.paging import Page
from chirvir.notifications import services as notifications
from chirvir.notifications.models import Marker
from chirvir.statuses import services as statuses
from chirvir.web.forms import MessageForm
from chirvir.web.views.common import page_of, shown_marks


@login_required
def notification_list(request):
    page = page_of(request)
    items = notifications.list_notifications(request.user, page)
    if items and page.max_id is None:
        notifications.set_marker(request.user, Marker.Timeline.NOTIFICATIONS, items[0].id)
    shown = [n.status for n in items if n.status is not None]
    return render(
        request,
        "web/notifications.html",
        {
            "notifications": items,
            **shown_marks(request.user, shown),
            "older": items[-1].id if len(items) >= page.limit else None,
        },
    )


def conversations_context(viewer, page: Page) -> dict:
    """The list of conversations as _conversations.html shows it."""
    items = statuses.list_conversations(viewer, page)
    return {"conversations": items, **shown_marks(viewer, [c.last_status for c in items])}


@login_required
def conversations(request):
    context = conversations_context(request.user, page_of(request))
    context["form"] = MessageForm(initial={"to": request.GET.get("to", "")[:31]})
    return render(request, "web/conversations.html", context)
