"""The log-in forms the web log-in page and the OAuth authorize page share: Django's log-in form
under the throttle (the rule of how many tries lives in services.check_password alone), and the
second factor's code."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chirvir.signins import services


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.check_password(self.request, username, password)
            except services.Throttled as e:
                raise ValidationError(str(e), code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SecondFactorForm(forms.Form):
    """The code asked for after the password, on the log-in page and the authorize page alike."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "dir": "ltr", "autocapitalize": "none"}),
    )


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's log-in (staff only) under the same throttle: it is a password form like the others."""
