from django.apps import AppConfig


class TrendsConfig(AppConfig):
    name = "chirvir.trends"
    label = "trends"
