from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "chirvir.oauth"
    label = "oauth"
