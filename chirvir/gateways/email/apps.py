"""The e-mail gateway's app: it hears of each new notification, to queue its e-mail."""

from django.apps import AppConfig


class MailGatewayConfig(AppConfig):
    name = "chirvir.gateways.email"
    label = "mailgateway"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from chirvir.gateways.email import outbound
        from chirvir.notifications.models import Notification

        # The notifications app never imports a gateway: the gateway listens.
        post_save.connect(outbound.notification_saved, sender=Notification, dispatch_uid="mailgateway-notification")
