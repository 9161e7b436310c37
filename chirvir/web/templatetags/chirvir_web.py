"""Small helpers the page templates share: an account's picture and name, a status's original
(a repost shows the post it reposts), a post's poll, the card of a quoted post as the reader may
see it, its links as the reader may follow them, and moments in the reader's language and time zone."""

from django import template
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from chirvir import audience
from chirvir.accounts import services as accounts
from chirvir.core import outbound
from chirvir.quotes import services as quotes
from chirvir.web import times

register = template.Library()


@register.filter
def avatar(account) -> str:
    return account.avatar.url if account.avatar else static("chirvir/missing.png")


@register.filter
def name(account) -> str:
    return account.display_name or account.username


@register.filter
def original(status):
    return status.reblog if status.reblog_id else status


@register.inclusion_tag("web/_quote.html", takes_context=True)
def quote_card(context, status):
    """The post a status quotes, as the reader may see it (through the audience gate), or "This
    post is unavailable". A page that lists statuses loads them all at once (`quotes`); any other
    asks for this one."""
    return {"quote": quote_of(context, status)}


def quote_of(context, status):
    """What the reader is shown of the post a status quotes (chirvir.quotes.services.Shown), or
    None when it quotes none."""
    shown = context.get("quotes")
    if shown is None or status.id not in shown:
        user = context.get("user")
        viewer = user if user and user.is_authenticated else None
        shown = quotes.shown_quotes(lambda: audience.Viewer.of(viewer), [status])
    return shown.get(status.id)


@register.simple_tag(takes_context=True)
def media_of(context, status) -> list:
    """The media a status carries, in order: from the page's (`page_media`, by status ID, which
    timeline_context reads in one query), else from the database."""
    media = context.get("page_media")
    if media is not None and status.id in media:
        return media[status.id]
    return list(status.media_attachments.all())


@register.filter
def poll_in(status, polls):
    """The results of the status's poll among a page's (chirvir.polls.results), or None."""
    return (polls or {}).get(status.id)


@register.filter
def when(moment) -> str:
    """A moment as a page shows it: "5m" or "1 Dec", the full local date and time on hover."""
    return times.time_element(moment) if moment else ""


@register.filter
def full_time(moment) -> str:
    return times.full(moment) if moment else ""


@register.filter
def month_year(moment) -> str:
    return times.month_year(moment) if moment else ""


@register.filter
def guarded(status, viewer) -> str:
    """A post's HTML as this reader may follow its links: a direct message from an account the
    reader does not follow sends every outbound link through the warning page; any post, those
    whose host imitates this instance's or whose text shows another domain (chirvir.core.outbound)."""
    return mark_safe(outbound.guard(status.content, all_outbound=stranger(status, viewer)))


def stranger(status, viewer) -> bool:
    """Whether a post is a direct message to this reader from an account the reader does not follow."""
    return (
        status.visibility == "direct"
        and viewer is not None
        and viewer.is_authenticated
        and status.account_id != viewer.pk
        and not accounts.follows(viewer, status.account)
    )


@register.filter
def outbound_href(url: str) -> str:
    """Where a profile's own link (website, fields) points: through the warning page when its host
    imitates this instance's."""
    return outbound.leaving_url(url) if outbound.imitates_instance(outbound.host_of(url)) else url


@register.filter
def lookup(mapping, key):
    """`mapping[key]` in a template, or nothing (a status's filter title in `warned`)."""
    return (mapping or {}).get(key)
