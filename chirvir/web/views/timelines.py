"""Timelines as pages: the front page (what Chirvir is, and the public timeline), home with the
compose box, live "new posts" and whom to follow, the public timeline and hashtag pages with
their follow button."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from chirvir import audience
from chirvir.accounts import discovery
from chirvir.core.errors import DomainError
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page
from chirvir.tags import services as tags
from chirvir.timelines import reads as timelines
from chirvir.trends import services as trends
from chirvir.trends.models import TrendKind
from chirvir.web.views.common import action, back, is_htmx, page_of, timeline_context

NEWER_LIMIT = 40
WHO_TO_FOLLOW = 3


def front(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    statuses = timelines.public(None, page_of(request))
    return render(request, "web/front.html", timeline_context(request, statuses, "public"))


@login_required
def home(request):
    # The page's one read of the viewer's graph, for the timeline and for whom to follow.
    gate = audience.Viewer.of(request.user)
    statuses = timelines.home(request.user, page_of(request), gate)
    context = timeline_context(request, statuses, "home")
    # No form: the compose box is the empty one (fragments.compose).
    context["trending_tags"] = _trending_tags()
    context["who_to_follow"] = [s.account for s in discovery.suggestions(request.user, WHO_TO_FOLLOW, gate)]
    return render(request, "web/home.html", context)


def _since(request) -> int | None:
    try:
        return parse_id(request.GET.get("since_id"))
    except DomainError:
        return None


@login_required
def home_pending(request):
    """The "N new posts" bar: how many posts arrived above the newest one on the page."""
    since = _since(request)
    count = len(timelines.home(request.user, Page(since_id=since, limit=NEWER_LIMIT))) if since else 0
    return render(request, "web/_pending.html", {"count": count, "since_id": since})


@login_required
def home_newer(request):
    """The posts the bar announced, to put on top of the timeline without a reload."""
    since = _since(request)
    statuses = timelines.home(request.user, Page(since_id=since, limit=NEWER_LIMIT)) if since else []
    context = timeline_context(request, statuses, "home")
    return render(request, "web/_newer.html", context)


def public(request):
    statuses = timelines.public(request.user if request.user.is_authenticated else None, page_of(request))
    context = timeline_context(request, statuses, "public")
    context["trending_tags"] = _trending_tags()
    return render(request, "web/public.html", context)


def _trending_tags():
    """The trends panel: the hashtags trending in every language together, the best ten."""
    return trends.trends(TrendKind.TAG, limit=10)


def tag(request, name):
    viewer = request.user if request.user.is_authenticated else None
    statuses = timelines.hashtag(viewer, name, page_of(request))
    context = timeline_context(request, statuses, "public")
    context["tag"] = name
    context["tag_info"] = _tag_info(viewer, name)
    return render(request, "web/tag.html", context)


def _tag_info(viewer, name):
    try:
        return tags.tag_info(viewer, name)
    except DomainError:
        return None  # no hashtag: nothing to follow, the page shows no posts


def _tag_follow_changed(request, name):
    if is_htmx(request):
        return render(request, "web/_tag_follow_button.html", {"tag_info": tags.tag_info(request.user, name)})
    return back(request, reverse("web:tag", args=[name]))


@action
def follow_tag(request, name):
    tags.follow_tag(request.user, name)
    return _tag_follow_changed(request, name)


@action
def unfollow_tag(request, name):
    tags.unfollow_tag(request.user, name)
    return _tag_follow_changed(request, name)
