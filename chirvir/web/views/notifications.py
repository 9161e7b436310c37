"""Notifications (read when seen, likes, reposts and follows in their groups), the requests the
notification policy holds back, and direct messages, shown as conversations."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chirvir.core.paging import Page
from chirvir.notifications import services as notifications
from chirvir.notifications.models import Marker
from chirvir.statuses import services as statuses
from chirvir.web.forms import MessageForm
from chirvir.web.views.common import action, back, filtered, page_of, shown_marks


@login_required
def notification_list(request):
    page = page_of(request)
    groups = notifications.list_groups(request.user, page)
    items = [n for g in groups for n in g.notifications]
    if items and page.max_id is None:
        notifications.set_marker(request.user, Marker.Timeline.NOTIFICATIONS, max(n.id for n in items))
    # The reader's "notifications" filters: a group whose post one hides is not shown, one warned
    # of is collapsed.
    posts = [g.latest.status for g in groups if g.latest.status is not None]
    shown, warned = filtered(request.user, posts, "notifications")
    kept = {s.id for s in shown}
    groups = [g for g in groups if g.latest.status is None or g.latest.status.id in kept]
    return render(
        request,
        "web/notifications.html",
        {
            "groups": groups,
            "warned": warned,
            "requests": notifications.list_requests(request.user) if page.max_id is None else [],
            **shown_marks(request.user, shown),
            "older": min(n.id for n in items) if len(items) >= page.limit else None,
        },
    )


@action
def accept_request(request, request_id):
    notifications.accept_requests(request.user, [notifications.get_request(request.user, request_id).id])
    return back(request, "/notifications")


@action
def dismiss_request(request, request_id):
    notifications.dismiss_requests(request.user, [notifications.get_request(request.user, request_id).id])
    return back(request, "/notifications")


def conversations_context(viewer, page: Page) -> dict:
    """The list of conversations as _conversations.html shows it."""
    items = statuses.list_conversations(viewer, page)
    return {"conversations": items, **shown_marks(viewer, [c.last_status for c in items])}


@login_required
def conversations(request):
    context = conversations_context(request.user, page_of(request))
    context["form"] = MessageForm(initial={"to": request.GET.get("to", "")[:31]})
    return render(request, "web/conversations.html", context)
