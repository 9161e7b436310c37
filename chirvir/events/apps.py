from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "chirvir.events"
    label = "events"
