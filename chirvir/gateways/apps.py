from django.apps import AppConfig


class GatewaysConfig(AppConfig):
    name = "chirvir.gateways"
    label = "gateways"
