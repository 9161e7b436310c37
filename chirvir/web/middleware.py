"""The interface language and time zone of a page: the account's own language wins over the
picker's cookie and the browser's Accept-Language, which Django's LocaleMiddleware has already
weighed; times show in the account's time zone, else in the site's (UTC)."""

import zoneinfo

from django.utils import timezone, translation


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
