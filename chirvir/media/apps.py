from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "chirvir.media"
    label = "media"
