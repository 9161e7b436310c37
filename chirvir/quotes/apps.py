from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "chirvir.quotes"
    label = "quotes"
