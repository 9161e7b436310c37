"""Small helpers the page templates share: an account's picture and name, a status's original
(a repost shows the post it reposts), and moments in the reader's language and time zone."""

from django import template
from django.templatetags.static import static

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
def lookup(mapping, key):
    """`mapping[key]` in a template, or nothing (a status's filter title in `warned`)."""
    return (mapping or {}).get(key)
