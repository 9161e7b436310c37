"""The signins app."""

from django.apps import AppConfig


class SigninsConfig(AppConfig):
    name = "chirvir.signins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from chirvir.signins import signals

        signals.connect()
