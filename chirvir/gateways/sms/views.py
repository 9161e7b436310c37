"""The SMS gateway's two doors: Kannel's sms-service calling for each message a phone sent (with
the shared secret, else 403; the answer's body is Kannel's reply to the phone), and the settings
page where a person gives their number and is sent the code that links it."""

import datetime
import hmac

import regex
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from chirvir.core.errors import DomainError
from chirvir.gateways import commands, links
from chirvir.gateways.models import Channel
from chirvir.gateways.sms import encoding, kannel
from chirvir.gateways.sms.tasks import sms_text_job

PHONE = regex.compile(r"\+[1-9][0-9]{6,14}")  # E.164
MAX_QUERY = 16_000  # Kannel's get-url of the longest concatenated message, URL-encoded, and more


def _reply(texts: list[str]) -> HttpResponse:
    text = "\n".join(texts)
    answer = HttpResponse(text, content_type="text/plain; charset=utf-8")
    if encoding.coding_of(text) == encoding.UCS2:
        answer["X-Kannel-Coding"] = "2"  # else Kannel sends what GSM-7 lacks as "?"
    return answer


@csrf_exempt
@require_GET
def inbound(request):
    """One message from a phone (Kannel's get-url: secret, from=%p, text=%a)."""
    if not kannel.configured():
        raise Http404
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY:
        return _reply([_("That message is too long.")])
    if not hmac.compare_digest(request.GET.get("secret", "").encode(), settings.SMS_SECRET.encode()):
        return HttpResponseForbidden("wrong secret\n", content_type="text/plain")
    phone, text = request.GET.get("from", "").strip(), request.GET.get("text", "")
    if not PHONE.fullmatch(phone):
        return HttpResponse(status=400)
    link = links.linked(Channel.SMS, phone)
    if link is not None:
        return _reply(commands.run(link, text))
    confirmed = links.confirm(Channel.SMS, phone, text)
    if confirmed is not None:
        with translation.override(confirmed.account.language or "en"):
            return _reply([_("This phone is now linked to %(name)s. Send HELP for the commands.")
                           % {"name": confirmed.account.username}])
    if links.waiting_for_code(Channel.SMS, phone):
        return _reply([_("That code is wrong or has expired. Ask for a new one in your settings.")])
    return _reply([_("This phone is not linked to an account. Link it in your settings on %(site)s.")
                   % {"site": settings.SITE_URL}])


def _time(value: str):
    try:
        return datetime.time.fromisoformat(value.strip()[:8]) if value.strip() else None
    except ValueError:
        raise DomainError(_("Give times as hours and minutes, such as 22:00.")) from None


def _limits(request, link):
    if link is None or link.confirmed_at is None:
        return redirect("sms:phone")
    try:
        cap = request.POST.get("daily_cap", "").strip()
        if not cap.isdigit():
            raise DomainError(_("The daily limit is between 0 and %(most)d messages.") % {"most": links.MAX_DAILY_CAP})
        links.set_limits(link, _time(request.POST.get("quiet_from", "")), _time(request.POST.get("quiet_until", "")),
                         int(cap[:4]))
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Saved."))
    return redirect("sms:phone")


@login_required
def phone_settings(request):
    """Give a phone number (a code goes to it, to send back), set the linked one's quiet hours and
    daily limit, or unlink it."""
    if not kannel.configured():
        raise Http404
    account = request.user
    if request.method == "POST":
        if request.POST.get("unlink"):
            links.unlink(account, Channel.SMS)
            messages.success(request, _("Your phone is no longer linked."))
            return redirect("sms:phone")
        if request.POST.get("limits"):
            return _limits(request, links.link_of(account, Channel.SMS))
        phone = regex.sub(r"[\s().-]", "", request.POST.get("phone", ""))[:20]
        if not PHONE.fullmatch(phone):
            messages.error(request, _("Give the number in international form, such as +919876543210."))
            return redirect("sms:phone")
        try:
            code = links.start_linking(account, Channel.SMS, phone)
        except DomainError as e:
            messages.error(request, str(e))
            return redirect("sms:phone")
        with translation.override(account.language or "en"):
            text = _("Your Chirvir code is %(code)s. Send it back to link this phone.") % {"code": code}
        sms_text_job(phone, text)
        messages.success(request, _("A code is on its way to %(phone)s: send it back from that phone.") % {"phone": phone})
        return redirect("sms:phone")
    link = links.link_of(account, Channel.SMS)
    return render(request, "sms/phone.html", {"link": link, "short_code": settings.SMS_FROM})
