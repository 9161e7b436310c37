from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chirvir.accounts"
    label = "accounts"
