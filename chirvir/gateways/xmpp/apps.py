from django.apps import AppConfig


class XmppConfig(AppConfig):
    name = "chirvir.gateways.xmpp"
    label = "xmpp"

    def ready(self):
        from chirvir.gateways import outlets
        from chirvir.gateways.models import Channel
        from chirvir.gateways.xmpp import sending, tasks
        from chirvir.timelines.signals import status_delivered

        outlets.register_sender(Channel.XMPP, sending.send)
        status_delivered.connect(tasks.queue_deliveries, dispatch_uid="xmpp-deliveries")
