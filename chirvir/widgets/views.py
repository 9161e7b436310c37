"""The widgets: an interface like the pages and the feeds, reading through the audience gate as the
reader (anonymous, in a frame on another site; a signed-in browser's person on Chirvir itself, so
that a blocked person finds no more here than on the pages), and of that only what may go
anywhere (`audience.goes_anywhere`): public posts of an unprotected account. The widget and embed
pages are the only pages another site may frame; everything else keeps frame-ancestors 'none'."""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from chirvir import audience
from chirvir.accounts.models import Account
from chirvir.core.errors import DomainError
from chirvir.core.paging import Page
from chirvir.statuses import services as statuses
from chirvir.timelines import reads

POSTS = 10
THEMES = ("light", "dark")  # anything else: the reader's system choice (prefers-color-scheme)
WIDTH, HEIGHT = 400, 600  # the widget's frame, as the snippet and oEmbed give it
EMBED_WIDTH, EMBED_HEIGHT = 400, 260
SCRIPT = settings.BASE_DIR / "widgets" / "static" / "widgets" / "insert.js"
OEMBED_CACHE_AGE = 86400


def framable(view):
    """A page other sites may put in a frame: CSP frame-ancestors as the setting says, and no
    X-Frame-Options (which cannot name a list, and would refuse every other site)."""

    @wraps(view)
    def framed(request, *args, **kwargs):
        # As django-csp's csp_replace marks an answer, with the setting read at each request.
        response = view(request, *args, **kwargs)
        response._csp_replace = {"frame-ancestors": settings.WIDGET_FRAME_ANCESTORS}
        return response

    return require_safe(xframe_options_exempt(framed))


def _reader(request) -> Account | None:
    return request.user if request.user.is_authenticated else None


def _language(request) -> str:
    """?lang=xx when it is one of the interface's languages, else what the middleware chose (the
    browser's Accept-Language, the picker's cookie)."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else translation.get_language()


def _shown_account(username: str, reader: Account | None) -> Account | None:
    account = Account.objects.filter(username__iexact=username, is_active=True).first()
    if account is None or not audience.posts_go_anywhere(account):
        return None  # a protected account's posts go to its followers only, never to a widget
    return account if audience.may_see_posts_of(audience.Viewer.of(reader), account) else None


def _posts(reader: Account | None, account: Account, since_id: int | None = None) -> list:
    posts = reads.account_statuses(
        reader, account, Page(limit=2 * POSTS, since_id=since_id), exclude_replies=True, exclude_reblogs=True
    )
    return [s for s in posts if audience.goes_anywhere(s)][:POSTS]


def _frame_context(request) -> dict:
    theme = request.GET.get("theme", "")
    return {"theme": theme if theme in THEMES else "", "lang": _language(request), "site_url": settings.SITE_URL}


@framable
def widget(request, username):
    """An account's latest public posts, for a frame on another site; its script keeps it live."""
    reader = _reader(request)
    context = _frame_context(request)
    with translation.override(context["lang"]):
        account = _shown_account(username, reader)
        if account is None:
            return render(request, "widgets/widget.html", {**context, "account": None}, status=404)
        return render(request, "widgets/widget.html", {**context, "account": account, "posts": _posts(reader, account)})


@require_safe
def widget_posts(request, username):
    """The widget's posts newer than ?since_id=, which its script asks for when the stream says
    the account posted."""
    reader = _reader(request)
    account = _shown_account(username, reader)
    if account is None:
        raise Http404
    try:
        since_id = int(request.GET.get("since_id", ""))
    except ValueError:
        since_id = None
    with translation.override(_language(request)):
        posts = _posts(reader, account, since_id)
        return render(request, "widgets/_posts.html", {"posts": posts, "site_url": settings.SITE_URL})


@framable
def embed(request, username, status_id):
    """One public post, for a frame on another site."""
    reader = _reader(request)
    context = _frame_context(request)
    with translation.override(context["lang"]):
        status = _shown_status(reader, int(status_id))
        if status is None or status.account.username.lower() != username.lower():
            return render(request, "widgets/embed.html", {**context, "status": None}, status=404)
        return render(request, "widgets/embed.html", {**context, "status": status, "posts": [status]})


