from django.urls import path

from chirvir.gateways.sms import views

urlpatterns = [
    path("gateways/sms/kannel", views.inbound, name="inbound"),
    path("settings/phone", views.phone_settings, name="phone"),
]
