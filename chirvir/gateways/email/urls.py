"""The e-mail gateway's pages: its settings, and the unsubscribe link of notification e-mails."""

from django.urls import path

from chirvir.gateways.email import views

urlpatterns = [
    path("settings/mail", views.mail_settings, name="settings"),
    path("settings/mail/renew", views.renew, name="renew"),
    path("mail/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
