"""The settings page that links a Jabber address: enter the JID, get a code by chat, send it back
to the bot or enter it here; or unlink. Off (404) while the gateway is not configured."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chirvir.core.errors import DomainError
from chirvir.gateways import links
from chirvir.gateways.models import Channel
from chirvir.gateways.xmpp import connection, linking

MAX_FIELD = 320  # the longest address a link holds; anything longer is refused before parsing


@login_required
def settings_page(request):
    if not connection.configured():
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "send_code":
            jid = request.POST.get("jid", "")[: MAX_FIELD + 1]
            try:
                if len(jid) > MAX_FIELD:
                    raise DomainError(_("That is not a Jabber address (name@server)."))
                linking.ask_to_link(request.user, jid)
            except DomainError as e:
                messages.error(request, e.message)
        elif action == "confirm":
            if linking.confirm_on_page(request.user, request.POST.get("code", "")[:32]) is None:
                messages.error(request, _("That code is not right."))
        elif action == "unlink":
            links.unlink(request.user, Channel.XMPP)
        return redirect("xmpp:settings")
    link = links.link_of(request.user, Channel.XMPP)
    return render(request, "xmpp/settings.html", {"link": link, "bot": settings.XMPP_JID})