def _shown_status(reader: Account | None, status_id: int):
    try:
        status = statuses.get_status(reader, status_id)
    except DomainError:
        return None
    return status if audience.goes_anywhere(status) else None


def widget_url(username: str, theme: str = "", lang: str = "") -> str:
    query = urlencode({k: v for k, v in (("theme", theme), ("lang", lang)) if v})
    return f"{settings.SITE_URL}/@{username}/widget" + (f"?{query}" if query else "")


def builder(request, username):
    """The page on Chirvir that makes the snippet to copy for an account's widget."""
    account = _shown_account(username, _reader(request))
    if account is None:
        raise Http404
    theme = request.GET.get("theme", "")
    theme = theme if theme in THEMES else ""
    lang = request.GET.get("lang", "")
    lang = lang if lang in dict(settings.LANGUAGES) else ""
    query = urlencode({k: v for k, v in (("user", account.username), ("theme", theme), ("lang", lang)) if v})
    script = f'<script src="{settings.SITE_URL}/widget.js?{query}" async></script>'
    frame = _iframe(widget_url(account.username, theme, lang), WIDTH, HEIGHT, account.username)
    context = {"account": account, "theme": theme, "lang": lang, "script": script, "frame": frame,
               "preview": widget_url(account.username, theme, lang)}
    return render(request, "widgets/builder.html", context)


@require_safe
def script(request):
    """The script a site loads to get the widget: it puts the frame where the script tag is."""
    response = FileResponse(SCRIPT.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    # Any site loads it, from a script tag; it reads nothing but its own address.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _iframe(src: str, width: int, height: int, title: str) -> str:
    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}"'
        ' style="border:0;max-width:100%" loading="lazy" allowfullscreen="allowfullscreen"></iframe>'
    )


def _not_found() -> JsonResponse:
    return JsonResponse({"error": "Record not found"}, status=404)


def _bounded(value: str, default: int) -> int:
    try:
        asked = int(value)
    except ValueError:
        return default
    return max(1, min(asked, default))


@require_safe
def oembed(request):
    """oEmbed (https://oembed.com), where Mastodon answers it: a post's or a profile's address
    becomes the frame that shows it, for the public only; JSON only (501 for XML, as the
    specification says of a format the provider does not serve)."""
    if request.GET.get("format", "json") != "json":
        return JsonResponse({"error": "Only the json format is served"}, status=501)
    url = request.GET.get("url", "")
    site = urlsplit(settings.SITE_URL)
    asked = urlsplit(url)
    if (asked.scheme, asked.netloc) != (site.scheme, site.netloc):
        return _not_found()
    try:
        match = resolve(asked.path)
    except Resolver404:
        return _not_found()
    width = _bounded(request.GET.get("maxwidth", ""), WIDTH)
    if match.view_name == "web:status":
        status = _shown_status(None, int(match.kwargs["status_id"]))
        if status is None or status.account.username.lower() != match.kwargs["username"].lower():
            return _not_found()
        account, src = status.account, f"{settings.SITE_URL}/@{status.account.username}/{status.id}/embed"
        height = _bounded(request.GET.get("maxheight", ""), EMBED_HEIGHT)
        width = _bounded(request.GET.get("maxwidth", ""), EMBED_WIDTH)
    elif match.view_name in ("web:profile", "widgets:widget"):
        account = _shown_account(match.kwargs["username"], None)
        if account is None:
            return _not_found()
        src, height = widget_url(account.username), _bounded(request.GET.get("maxheight", ""), HEIGHT)
    else:
        return _not_found()
    author = account.display_name or account.username
    return JsonResponse({
        "type": "rich",
        "version": "1.0",
        "title": _("Posts by %(name)s (@%(username)s)") % {"name": author, "username": account.username},
        "author_name": author,
        "author_url": f"{settings.SITE_URL}/@{account.username}",
        "provider_name": settings.INSTANCE_TITLE,
        "provider_url": f"{settings.SITE_URL}/",
        "cache_age": OEMBED_CACHE_AGE,
        "html": _iframe(src, width, height, author),
        "width": width,
        "height": height,
    })
