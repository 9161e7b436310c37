"""Small helpers the page templates share: an account's picture and name, a status's original
(a repost shows the post it reposts), the card of a quoted post as the reader may see it, and
moments in the reader's language and time zone."""

from django import template
from django.templatetags.static import static

from chirvir import audience
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
    shown = context.get("quotes")
    if shown is None or status.id not in shown:
        user = context.get("user")
        viewer = user if user and user.is_authenticated else None
        shown = quotes.shown_quotes(lambda: audience.Viewer.of(viewer), [status])
    return {"quote": shown.get(status.id)}


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
