"""URL map: health, the Mastodon API and OAuth, media, the admin, and the web pages."""

from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from chirvir.api.base import error_response
from chirvir.api.views import instance
from chirvir.core import metrics
from chirvir.media import views as media

# The admin's registrations (each app's admin.py), here rather than at start (settings.py's
# SimpleAdminConfig): only a process that serves pages needs them.
admin.autodiscover()

# How every address of the Mastodon API and OAuth starts.
API_STARTS = r"api/|oauth/|\.well-known/"
MISSING = settings.BASE_DIR / "core" / "static" / "chirvir" / "missing.png"

urlpatterns = [
    path("health", instance.health),
    path("metrics", metrics.view),  # Prometheus, from the addresses CHIRVIR_METRICS_ALLOW names
    # Widgets and oEmbed (chirvir/widgets): before the pages, whose @username routes would take theirs.
    path("", include(("chirvir.widgets.urls", "widgets"))),
    # The API's routes all start with one of these (tests/api/test_routes.py), and are looked at
    # only for such an address: a page's was tried against each of them before reaching its own.
    re_path(rf"^(?={API_STARTS})", include("chirvir.api.urls")),
    re_path(r"^media/(?P<path>.+)$", media.serve),
    # The picture of an account that has none, at the address Mastodon apps expect.
    re_path(r"^(avatars|headers)/original/missing\.png$", lambda request, kind: FileResponse(MISSING.open("rb"))),
    path("admin/", admin.site.urls),
    path("", include(("chirvir.feeds.urls", "feeds"))),
    # The XMPP gateway's settings page (chirvir/gateways/xmpp).
    path("", include(("chirvir.gateways.xmpp.urls", "xmpp"))),
    # SMS through Kannel (chirvir/gateways/sms): Kannel's inbound calls and the phone settings page.
    path("", include(("chirvir.gateways.sms.urls", "sms"))),
    # The e-mail gateway's settings and unsubscribe pages (chirvir/gateways/email).
    path("", include(("chirvir.gateways.email.urls", "mailgateway"))),
    path("", include("chirvir.web.urls")),
]


def not_found(request, exception=None):
    if request.path.startswith(("/api/", "/oauth/")):
        return error_response(404, "Record not found")
    return render(request, "web/not_found.html", {"message": _("There is nothing at this address.")}, status=404)


def server_error(request):
    if request.path.startswith(("/api/", "/oauth/")):
        return error_response(500, "There was a temporary problem serving your request, please try again")
    return HttpResponse("Server error", status=500, content_type="text/plain; charset=utf-8")


handler404 = not_found
handler500 = server_error
