"""The feeds' addresses, beside the pages they follow (/@username, /tags/NAME, /lists/ID,
/search?q=): the same address with .rss or .atom. Included before the pages, whose hashtag route
would take "NAME.rss" for a hashtag."""

from django.urls import path, re_path

from chirvir.feeds import views

USER = r"@(?P<username>[A-Za-z0-9_]{1,30})"

urlpatterns = [
    re_path(rf"^{USER}\.rss$", views.account_rss, name="account_rss"),
    re_path(rf"^{USER}\.atom$", views.account_atom, name="account_atom"),
    re_path(r"^tags/(?P<name>[^/.]+)\.rss$", views.tag_rss, name="tag_rss"),
    re_path(r"^tags/(?P<name>[^/.]+)\.atom$", views.tag_atom, name="tag_atom"),
    path("lists/<int:list_id>.rss", views.list_rss, name="list_rss"),
    path("lists/<int:list_id>.atom", views.list_atom, name="list_atom"),
    path("search.rss", views.search_rss, name="search_rss"),
    path("search.atom", views.search_atom, name="search_atom"),
]
