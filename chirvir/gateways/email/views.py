"""The e-mail gateway's pages: the settings page (the posting address, shown and renewable, and
the switches of notification e-mails) and the one-click unsubscribe page, which needs no log-in:
its signed token is the authority (RFC 8058)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chirvir.gateways.email import addresses


class SwitchesForm(forms.Form):
    follow = forms.BooleanField(required=False, label=gettext_lazy("New followers"))
    follow_request = forms.BooleanField(required=False, label=gettext_lazy("Follow requests"))
    direct = forms.BooleanField(required=False, label=gettext_lazy("Direct messages"))
    mention = forms.BooleanField(required=False, label=gettext_lazy("Mentions"))


@login_required
def mail_settings(request):
    choice = addresses.settings_of(request.user)
    if request.method == "POST":
        form = SwitchesForm(request.POST)
        if form.is_valid():
            addresses.choose_notifications(request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("mailgateway:settings")
    else:
        form = SwitchesForm(initial={kind: getattr(choice, kind) for kind in addresses.KINDS})
    context = {"form": form, "enabled": addresses.enabled(), "email": request.user.email}
    if addresses.enabled():
        context["posting_address"] = addresses.posting_address(request.user)
    return render(request, "mailgateway/settings.html", context)


@login_required
@require_POST
def renew(request):
    addresses.renew_posting_address(request.user)
    messages.success(request, _("Your posting address is new; the old one no longer works."))
    return redirect("mailgateway:settings")


@csrf_exempt  # mail programs POST here on their own (RFC 8058); the signed token stands for the person
def unsubscribe(request, token):
    found = addresses.read_unsubscribe_token(token)
    if found is None:
        return render(request, "mailgateway/unsubscribe.html", {"invalid": True}, status=404)
    account, kind = found
    with translation.override(account.language or translation.get_language()):  # the mail's language
        if request.method == "POST":
            addresses.unsubscribe(account, kind)
            return render(request, "mailgateway/unsubscribe.html", {"done": True})
        # A GET only asks: link checkers and mail scanners open links without a person.
        return render(request, "mailgateway/unsubscribe.html", {"token": token})
