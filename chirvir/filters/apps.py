from django.apps import AppConfig


class FiltersConfig(AppConfig):
    name = "chirvir.filters"
    label = "filters"
