"""Small helpers the page templates share: an account's picture and name, and a status's
original (a repost shows the post it reposts)."""

from django import template
from django.templatetags.static import static

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
