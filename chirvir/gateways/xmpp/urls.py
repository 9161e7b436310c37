from django.urls import path

from chirvir.gateways.xmpp import views

urlpatterns = [path("settings/xmpp", views.settings_page, name="settings")]
