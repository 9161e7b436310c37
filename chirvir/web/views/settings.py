"""Settings, one form per part: the profile (with picture and header), privacy (a protected
account), the interface language and time zone, e-mail and password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chirvir.accounts import services as accounts
from chirvir.core.errors import DomainError
from chirvir.oauth import services as oauth
from chirvir.signins import services as signins
from chirvir.tags import services as tags
from chirvir.web.forms import EmailForm, LanguageForm, PasswordChangeForm, PrivacyForm, ProfileForm


def _sections(user, bound=None, form=None) -> list[dict]:
    """The page's parts in order, each with its own form; `bound` is the one just sent back."""
    forms = {
        "profile": ProfileForm(initial={f: getattr(user, f) for f in ("display_name", "note", "location", "website")}),
        "privacy": PrivacyForm(initial={"locked": user.locked}),
        "language": LanguageForm(initial={"language": user.language, "time_zone": user.time_zone}),
        "email": EmailForm(initial={"email": user.email}),
        "password": PasswordChangeForm(user),
    }
    if bound:
        forms[bound] = form
    titles = {
        "profile": (_("Profile"), _("Save the profile")),
        "privacy": (_("Privacy"), _("Save")),
        "language": (_("Language and time zone"), _("Save")),
        "email": (_("E-mail"), _("Save")),
        "password": (_("Password"), _("Change the password")),
    }
    return [{"key": key, "title": titles[key][0], "submit": titles[key][1], "form": f} for key, f in forms.items()]


@login_required
def settings_page(request):
    followed = [f.tag for f in tags.followed_tags(request.user)]
    return render(request, "web/settings.html", {"sections": _sections(request.user), "followed_tags": followed})


SECTIONS = {
    "profile": ProfileForm,
    "privacy": PrivacyForm,
    "language": LanguageForm,
    "email": EmailForm,
}


@login_required
@require_POST
def save(request, section):
    user = request.user
    if section == "password":
        form = PasswordChangeForm(user, request.POST)
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, form.user)
            # Whoever knew the old password is logged out of every other browser, and, if asked, of every app.
            signins.end_sessions(form.user, keep=request.session.session_key)
            if form.cleaned_data["sign_out_apps"]:
                oauth.revoke_tokens(form.user)
            messages.success(request, _("Your password is changed."))
            return redirect("web:settings")
    else:
        form = SECTIONS[section](request.POST, request.FILES)
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if v is not None or k not in ("avatar", "header")}
            try:
                accounts.update_profile(user, **changes)
            except DomainError as e:
                form.add_error(None, str(e))
            else:
                if section == "language":
                    translation.activate(user.language or translation.get_language())
                messages.success(request, _("Your settings are saved."))
                return redirect("web:settings")
    return render(request, "web/settings.html", {"sections": _sections(user, section, form)}, status=422)
