from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chirvir.core"
    label = "core"
