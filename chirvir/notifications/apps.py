from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "chirvir.notifications"
    label = "notifications"
