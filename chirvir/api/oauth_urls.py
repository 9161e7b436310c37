"""Routes of OAuth and client apps, each with and without a trailing slash (toot opens
/oauth/authorize/, and a redirect would drop a POST body). The project's urls.py includes them."""

from django.urls import re_path

from chirvir.api.views import apps, oauth, registration


def route(pattern: str, view):
    return re_path(rf"^{pattern}/?$", view)


urlpatterns = [
    route("api/v1/apps", apps.create),
    route("api/v1/apps/verify_credentials", apps.verify_credentials),
    route("api/v1/accounts", registration.register),
    route("oauth/authorize", oauth.authorize),
    route("oauth/token", oauth.token),
    route("oauth/revoke", oauth.revoke),
    route(r"\.well-known/oauth-authorization-server", oauth.server_metadata),
]
