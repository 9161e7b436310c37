"""Public addresses of things, built from CHIRVIR_URL: one home for the URL scheme."""

from urllib.parse import quote

from django.conf import settings


def profile_url(username: str) -> str:
    return f"{settings.SITE_URL}/@{username}"


def tag_url(name: str) -> str:
    return f"{settings.SITE_URL}/tags/{quote(name)}"


def status_url(username: str, status_id: int) -> str:
    return f"{settings.SITE_URL}/@{username}/{status_id}"
