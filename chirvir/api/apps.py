from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chirvir.api"
    label = "api"
