"""The settings pages about who may sign in to an account: the browsers (with "log out everywhere
else"), the connected apps (with "revoke"), and two-factor authentication (on with a QR code and a
confirming code, off with a code)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application

from chirvir.core.errors import DomainError
from chirvir.oauth import services as oauth
from chirvir.signins import services as signins
from chirvir.signins.forms import SecondFactorForm


@login_required
def sessions(request):
    rows = signins.sessions_of(request.user)
    return render(request, "web/sessions.html", {"sessions": rows, "current": request.session.session_key})


@login_required
@require_POST
def end_other_sessions(request):
    signins.end_sessions(request.user, keep=request.session.session_key)
    messages.success(request, _("You are logged out of every other browser."))
    return redirect("web:sessions")


@login_required
def apps(request):
    return render(request, "web/apps.html", {"apps": oauth.connected_apps(request.user)})


@login_required
@require_POST
def revoke_app(request, application_id):
    application = get_object_or_404(Application, pk=application_id)
    oauth.revoke_tokens(request.user, application)
    messages.success(request, _("%(app)s can no longer use your account.") % {"app": application.name})
    return redirect("web:apps")


SECRET = "two_factor_secret"  # the secret being set up lives in the session until a code confirms it


def _two_factor_page(request, form=None, status=200, **context):
    account = request.user
    if signins.has_two_factor(account) or context.get("recovery_codes"):
        context.setdefault("enabled", True)
    else:
        secret = request.session.get(SECRET) or signins.new_two_factor_secret()
        request.session[SECRET] = secret
        context.update(secret=secret, qr_code=signins.qr_code(signins.provisioning_uri(account, secret)))
    form = form or SecondFactorForm()
    form.fields["code"].widget.attrs.pop("autofocus", None)
    return render(request, "web/two_factor.html", {"form": form, **context}, status=status)


@login_required
def two_factor(request):
    return _two_factor_page(request)


@login_required
@require_POST
def two_factor_enable(request):
    form = SecondFactorForm(request.POST)
    secret = request.session.get(SECRET)
    if secret and form.is_valid() and not signins.has_two_factor(request.user):
        try:
            codes = signins.enable_two_factor(request.user, secret, form.cleaned_data["code"])
        except DomainError as e:
            form.add_error("code", str(e))
        else:
            del request.session[SECRET]
            return _two_factor_page(request, recovery_codes=codes)
    return _two_factor_page(request, form, status=422)


@login_required
@require_POST
def two_factor_disable(request):
    form = SecondFactorForm(request.POST)
    if form.is_valid():
        try:
            signins.disable_two_factor(request, request.user, form.cleaned_data["code"])
        except DomainError as e:
            form.add_error("code", str(e))
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("web:two_factor")
    return _two_factor_page(request, form, status=422)
