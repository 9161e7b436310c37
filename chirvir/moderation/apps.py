from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "chirvir.moderation"
    label = "moderation"
