from django.apps import AppConfig


class InstanceConfig(AppConfig):
    name = "chirvir.instance"
    label = "instance"
