"""Mastodon's OAuth scopes: their names and descriptions, and which scope covers which."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chirvir.core.errors import Invalid

SCOPES = {
    "read": gettext_lazy("Read all your account's data"),
    "read:accounts": gettext_lazy("See account information"),
    "read:blocks": gettext_lazy("See whom you block"),
    "read:bookmarks": gettext_lazy("See your bookmarks"),
    "read:favourites": gettext_lazy("See the posts you like"),
    "read:filters": gettext_lazy("See your filters"),
    "read:follows": gettext_lazy("See whom you follow"),
    "read:lists": gettext_lazy("See your lists"),
    "read:mutes": gettext_lazy("See whom you mute"),
    "read:notifications": gettext_lazy("See your notifications"),
    "read:search": gettext_lazy("Search on your behalf"),
    "read:statuses": gettext_lazy("See all posts"),
    "write": gettext_lazy("Change all your account's data"),
    "write:accounts": gettext_lazy("Change your profile"),
    "write:blocks": gettext_lazy("Block accounts"),
    "write:bookmarks": gettext_lazy("Bookmark posts"),
    "write:conversations": gettext_lazy("Mute and delete conversations"),
    "write:favourites": gettext_lazy("Like posts"),
    "write:filters": gettext_lazy("Create filters"),
    "write:follows": gettext_lazy("Follow and unfollow people"),
    "write:lists": gettext_lazy("Create and change lists"),
    "write:media": gettext_lazy("Upload pictures"),
    "write:mutes": gettext_lazy("Mute people and conversations"),
    "write:notifications": gettext_lazy("Clear your notifications"),
    "write:reports": gettext_lazy("Report other people"),
    "write:statuses": gettext_lazy("Publish and delete posts"),
    "follow": gettext_lazy("Follow, block and mute people, and see whom you follow, block and mute"),
    "push": gettext_lazy("Receive your push notifications"),
    "profile": gettext_lazy("See only your profile"),
    "admin:read": gettext_lazy("Read all data on the server"),
    "admin:write": gettext_lazy("Change all data on the server"),
    "admin:read:accounts": gettext_lazy("See every account's moderation details"),
    "admin:read:reports": gettext_lazy("See every report"),
    "admin:write:accounts": gettext_lazy("Take moderation actions on accounts"),
    "admin:write:reports": gettext_lazy("Take moderation actions on reports"),
}
FOLLOW = frozenset(f"{mode}:{what}" for mode in ("read", "write") for what in ("blocks", "follows", "mutes"))


def describe(scopes) -> list[tuple[str, str]]:
    """Each scope with what it lets an app do, in the reader's language: the consent page and the
    connected apps page say the same words."""
    return [(scope, str(SCOPES.get(scope, scope))) for scope in scopes]


def covers(granted: frozenset[str], scope: str) -> bool:
    """Whether scopes granted include `scope`, by Mastodon's rules of parent scopes."""
    if scope in granted:
        return True
    if scope in FOLLOW and "follow" in granted:
        return True
    # "read" covers "read:statuses", "admin:read" covers "admin:read:accounts"; "profile" only itself.
    parent, _colon, _rest = scope.rpartition(":")
    return bool(parent) and parent != "admin" and parent in granted


def parse_scopes(scopes: str) -> list[str]:
    """Known scopes, in the order given, without repeats; Invalid names the first unknown one."""
    result = []
    for scope in scopes.split():
        if scope not in SCOPES:
            raise Invalid(_("Scopes include an unknown scope: %(scope)s") % {"scope": scope})
        if scope not in result:
            result.append(scope)
    return result
