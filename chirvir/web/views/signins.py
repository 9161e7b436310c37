"""The settings pages about who is signed in to an account: the browsers (with "log out
everywhere else") and the connected apps (with "revoke")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application

from chirvir.oauth import services as oauth
from chirvir.signins import services as signins


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
