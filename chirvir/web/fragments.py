"""Each post of a page of posts as HTML (web/_status.html), rendered by the template engine once for
each version of everything it shows and then taken from the fragment cache (chirvir/core/cache.py):
a page of twenty posts costs twenty keys and one lookup, not twenty runs of the engine.

A key names all that the fragment shows: the status and the post it reposts (every column, the
counts too), their authors' profiles, the account it replies to, its media, its poll as this
viewer sees it, the post it quotes as the audience gate lets this viewer see it, the viewer's
marks on it, the filter it is folded behind, whether the viewer wrote it or its links are
guarded, the page's language and time zone, and the templates themselves. So a change made in
any process is a new key in every process, and nothing is ever deleted.

Whom to follow is kept the same way, each person's entry under a key of their profile. The
empty compose box of the home page is the same HTML for everyone reading in one language, so
it is rendered once a process for each language and length limit (`compose`); so are the frame's
header and footer (`header`, `footer`), for each language, page entry and shape of the menu, with
markers for the reader's profile address and counts and the words searched for.

Three things differ from one request to the next and are never cached: the CSRF token, the page's
own address (the forms' `next`) and how long ago each post was written ("5m", then "6m"). A
fragment is rendered with a marker for each, and they are put in at each read; the markers derive
from the secret key, so no post's text can hold one."""

import hashlib
from functools import cache
from operator import attrgetter

import orjson
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from chirvir.accounts.models import Account
from chirvir.core.cache import fragment_cache
from chirvir.media.models import MediaAttachment
from chirvir.polls.models import Poll
from chirvir.statuses.models import Status
from chirvir.statuses.services import Marks
from chirvir.web import times
from chirvir.web.forms import ComposeForm, language_choices
from chirvir.web.templatetags.chirvir_web import media_of, quote_of, stranger

TEMPLATE = "web/_status.html"
# Every template web/_status.html includes: a change to any of them (a new release) is a new key.
TEMPLATES = (TEMPLATE, "web/_actions.html", "web/_media.html", "web/_poll.html", "web/_quote.html",
             "web/_safety_menu.html", "web/_lock.html")


def _columns(model, left_out: set[str]) -> attrgetter:
    # Every column but those left out, so that a column added later is in the key unasked.
    return attrgetter(*[f.attname for f in model._meta.concrete_fields if f.attname not in left_out])


# When it was delivered is never shown.
_STATUS = _columns(Status, {"delivered_at"})
# What a page shows of an account is its profile; what changes with every post and log-in is not.
_PROFILE = _columns(
    Account, {"password", "last_login", "statuses_count", "followers_count", "following_count", "last_status_at"}
)
_MEDIA = _columns(MediaAttachment, set())
_POLL = _columns(Poll, set())


def _marker(name: str) -> str:
    return "m" + hashlib.blake2b(f"{settings.SECRET_KEY} fragment {name}".encode(), digest_size=12).hexdigest()


@cache
def _markers() -> tuple[str, str, str]:
    return _marker("csrf"), _marker("next"), _marker("age")


class _MarkedRequest:
    """The request as a cached fragment may see it: its address only, as a marker. Anything else
    a template asks of it is empty, so it cannot end up cached for another reader."""

    def get_full_path(self) -> str:
        return _markers()[1]


@cache
def _release(engine, templates: tuple[str, ...] = TEMPLATES) -> str:
    """The templates and the static files' addresses this process renders with."""
    sources = [engine.get_template(name).source for name in templates]
    return _digest([*sources, static("web/lock.svg"), static("chirvir/missing.png")])


def _digest(parts) -> str:
    # str() writes what orjson does not (an image field: its file's name).
    return hashlib.blake2b(orjson.dumps(parts, default=str), digest_size=16).hexdigest()


def _quote_version(context, status) -> list:
    quote = quote_of(context, status)
    if quote is None:
        return []
    q = quote.status
    if q is None:
        return [quote.state]
    return [quote.state, _STATUS(q), _PROFILE(q.account)]


def _poll_version(context, status) -> list:
    r = (context.get("polls") or {}).get(status.id)
    if r is None:
        return []
    return [_POLL(r.poll), r.poll.expired, r.tallies, r.votes_count, r.voters_count, r.own_votes, r.voted]


