"""The tags that put a page's posts, whom to follow and the empty compose box in from what
chirvir/web/fragments.py kept of them."""

from django import template

from chirvir.web import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def statuses_html(context, statuses):
    """These statuses as web/_status.html shows each, in this page's context."""
    return fragments.render(context, statuses)


@register.simple_tag(takes_context=True)
def compose_box(context):
    """The compose box for the page's form (web/_compose.html)."""
    return fragments.compose(context)


@register.simple_tag(takes_context=True)
def suggested_people(context, people):
    """Whom to follow, each as web/_suggested_person.html shows them."""
    return fragments.suggested(context, people)


@register.simple_tag(takes_context=True)
def frame_header(context):
    """The frame's header and navigation (web/_header.html)."""
    return fragments.header(context)


@register.simple_tag(takes_context=True)
def frame_footer(context):
    """The frame's footer and language picker (web/_footer.html)."""
    return fragments.footer(context)
