"""The search page: people, hashtags and posts that match `?q=`, from the search service, as far
as the viewer may see them; older posts by `?max_id=` with the query kept."""

from django.shortcuts import render

from chirvir.core.paging import Page
from chirvir.search import services as search_services
from chirvir.web.views.common import page_of, timeline_context

PEOPLE = 10
HASHTAGS = 10


def search(request):
    q = request.GET.get("q", "").strip()[:200]
    viewer = request.user if request.user.is_authenticated else None
    page = page_of(request)
    people = search_services.search(viewer, q, type="accounts", page=Page(limit=PEOPLE)).accounts
    hashtags = search_services.search(viewer, q, type="hashtags", page=Page(limit=HASHTAGS)).hashtags
    posts = search_services.search(viewer, q, type="statuses", page=page).statuses
    context = timeline_context(request, posts)
    # The timeline's own pager would drop the query; this page links on with it.
    older, context["older"] = context["older"], None
    first_page = page.max_id is None
    context.update(
        q=q,
        people=people if first_page else [],
        hashtags=hashtags if first_page else [],
        older_posts=older,
    )
    return render(request, "web/search.html", context)
