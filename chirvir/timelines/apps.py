from django.apps import AppConfig


class TimelinesConfig(AppConfig):
    name = "chirvir.timelines"
    label = "timelines"
