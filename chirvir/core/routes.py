"""The site's URL map spelt out route by route, as the OpenAPI document and the privacy sweep read
it: each include's prefix goes before its routes, but for a group that only looks at how the path
starts (chirvir/urls.py's `^(?=api/|...)` before the API's routes), which takes none of it."""

from django.urls import URLResolver


def prefix_of(resolver: URLResolver) -> str:
    """What of the path this include takes before its routes see the rest, as its pattern reads."""
    own = str(resolver.pattern)
    return "" if own.startswith("^(?=") else own
