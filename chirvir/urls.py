"""URL map. The Mastodon API and the web pages join it in their own issues."""

from django.contrib import admin
from django.urls import path, re_path

from chirvir.api import instance

urlpatterns = [
    path("health", instance.health),
    re_path(r"^api/v1/instance/?$", instance.instance_v1),
    re_path(r"^api/v2/instance/?$", instance.instance_v2),
    path("admin/", admin.site.urls),
]
