from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "chirvir.lists"
    label = "lists"
