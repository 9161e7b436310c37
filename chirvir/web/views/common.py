"""What every page view shares: paging from the query string, the viewer's marks on the
statuses a page shows (and their polls and the posts they quote), going back after an action, and telling an
htmx request apart."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chirvir import audience
from chirvir.core.errors import DomainError
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page
from chirvir.filters import services as filters
from chirvir.media.services import attachments_of
from chirvir.polls import services as polls
from chirvir.quotes.services import shown_quotes
from chirvir.statuses.services import viewer_marks

PAGE_SIZE = 20


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def page_of(request) -> Page:
    """Older pages by `?max_id=`; anything else in the query string is ignored."""
    try:
        max_id = parse_id(request.GET.get("max_id")) if request.GET.get("max_id") else None
    except DomainError:
        max_id = None
    return Page(max_id=max_id, limit=PAGE_SIZE)


def timeline_context(request, statuses, filter_context: str | None = None) -> dict:
    """A list of statuses as _timeline.html shows it, with the link to the next older page; read
    in `filter_context`, the reader's filters there leave out what they hide and name what they
    warn of (`warned`: the filter's title by status ID)."""
    # Each post's media (a repost's are its original's), in one query for the page.
    media = attachments_of({s.reblog_id or s.id for s in statuses})
    older = statuses[-1].id if len(statuses) >= PAGE_SIZE else None  # paging goes on past hidden ones
    shown, warned = filtered(request.user, statuses, filter_context, media)
    return {
        "statuses": shown, **shown_marks(request.user, shown), "older": older, "warned": warned, "page_media": media,
    }


def filtered(viewer, statuses, filter_context: str | None, media: dict | None = None) -> tuple[list, dict]:
    """The statuses the reader's filters for `filter_context` leave on a page (none: every one),
    and `warned`, the title of the filter each warned one is collapsed behind, by status ID
    (`media`: what each post carries, as filters.read takes it)."""
    if not filter_context:
        return statuses, {}
    shown, results = filters.read(viewer, statuses, filter_context, media)
    return shown, {i: found[0].filter.title for i, found in results.items() if found}


def shown_marks(viewer, statuses) -> dict:
    """What _status.html reads beside the statuses: the viewer's marks on them, their polls'
    results as the viewer may see them (by the ID of the post that carries the poll), and the
    posts they quote, through the viewer's gate."""
    statuses = [s for s in statuses if s is not None]
    originals = [s.reblog if s.reblog_id else s for s in statuses]
    return {
        "marks": viewer_marks(viewer, statuses),
        "polls": polls.results(viewer, originals),
        # Every post of the page is in it, those that quote none as None: nothing asks again.
        "quotes": {s.id: None for s in originals} | shown_quotes(lambda: audience.Viewer.of(viewer), originals),
    }


def back(request, default: str) -> HttpResponseRedirect:
    """Where the person was: the form's `next`, else the page they came from, on this site."""
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
            return HttpResponseRedirect(candidate)
    return HttpResponseRedirect(default)


def action(view):
    """A button's POST: signed in, CSRF-checked by the middleware; a domain error (not found,
    not allowed, invalid) becomes a message on the page the person returns to."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as e:
            messages.error(request, str(e))
            if is_htmx(request):
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            return back(request, "/")

    return wrapper


def not_found(request, message: str):
    return render(request, "web/not_found.html", {"message": message}, status=404)


def csrf_failure(request, reason=""):
    """A form whose CSRF token no longer holds (the page was open past its session, or cookies
    were cleared): a page in the reader's language that says what to do, not Django's own."""
    return render(request, "web/form_expired.html", status=403)