def _key(context, s, release: str) -> str:
    shown = s.reblog if s.reblog_id else s
    user = context.get("user")
    viewer_id = user.pk if user is not None and user.is_authenticated else None
    marks = context.get("marks") or Marks()
    warning = (context.get("warned") or {}).get(s.id)
    parts = [
        release, settings.SITE_URL, translation.get_language(), timezone.get_current_timezone_name(),
        viewer_id is not None, shown.account_id == viewer_id, bool(context.get("highlight")), warning,
        [[i in marks.favourited, i in marks.reblogged, i in marks.bookmarked, i in marks.pinned]
         for i in (s.id, shown.id)],
        shown.conversation_id in marks.muted,
        _STATUS(s), _PROFILE(s.account),
        _STATUS(shown) if shown is not s else None, _PROFILE(shown.account) if shown is not s else None,
        _PROFILE(shown.in_reply_to_account) if shown.in_reply_to_account_id else None,
        stranger(shown, user),
        [_MEDIA(m) for m in media_of(context, shown)],
        _poll_version(context, shown),
        _quote_version(context, shown),
    ]
    return f"status {s.id} {_digest(parts)}"


def _with_answered(statuses) -> None:
    """Load the account each reply answers (a repost's: its original's), in one query for all."""
    replies = [s for s in (s.reblog if s.reblog_id else s for s in statuses) if s.in_reply_to_account_id]
    wanted = {s.in_reply_to_account_id for s in replies if not Status.in_reply_to_account.is_cached(s)}
    if not wanted:
        return
    found = Account.objects.in_bulk(wanted)
    for s in replies:
        if s.in_reply_to_account_id in found:
            s.in_reply_to_account = found[s.in_reply_to_account_id]


def render(context, statuses) -> SafeString:
    """The HTML of these statuses, one after the other, as web/_status.html shows each in this
    context: from the fragment cache, rendering and keeping those it does not hold."""
    if not statuses:
        return mark_safe("")
    engine = context.template.engine
    release = _release(engine)
    _with_answered(statuses)
    keys = [_key(context, s, release) for s in statuses]
    _csrf, _path, age = _markers()
    return _kept(context, engine.get_template(TEMPLATE), keys, [{"s": s} for s in statuses], age)


SUGGESTED = "web/_suggested_person.html"
# Every template a suggested person's entry includes.
SUGGESTED_TEMPLATES = (SUGGESTED, "web/_person.html", "web/_follow_button.html", "web/_lock.html")


def suggested(context, people) -> SafeString:
    """The entries of whom to follow (web/_suggested_person.html, each with its follow button),
    from the fragment cache: an entry shows the person's profile as this page's language writes
    it, and a follow button, so its key is the profile (every column it may show), the language
    and the templates; the CSRF token and the address are put in at each read."""
    if not people:
        return mark_safe("")
    engine = context.template.engine
    release = _release(engine, SUGGESTED_TEMPLATES)
    template = engine.get_template(SUGGESTED)
    user = context.get("user")
    if user is None or not user.is_authenticated:  # a log-in link, which names the page: not kept
        html = []
        for p in people:
            with context.push(person=p):
                html.append(template.render(context))
        return mark_safe("".join(html))
    page = [release, settings.SITE_URL, translation.get_language()]
    keys = [f"suggested {p.id} {_digest([*page, p.id == user.pk, _PROFILE(p)])}" for p in people]
    return _kept(context, template, keys, [{"person": p} for p in people])


def _kept(context, template, keys: list[str], each: list[dict], age: str | None = None) -> SafeString:
    """The fragments under these keys, one after the other, from the fragment cache: those it does
    not hold are rendered from the template, each in the context with its own values pushed (and
    the markers for the CSRF token, the address and, given `age`, the posts' ages), and kept."""
    cache = fragment_cache()
    found = cache.get_many(keys)
    missing = [(k, values) for k, values in zip(keys, each) if k not in found]
    if missing:
        csrf, _path, _age = _markers()
        made = {}
        for k, values in missing:
            with context.push(values, csrf_token=csrf, request=_MarkedRequest()), times.ages_marked(age):
                made[k] = template.render(context).encode()
        cache.set_many(made)
        found.update(made)
    return _fill(context, b"".join(found[k] for k in keys).decode())


