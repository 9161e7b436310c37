"""Where Django's own paths end a sign-in, OAuth's services hear of it: an account saved inactive
(by the admin, a shell or a service) and a browser that logs out, so that live streams close."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save

from chirvir.accounts.models import Account
from chirvir.oauth import services


def _account_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    services.end_sign_ins(instance)


def _logged_out(sender, request, user, **kwargs):
    # Django sends this before it flushes the session, so the key is still the old one.
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.signed_out(session.session_key)


def connect() -> None:
    post_save.connect(_account_saved, sender=Account, dispatch_uid="chirvir.oauth.account_saved")
    user_logged_out.connect(_logged_out, dispatch_uid="chirvir.oauth.logged_out")
