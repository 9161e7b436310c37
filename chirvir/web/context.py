"""What every page's frame shows: the site's name, and for a signed-in person the unread counts
beside the navigation (the language picker's languages are the kept footer's own, in
web/fragments.py); the mute durations every block-and-mute menu offers."""

from django.conf import settings

from chirvir.accounts.services import follow_request_count
from chirvir.notifications.services import unread_count
from chirvir.statuses.services import text_config
from chirvir.web.forms import MUTE_DURATIONS


def site(request):
    context = {
        "site_title": settings.INSTANCE_TITLE,
        "max_chars": text_config().max_weighted_length,
        "mute_durations": MUTE_DURATIONS.items(),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and request.resolver_match and request.resolver_match.namespace == "web":
        context["unread_notifications"] = unread_count(user)
        context["pending_requests"] = follow_request_count(user)
    return context
