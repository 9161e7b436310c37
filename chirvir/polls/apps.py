from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "chirvir.polls"
    label = "polls"
