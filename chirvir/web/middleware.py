"""The pages' middleware. The interface language and time zone of a page: the account's own
language wins over the picker's cookie and the browser's Accept-Language, which Django's
LocaleMiddleware has already weighed; times show in the account's time zone, else in the site's
(UTC). And the mark each browser keeps, for the sessions page and new-browser mails, and the
account's last activity (chirvir/accounts/activity.py)."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from chirvir.accounts import activity
from chirvir.signins import services as signins


def account_language(get_response):
    def middleware(request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        if signed_in and user.time_zone:
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        try:
            return get_response(request)
        finally:  # the active zone belongs to the thread, which serves someone else next
            timezone.deactivate()

    return middleware


def signed_in_browser(get_response):
    """Every browser gets a mark of its own (a long-lived cookie) by which a sign-in from a new one
    is told apart, and a signed-in browser's "last seen" on the sessions page moves on."""

    def middleware(request):
        mark = request.COOKIES.get(signins.BROWSER_COOKIE)
        if not mark and not request.path.startswith(("/api/", "/oauth/token", "/oauth/revoke", "/static/", "/media/")):
            request.browser_mark = signins.new_browser_mark()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            signins.seen(request)
            activity.note_activity(user)
        response = get_response(request)
        if getattr(request, "browser_mark", None):
            response.set_cookie(
                signins.BROWSER_COOKIE, request.browser_mark, max_age=5 * 365 * 24 * 3600, httponly=True,
                samesite="Lax", secure=settings.SECURE_COOKIES,
            )
        return response

    return middleware
