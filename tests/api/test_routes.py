"""The API's routes are looked at only for an address that starts as they all do (chirvir/urls.py,
API_STARTS), so that a page is not tried against each of them first: every address still goes
where the API's own list of routes sends it."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern

from chirvir import urls as site
from chirvir.api import urls as api


def samples(pattern) -> list[str]:
    """Addresses the route answers: each ID part as an ID and as a word that names another route
    (`lookup`, `home`), with and without the trailing slash."""
    regex = pattern.pattern.regex.pattern.removeprefix("^").removesuffix("/?$").replace("\\.", ".")
    found = []
    for part in ("7", "lookup", "home", "familiar_followers"):
        path = re.sub(r"\(\?P<\w+>\[\^/\]\+\)", part, regex)
        found += [f"/{path}", f"/{path}/"]
    return found


def test_every_route_of_the_api_starts_as_the_site_looks_for_it():
    starts = re.compile(site.API_STARTS)
    unseen = [p.pattern.regex.pattern for p in api.urlpatterns if not starts.match(samples(p)[0].removeprefix("/"))]
    assert not unseen, f"routes the site would never send a request to: {unseen}"


def test_every_address_of_the_api_goes_where_its_own_routes_send_it():
    own = URLResolver(RegexPattern(r"^/"), api.urlpatterns)
    paths = {path for route in api.urlpatterns for path in samples(route)}
    assert len(paths) > 500
    for path in sorted(paths):
        match = get_resolver().resolve(path)
        expected = own.resolve(path)
        assert (match.func, match.kwargs) == (expected.func, expected.kwargs), path


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/api/v1/accounts/lookup", "chirvir.api.views.accounts.lookup"),  # a fixed path, before the :id one
        ("/api/v1/accounts/12345", "chirvir.api.views.accounts.detail"),
        ("/oauth/token", "chirvir.api.views.oauth.token"),
        ("/api/oembed", "chirvir.widgets.views.oembed"),  # the widgets' own, before the API's
        ("/home", "chirvir.web.views.timelines.home"),  # pages, past the API's routes
        ("/@alice", "chirvir.web.views.accounts.profile"),
    ],
)
def test_the_site_sends_an_address_to_its_view(path, view):
    match = get_resolver().resolve(path)
    assert f"{match.func.__module__}.{match.func.__name__}" == view


def test_an_api_address_that_is_no_route_is_not_found():
    with pytest.raises(Resolver404):
        URLResolver(RegexPattern(r"^/"), api.urlpatterns).resolve("/api/v1/accountsx/7")


@pytest.mark.django_db
def test_an_api_address_that_is_no_route_is_the_apis_404():
    answer = Client().get("/api/v1/accountsx/7")
    assert answer.status_code == 404 and answer.json() == {"error": "Record not found"}
