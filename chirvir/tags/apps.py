from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "chirvir.tags"
    label = "tags"
