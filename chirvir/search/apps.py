from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "chirvir.search"
    label = "search"