COMPOSE = "web/_compose.html"
# What is rendered once a process and kept (the empty compose box, the frame's header and footer),
# by its template and what it shows that many readers share: the code, the translations and the
# settings alone make it, and none of them changes while a process runs.
_kept_once: dict[tuple, str] = {}


def compose(context) -> SafeString:
    """web/_compose.html for the page's form. Without one, the empty box is rendered once for
    each language and limit, with markers for the CSRF token and the address, put in at each
    read; a page's own form (a draft with its errors, a reply's mention) is rendered as it is."""
    template = context.template.engine.get_template(COMPOSE)
    if context.get("form") is not None:
        return mark_safe(template.render(context))
    key = (COMPOSE, translation.get_language(), context.get("max_chars"))
    html = _kept_once.get(key)
    if html is None:
        csrf, _path, _age = _markers()
        with context.push(form=ComposeForm(), csrf_token=csrf, request=_MarkedRequest()):
            html = _kept_once[key] = template.render(context)
    return _fill(context, html)


def _fill(context, html: str) -> SafeString:
    """The request's own CSRF token and address, and each post's age as of now, where the
    fragments hold their markers."""
    csrf, path, age = _markers()
    token = context.get("csrf_token")
    token = str(token) if token else None
    real = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    marked = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf)
    request = context.get("request")
    html = html.replace(marked, real if token and token != "NOTPROVIDED" else "")
    html = times.fill_ages(html, age)
    return mark_safe(html.replace(path, escape(request.get_full_path()) if request is not None else ""))


HEADER, FOOTER = "web/_header.html", "web/_footer.html"
# The navigation's entries that mark themselves as the page shown, by the pages that are theirs.
_CURRENT = {"home": "home", "notifications": "notifications", "conversations": "conversations",
            "follow_requests": "follow_requests", "public": "public", "lists": "lists", "list": "lists",
            "settings": "settings"}


@cache
def _frame_markers() -> tuple[str, str, str, str]:
    return _marker("profile"), _marker("unread"), _marker("pending"), _marker("q")


def header(context) -> SafeString:
    """The frame's header (web/_header.html): the navigation, with the reader's profile address
    and unread counts and the words searched for put in at each read, where the kept header holds
    their markers."""
    user = context.get("user")
    signed_in = user is not None and user.is_authenticated
    unread = (context.get("unread_notifications") or 0) if signed_in else 0
    pending = (context.get("pending_requests") or 0) if signed_in else 0
    request = context.get("request")
    match = getattr(request, "resolver_match", None) if signed_in else None
    current = _CURRENT.get(match.url_name) if match is not None else None
    menu = (bool(unread), bool(pending), bool(pending or user.locked)) if signed_in else None
    key = (HEADER, translation.get_language(), context.get("site_title"), signed_in, current, menu)
    profile, unread_marker, pending_marker, q = _frame_markers()
    html = _kept_once.get(key)
    if html is None:
        values = {"signed_in": signed_in, "current": current, "site_title": context.get("site_title"),
                  "profile_url": profile, "q": q}
        if signed_in:
            values.update(unread_notifications=unread and unread_marker, pending_requests=pending and pending_marker,
                          follow_requests=menu[2])
        html = _kept_once[key] = _frame(context, HEADER, values)
    if signed_in:
        html = html.replace(profile, escape(reverse("web:profile", args=[user.username])))
        html = html.replace(unread_marker, escape(intcomma(unread))).replace(pending_marker, escape(intcomma(pending)))
    return _fill(context, html.replace(q, escape(context.get("q") or "")))


def footer(context) -> SafeString:
    """The frame's footer (web/_footer.html): the language picker, with the CSRF token and the
    page's address put in at each read."""
    key = (FOOTER, translation.get_language(), tuple(settings.LANGUAGES))
    html = _kept_once.get(key)
    if html is None:
        values = {"languages": language_choices(), "LANGUAGE_CODE": translation.get_language()}
        html = _kept_once[key] = _frame(context, FOOTER, values)
    return _fill(context, html)


def _frame(context, name: str, values: dict) -> str:
    """The template rendered with these values alone, but for the markers of the CSRF token and
    the address: nothing of the page's context or its reader is in what is kept."""
    csrf, _path, _age = _markers()
    template = context.template.engine.get_template(name)
    return template.render(Context({**values, "csrf_token": csrf, "request": _MarkedRequest()})).rstrip("\n")
