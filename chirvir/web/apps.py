from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chirvir.web"
    label = "web"
    verbose_name = "Web pages"
