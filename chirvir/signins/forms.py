"""Django's log-in form under the throttle: the web log-in page and the OAuth authorize page
both subclass it, so that the rule of how many tries lives in services.check_password alone."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

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
