from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "chirvir.push"
    label = "push"

    def ready(self):
        from chirvir.oauth.services import tokens_revoked
        from chirvir.push import services

        tokens_revoked.connect(services.drop_for_tokens, dispatch_uid="chirvir.push.tokens_revoked")
