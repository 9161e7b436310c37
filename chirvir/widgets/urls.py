"""The widgets' addresses: beside the profile and post pages they show (/@username/widget,
/@username/ID/embed), the script other sites load (/widget.js), and oEmbed where Mastodon answers
it (/api/oembed). Included before the pages, whose routes would take these for others."""

from django.urls import path, re_path

from chirvir.widgets import views

USER = r"@(?P<username>[A-Za-z0-9_]{1,30})"
ID = r"(?P<status_id>[0-9]{1,20})"

urlpatterns = [
    re_path(rf"^{USER}/widget$", views.widget, name="widget"),
    re_path(rf"^{USER}/widget/posts$", views.widget_posts, name="widget_posts"),
    re_path(rf"^{USER}/embed$", views.builder, name="builder"),
    re_path(rf"^{USER}/{ID}/embed$", views.embed, name="embed"),
    path("widget.js", views.script, name="script"),
    path("api/oembed", views.oembed, name="oembed"),
]
