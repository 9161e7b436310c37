from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "chirvir.gateways.sms"
    label = "sms"

    def ready(self):
        from chirvir.gateways import outlets
        from chirvir.gateways.sms import kannel, tasks
        from chirvir.timelines.signals import status_delivered

        outlets.register_sender("sms", kannel.send_texts)
        status_delivered.connect(tasks.on_status_delivered, dispatch_uid="chirvir.gateways.sms")
