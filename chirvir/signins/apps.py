"""The signins app: its signals, and the admin's log-in form under the same throttle."""

from django.apps import AppConfig


class SigninsConfig(AppConfig):
    name = "chirvir.signins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib import admin

        from chirvir.signins import signals
        from chirvir.signins.forms import ThrottledAdminAuthenticationForm

        signals.connect()
        admin.site.login_form = ThrottledAdminAuthenticationForm  # /admin/login is a password form too
