"""Where Django's own log-in and log-out paths tell the signins services: the sessions list keeps
up with every way a browser signs in (the log-in page, the authorize page, sign-up) or out."""

from django.contrib.auth.signals import user_logged_in, user_logged_out

from chirvir.signins import services


def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.signed_in(request, user)


def _logged_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.end_session(request)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="chirvir.signins.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="chirvir.signins.logged_out")
