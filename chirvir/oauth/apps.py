from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "chirvir.oauth"
    label = "oauth"

    def ready(self):
        from chirvir.oauth import signals

        signals.connect()
