"""Signing up, in and out, resetting a forgotten password by e-mail, and the language picker.
Django's own auth views do the work; these give them our pages and our registration rule."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chirvir.accounts import confirmation
from chirvir.accounts import services as accounts
from chirvir.core.addresses import client_address
from chirvir.core.errors import DomainError
from chirvir.oauth import services as oauth
from chirvir.signins import services as signins
from chirvir.signins.forms import SecondFactorForm
from chirvir.web.forms import LoginForm, SetPasswordForm, SignupForm, language_choices


def signup(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    if settings.REGISTRATIONS == "closed":
        return render(request, "web/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.register(
                data["username"],
                data["password"],
                email=data["email"],
                time_zone=data["time_zone"],
                language=translation.get_language() if translation.get_language() in dict(settings.LANGUAGES) else "",
                active=settings.REGISTRATIONS == "open",
                address=client_address(request),
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            if not account.is_active:
                return render(request, "web/signup_waiting.html", {"account": account})
            login(request, account)
            messages.success(request, _("Welcome to %(site)s! Follow a few people to fill your home.") % {"site": settings.INSTANCE_TITLE})
            return redirect("web:home")
    return render(request, "web/signup.html", {"form": form}, status=422 if form.errors else 200)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        account = form.get_user()
        if not signins.has_two_factor(account):
            return super().form_valid(form)
        signins.await_second_factor(self.request, account)
        return redirect(f"{reverse('web:login_code')}?{urlencode({'next': self.get_success_url()})}")


def login_code(request):
    """The second step of logging in to an account with two factors: the code from its app."""
    if signins.awaiting_second_factor(request) is None:
        return redirect("web:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = signins.check_second_factor(request, form.cleaned_data["code"])
        except signins.Throttled as e:
            form.add_error(None, str(e))
        else:
            if account is not None:
                login(request, account)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = reverse("web:home")
                return HttpResponseRedirect(target)
            form.add_error("code", _("That code is not right. Enter the six digits your app shows now."))
    return render(request, "web/login_code.html", {"form": form}, status=422 if form.errors else 200)


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("web:front")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/password_reset.html"
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")

    # The message is written in the language of the page the person asked from. Its link starts
    # with SITE_URL, not the request's Host: a forged Host would send the holder a working link
    # to the forger's site.
    @property
    def extra_email_context(self):
        return {"site_title": settings.INSTANCE_TITLE, "site_url": settings.SITE_URL}

    def form_valid(self, form):
        try:
            signins.check_reset_request(self.request, form.cleaned_data["email"])
        except signins.Throttled as e:
            form.add_error(None, str(e))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever knew the old password is logged out everywhere, and, if asked, out of every app.
        signins.end_sessions(form.user)
        if form.cleaned_data.get("sign_out_apps"):
            oauth.revoke_tokens(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"


@require_POST
def set_language(request):
    """The picker: a cookie for everyone, and the account's setting for someone signed in."""
    language = request.POST.get("language", "")
    if language not in dict(language_choices()):
        language = ""
    target = request.POST.get("next") or reverse("web:front")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("web:front")
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated:
        accounts.update_profile(request.user, language=language)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", secure=settings.SECURE_COOKIES
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


def confirm_email(request, token):
    """The link mailed to confirm an address: it works signed in or out."""
    try:
        confirmation.confirm_email(token)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("web:home" if request.user.is_authenticated else "web:login")
