from django.apps import AppConfig


class StatusesConfig(AppConfig):
    name = "chirvir.statuses"
    label = "statuses"
