"""The tag that puts a page's posts in from the fragment cache (chirvir/web/fragments.py)."""

from django import template

from chirvir.web import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def statuses_html(context, statuses):
    """These statuses as web/_status.html shows each, in this page's context."""
    return fragments.render(context, statuses)
