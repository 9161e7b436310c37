"""One function per Mastodon entity: the JSON shape of accounts, statuses, relationships,
notifications, conversations and markers, shared by the REST API and (later) streaming and
widgets. Viewer-relative fields come from a `Seen` loaded once per response."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.html import escape

from chirvir.accounts.models import Account, Block, Follow, FollowRequest, Mute
from chirvir.core import text
from chirvir.core.links import profile_url, status_url, tag_url
from chirvir.statuses.models import Bookmark, Favourite, Status

MISSING_AVATAR = "/avatars/original/missing.png"
MISSING_HEADER = "/headers/original/missing.png"


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _image(file, missing: str) -> str:
    return f"{settings.SITE_URL}{settings.MEDIA_URL}{file.name}" if file else f"{settings.SITE_URL}{missing}"


def account(a: Account) -> dict:
    avatar, header = _image(a.avatar, MISSING_AVATAR), _image(a.header, MISSING_HEADER)
    joined = a.date_joined.replace(hour=0, minute=0, second=0, microsecond=0)
    data = {
        "id": str(a.id),
        "username": a.username,
        "acct": a.username,
        "url": profile_url(a.username),
        "uri": f"{settings.SITE_URL}/users/{a.username}",
        "display_name": a.display_name,
        "note": _note_html(a.note),
        "avatar": avatar,
        "avatar_static": avatar,
        "avatar_description": "",
        "header": header,
        "header_static": header,
        "header_description": "",
        "locked": a.locked,
        "bot": False,
        "group": False,
        "discoverable": True,
        "indexable": True,
        "hide_collections": False,
        "noindex": False,
        "fields": _fields(a),
        "emojis": [],
        "roles": [],
        "created_at": iso(joined),
        "last_status_at": a.last_status_at.date().isoformat() if a.last_status_at else None,
        "statuses_count": a.statuses_count,
        "followers_count": a.followers_count,
        "following_count": a.following_count,
    }
    if not a.is_active:
        data["suspended"] = True
    return data


def _note_html(note: str) -> str:
    return text.render_html(note, mention_url=lambda username: None, hashtag_url=tag_url) if note else ""


def _fields(a: Account) -> list[dict]:
    """The profile's location and website, as Mastodon's profile fields."""
    fields = []
    if a.location:
        fields.append({"name": "Location", "value": escape(a.location), "verified_at": None})
    if a.website:
        link = text.render_html(a.website, mention_url=lambda username: None, hashtag_url=tag_url)
        fields.append({"name": "Website", "value": link.removeprefix("<p>").removesuffix("</p>"), "verified_at": None})
    return fields


def credential_account(a: Account) -> dict:
    return {
        **account(a),
        "source": {
            "privacy": "public",
            "sensitive": False,
            "language": a.language or None,
            "note": a.note,
            "fields": [],
            "follow_requests_count": FollowRequest.objects.filter(target_account=a).count(),
            "hide_collections": False,
            "discoverable": True,
            "indexable": True,
            "attribution_domains": [],
        },
        "role": {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False},
    }


@dataclass
class Seen:
    """What the viewer did to a set of statuses (liked, reposted, bookmarked), loaded in three
    queries for a whole page."""

    viewer: Account | None
    favourited: set[int] = field(default_factory=set)
    reblogged: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, viewer: Account | None, statuses) -> "Seen":
        if viewer is None:
            return cls(None)
        ids = {s.id for s in statuses} | {s.reblog_id for s in statuses if s.reblog_id}
        return cls(
            viewer,
            favourited=set(Favourite.objects.filter(account=viewer, status_id__in=ids).values_list("status_id", flat=True)),
            reblogged=set(
                Status.objects.filter(account=viewer, reblog_id__in=ids).values_list("reblog_id", flat=True)
            ),
            bookmarked=set(Bookmark.objects.filter(account=viewer, status_id__in=ids).values_list("status_id", flat=True)),
        )


def status(s: Status, seen: Seen) -> dict:
    author = s.account
    data = {
        "id": str(s.id),
        "uri": f"{settings.SITE_URL}/users/{author.username}/statuses/{s.id}",
        "url": status_url(author.username, s.id),
        "created_at": iso(s.created_at),
        "account": account(author),
        "content": "" if s.reblog_id else s.content,
        "visibility": s.visibility,
        "sensitive": s.sensitive,
        "spoiler_text": s.spoiler_text,
        "language": s.language,
        "media_attachments": [],
        "mentions": [
            {"id": str(m.account_id), "username": m.account.username, "acct": m.account.username,
             "url": profile_url(m.account.username)}
            for m in s.mentions.all()
        ],
        "tags": [{"name": t.name, "url": tag_url(t.name)} for t in s.tags.all()],
        "emojis": [],
        "reblogs_count": s.reblogs_count,
        "favourites_count": s.favourites_count,
        "replies_count": s.replies_count,
        "in_reply_to_id": str(s.in_reply_to_id) if s.in_reply_to_id else None,
        "in_reply_to_account_id": str(s.in_reply_to_account_id) if s.in_reply_to_account_id else None,
        "reblog": status(s.reblog, seen) if s.reblog_id else None,
        "poll": None,
        "card": None,
        "edited_at": None,
        "application": None,
        "filtered": [],
    }
    if seen.viewer is not None:
        data.update(
            favourited=s.id in seen.favourited,
            reblogged=s.id in seen.reblogged,
            bookmarked=s.id in seen.bookmarked,
            muted=False,
        )
        if author.id == seen.viewer.id:
            data["pinned"] = False
    return data


def prefetch(items) -> None:
    """Load what `status` reads of each status and its original, in a few queries."""
    items = [s for s in items if s is not None]
    prefetch_related_objects(items, "mentions__account", "tags")
    prefetch_related_objects([s.reblog for s in items if s.reblog_id], "mentions__account", "tags")


def statuses(items, viewer: Account | None) -> list[dict]:
    prefetch(items)
    seen = Seen.of(viewer, items)
    return [status(s, seen) for s in items]


def relationships(viewer: Account, targets: list[Account]) -> list[dict]:
    ids = [t.id for t in targets]

    def edges(model, mine: bool):
        rows = model.objects.filter(account=viewer, target_account_id__in=ids) if mine else model.objects.filter(
            target_account=viewer, account_id__in=ids
        )
        return {r.target_account_id if mine else r.account_id: r for r in rows}

    following, followed_by = edges(Follow, True), edges(Follow, False)
    requested, requested_by = edges(FollowRequest, True), edges(FollowRequest, False)
    blocking, blocked_by, muting = edges(Block, True), edges(Block, False), edges(Mute, True)
    return [
        {
            "id": str(t.id),
            "following": t.id in following,
            "showing_reblogs": following[t.id].show_reblogs if t.id in following else False,
            "notifying": following[t.id].notify if t.id in following else False,
            "languages": None,
            "followed_by": t.id in followed_by,
            "blocking": t.id in blocking,
            "blocked_by": t.id in blocked_by,
            "muting": t.id in muting,
            "muting_notifications": muting[t.id].hide_notifications if t.id in muting else False,
            "muting_expires_at": None,
            "requested": t.id in requested,
            "requested_by": t.id in requested_by,
            "domain_blocking": False,
            "endorsed": False,
            "note": "",
        }
        for t in targets
    ]


def relationship(viewer: Account, target: Account) -> dict:
    return relationships(viewer, [target])[0]


def notifications(items, viewer: Account) -> list[dict]:
    prefetch([n.status for n in items])
    seen = Seen.of(viewer, [n.status for n in items if n.status])
    result = []
    for n in items:
        data = {
            "id": str(n.id),
            "type": n.type,
            "created_at": iso(n.created_at),
            "group_key": f"ungrouped-{n.id}",
            "account": account(n.from_account),
        }
        if n.status is not None:
            data["status"] = status(n.status, seen)
        result.append(data)
    return result


def conversations(items, viewer: Account) -> list[dict]:
    prefetch([c.last_status for c in items])
    seen = Seen.of(viewer, [c.last_status for c in items if c.last_status])
    return [
        {
            "id": str(c.id),
            "unread": c.unread,
            "accounts": [account(a) for a in c.participants.all()],
            "last_status": status(c.last_status, seen) if c.last_status else None,
        }
        for c in items
    ]


def marker(m) -> dict:
    return {"last_read_id": str(m.last_read_id), "version": m.version, "updated_at": iso(m.updated_at)}
