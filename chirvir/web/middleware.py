"""The interface language of a page: the account's own setting wins over the picker's cookie
and the browser's Accept-Language, which Django's LocaleMiddleware has already weighed."""

from django.utils import translation


def account_language(get_response):
    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return get_response(request)

    return middleware
