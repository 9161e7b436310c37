"""The warning page a doubtful outbound link opens through (/leaving?url=SIGNED): it shows where
the link really leads, warns hard when that host imitates this instance's, and refuses a blocked
one. Only addresses Chirvir signed are shown, so the page is no open redirect."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from chirvir.core import outbound
from chirvir.web.views.common import not_found


def leaving(request):
    url = outbound.destination(request.GET.get("url", ""))
    if url is None:
        return not_found(request, _("This link was not made by this site."))
    host = outbound.host_of(url)
    context = {
        "url": url,
        "host": host,
        "imitates": outbound.imitates_instance(host),
        "blocked": outbound.is_blocked(host),
        "own_host": outbound.own_host(),
    }
    return render(request, "web/leaving.html", context)
