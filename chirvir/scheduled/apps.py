from django.apps import AppConfig


class ScheduledConfig(AppConfig):
    name = "chirvir.scheduled"
    label = "scheduled"
