"""One function per Mastodon entity: the JSON shape of accounts, statuses (with their versions and
source), media attachments, relationships, notifications, conversations, markers and lists,
shared by the REST API, streaming and (later) widgets. What does not depend on the viewer comes from the JSON cache
(chirvir/core/cache.py: a status's JSON as last written, an account's profile), the counts from
the rows as loaded, and the viewer's own flags (`viewer_marks`) loaded once per response."""

import hashlib
from datetime import datetime
from operator import attrgetter

import orjson
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.html import escape

from chirvir.accounts import services as account_services
from chirvir.accounts.models import Account, FollowRequest
from chirvir.core import text
from chirvir.core.cache import json_cache
from chirvir.core.links import profile_url, status_url, tag_url
from chirvir.push import vapid
from chirvir.statuses.models import Status, StatusEdit, Tag
from chirvir.statuses.services import viewer_marks

MISSING_AVATAR = "/avatars/original/missing.png"
MISSING_HEADER = "/headers/original/missing.png"


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _image(file, missing: str) -> str:
    return _file_url(file) if file else f"{settings.SITE_URL}{missing}"


def _file_url(file) -> str | None:
    """A stored file's absolute URL: the storage's own (an S3 bucket's), or under the site's /media/."""
    if not file:
        return None
    url = file.url
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def media_attachment(m) -> dict:
    """Mastodon's MediaAttachment: `url` is null while a video or audio file is processed."""
    meta = dict(m.meta)
    if m.type == "image":
        meta["focus"] = {"x": m.focus_x, "y": m.focus_y}
    return {
        "id": str(m.id),
        "type": m.type,
        "url": _file_url(m.file),
        "preview_url": _file_url(m.thumbnail),
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": m.description or None,
        "blurhash": m.blurhash or None,
    }


def account(a: Account) -> dict:
    return accounts([a])[a.id]


def accounts(items) -> dict[int, dict]:
    """The JSON of each account, by ID. The profile comes from the JSON cache under a key made of
    every column it may show, so a changed profile is a new key; the counts and the date of the
    last post are those of the row as loaded, never cached."""
    by_id = {a.id: a for a in items}
    found = _cached(by_id, _profile_key, lambda missing: [_profile(a) for a in missing])
    result = {}
    for i, a in by_id.items():
        data = orjson.loads(found[i])
        data.update(_account_now(a))
        result[i] = data
    return result


def _cached(by_id: dict, key, render) -> dict[int, bytes]:
    """The JSON of each object, by ID, from the cache under `key(object)`; `render(missing)`
    makes the dicts of those it does not hold, which are stored for next time."""
    keys = {i: key(o) for i, o in by_id.items()}
    cache = json_cache()
    found = cache.get_many(keys.values())
    missing = [o for i, o in by_id.items() if keys[i] not in found]
    if missing:
        made = {keys[o.id]: orjson.dumps(data) for o, data in zip(missing, render(missing))}
        cache.set_many(made)
        found.update(made)
    return {i: found[k] for i, k in keys.items()}


def _key(kind: str, *parts) -> str:
    # The site's address is part of every key: the JSON holds absolute URLs.
    return " ".join([settings.SITE_URL, kind, *map(str, parts)])


def _columns(model, left_out: set[str]) -> attrgetter:
    """What a cached JSON is keyed by: every column but those read fresh at each render or never
    shown, so that a column added later is in the key without anyone remembering."""
    return attrgetter(*[f.attname for f in model._meta.concrete_fields if f.attname not in left_out])


def _digest(row: tuple) -> str:
    # str() writes what orjson does not (an image field: its file's name).
    return hashlib.blake2b(orjson.dumps(row, default=str), digest_size=16).hexdigest()


# Left out, so that a post, a follow or a log-in does not make the profile again.
_PROFILE_COLUMNS = _columns(
    Account, {"password", "last_login", "statuses_count", "followers_count", "following_count", "last_status_at"}
)
# Left out, so that a like, a repost, a reply or the delivery does not make the status again.
_STATUS_COLUMNS = _columns(
    Status,
    {"replies_count", "reblogs_count", "favourites_count", "in_reply_to_id", "in_reply_to_account_id", "delivered_at"},
)


def _profile_key(a: Account) -> str:
    return _key("account", a.id, _digest(_PROFILE_COLUMNS(a)))


def _status_key(s: Status) -> str:
    return _key("status", s.id, _digest(_STATUS_COLUMNS(s)))


def _account_now(a: Account) -> dict:
    """What changes with every post and follow: read from the row each time."""
    return {
        "last_status_at": a.last_status_at.date().isoformat() if a.last_status_at else None,
        "statuses_count": a.statuses_count,
        "followers_count": a.followers_count,
        "following_count": a.following_count,
    }


def _profile(a: Account) -> dict:
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
        "bot": a.bot,
        "group": False,
        "discoverable": a.discoverable,
        "indexable": True,
        "hide_collections": False,
        "noindex": False,
        "fields": _fields(a),
        "emojis": [],
        "roles": [],
        "created_at": iso(joined),
        **_account_now(a),  # in its place among the keys; replaced at each read
    }
    if not a.is_active:
        data["suspended"] = True
    return data


def _note_html(note: str) -> str:
    return text.render_html(note, mention_url=lambda username: None, hashtag_url=tag_url) if note else ""


def _fields(a: Account) -> list[dict]:
    """The profile's location and website, then its own fields, as Mastodon's profile fields: a
    value that is a web address is a link, rel="me" as Mastodon's are."""
    fields = []
    if a.location:
        fields.append({"name": "Location", "value": escape(a.location), "verified_at": None})
    if a.website:
        link = text.render_html(a.website, mention_url=lambda username: None, hashtag_url=tag_url)
        fields.append({"name": "Website", "value": link.removeprefix("<p>").removesuffix("</p>"), "verified_at": None})
    for field in a.shown_fields:
        value = escape(field["value"])
        if field["url"]:
            value = f'<a href="{value}" target="_blank" rel="me nofollow noopener" translate="no">{value}</a>'
        fields.append({"name": field["name"], "value": value, "verified_at": None})
    return fields


def muted_accounts(mutes) -> list[dict]:
    """Mastodon's MutedAccount: the account, and when the mute ends (null: when unmuted)."""
    found = accounts([m.target_account for m in mutes])
    return [{**found[m.target_account_id], "mute_expires_at": iso(m.expires_at)} for m in mutes]


def credential_account(a: Account) -> dict:
    return {
        **account(a),
        "source": {
            "privacy": a.default_visibility,
            "sensitive": a.default_sensitive,
            "language": a.posting_language or None,
            "note": a.note,
            "fields": [{"name": f["name"], "value": f["value"], "verified_at": None} for f in a.profile_fields],
            "follow_requests_count": FollowRequest.objects.filter(target_account=a).count(),
            "hide_collections": False,
            "discoverable": a.discoverable,
            "indexable": True,
            "attribution_domains": [],
        },
        "role": {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False},
    }


class _Render:
    """One response's statuses and accounts: the viewer's flags and the cached JSON of every
    status, original and account in it, each loaded once for all of them."""

    def __init__(self, items, viewer: Account | None, more_accounts=()):
        items = [s for s in items if s is not None]
        everything = [*items, *(s.reblog for s in items if s.reblog_id)]
        self.viewer = viewer
        self.marks = viewer_marks(viewer, items)
        self.accounts = accounts([*(s.account for s in everything), *more_accounts])
        self.fixed = _fixed(everything)

    def status(self, s: Status) -> dict:
        data = orjson.loads(self.fixed[s.id])
        data.update(
            account=self.accounts[s.account_id],
            reblogs_count=s.reblogs_count,
            favourites_count=s.favourites_count,
            replies_count=s.replies_count,
            in_reply_to_id=str(s.in_reply_to_id) if s.in_reply_to_id else None,
            in_reply_to_account_id=str(s.in_reply_to_account_id) if s.in_reply_to_account_id else None,
            reblog=self.status(s.reblog) if s.reblog_id else None,
        )
        marks = self.marks
        if self.viewer is not None:
            # A repost carries the viewer's marks on the post it reposts, as Mastodon's do: a
            # client draws the buttons of a repost from its own flags.
            proper = s.reblog_id or s.id
            data.update(
                favourited=proper in marks.favourited,
                reblogged=proper in marks.reblogged,
                bookmarked=proper in marks.bookmarked,
                muted=False,
            )
            if s.account_id == self.viewer.id:
                data["pinned"] = s.id in marks.pinned
        return data


def _fixed(items) -> dict[int, bytes]:
    """The cached JSON of each status: everything but its author, counts, reply links, original
    and the viewer's flags, which `_Render.status` puts in at each read. Its key holds a digest
    of the status's row, so an edit is a new key (mentions and hashtags come from the text, media
    change only in an edit, and usernames never change)."""

    def render(missing):
        prefetch_related_objects(missing, "mentions__account", "tags", "media_attachments")
        return [_fixed_part(s) for s in missing]

    return _cached({s.id: s for s in items}, _status_key, render)


def _fixed_part(s: Status) -> dict:
    author = s.account
    return {
        "id": str(s.id),
        "uri": f"{settings.SITE_URL}/users/{author.username}/statuses/{s.id}",
        "url": status_url(author.username, s.id),
        "created_at": iso(s.created_at),
        "account": None,
        "content": "" if s.reblog_id else s.content,
        "visibility": s.visibility,
        "sensitive": s.sensitive,
        "spoiler_text": s.spoiler_text,
        "language": s.language,
        # A post's media change only with the post (an edit), which makes a new key.
        "media_attachments": [media_attachment(m) for m in s.media_attachments.all()],
        "mentions": [
            {"id": str(m.account_id), "username": m.account.username, "acct": m.account.username,
             "url": profile_url(m.account.username)}
            for m in s.mentions.all()
        ],
        "tags": [{"name": t.name, "url": tag_url(t.name)} for t in s.tags.all()],
        "emojis": [],
        # Placeholders, in their places among the keys, for what is read fresh each time.
        "reblogs_count": 0,
        "favourites_count": 0,
        "replies_count": 0,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": None,
        "poll": None,
        "card": None,
        "edited_at": iso(s.edited_at),
        "application": None,
        "filtered": [],
    }


def statuses(items, viewer: Account | None) -> list[dict]:
    render = _Render(items, viewer)
    return [render.status(s) for s in items]


def tag(t: Tag) -> dict:
    """A hashtag as search shows it (without history: only trends carry one, `trend_tag`)."""
    return {"name": t.name, "url": tag_url(t.name), "history": []}


def trend_tag(t) -> dict:
    """A trending hashtag: Mastodon's Tag with its `history` of the last days."""
    return {"name": t.key, "url": tag_url(t.key), "history": t.history}


def trend_link(t) -> dict:
    """A trending link as Mastodon's PreviewCard with its `history`. Chirvir fetches no pages, so
    the card knows only the URL: it is the title too, and every other field is empty."""
    return {
        "url": t.key,
        "title": t.key,
        "description": "",
        "type": "link",
        "author_name": "",
        "author_url": "",
        "provider_name": "",
        "provider_url": "",
        "html": "",
        "width": 0,
        "height": 0,
        "image": None,
        "embed_url": "",
        "blurhash": None,
        "history": t.history,
    }


def search_results(results, viewer: Account | None) -> dict:
    return {
        "accounts": [account(a) for a in results.accounts],
        "statuses": statuses(results.statuses, viewer),
        "hashtags": [tag(t) for t in results.hashtags],
    }


def status_edits(versions: list[StatusEdit]) -> list[dict]:
    """The versions of one status, as Mastodon's StatusEdit."""
    author = account(versions[0].status.account) if versions else None
    return [
        {
            "content": v.content,
            "spoiler_text": v.spoiler_text,
            "sensitive": v.sensitive,
            "created_at": iso(v.created_at),
            "account": author,
            "media_attachments": [],
            "emojis": [],
        }
        for v in versions
    ]


def status_source(s: Status) -> dict:
    """A status as its author wrote it, to edit it (Mastodon's StatusSource)."""
    return {"id": str(s.id), "text": s.text, "spoiler_text": s.spoiler_text}


def relationships(viewer: Account, targets: list[Account]) -> list[dict]:
    found = account_services.relations(viewer, targets)
    return [
        {
            "id": str(t.id),
            "following": (r := found[t.id]).following,
            "showing_reblogs": r.showing_reblogs,
            "notifying": r.notifying,
            "languages": None,
            "followed_by": r.followed_by,
            "blocking": r.blocking,
            "blocked_by": r.blocked_by,
            "muting": r.muting,
            "muting_notifications": r.muting_notifications,
            "muting_expires_at": iso(r.muting_expires_at) if r.muting_expires_at else None,
            "requested": r.requested,
            "requested_by": r.requested_by,
            "domain_blocking": False,
            "endorsed": False,
            "note": "",
        }
        for t in targets
    ]


def relationship(viewer: Account, target: Account) -> dict:
    return relationships(viewer, [target])[0]


def notifications(items, viewer: Account) -> list[dict]:
    render = _Render([n.status for n in items], viewer, [n.from_account for n in items])
    result = []
    for n in items:
        data = {
            "id": str(n.id),
            "type": n.type,
            "created_at": iso(n.created_at),
            "group_key": f"ungrouped-{n.id}",
            "account": render.accounts[n.from_account_id],
        }
        if n.status is not None:
            data["status"] = render.status(n.status)
        result.append(data)
    return result


def conversations(items, viewer: Account) -> list[dict]:
    participants = {c.id: list(c.participants.all()) for c in items}
    render = _Render([c.last_status for c in items], viewer, [a for group in participants.values() for a in group])
    return [
        {
            "id": str(c.id),
            "unread": c.unread,
            "accounts": [render.accounts[a.id] for a in participants[c.id]],
            "last_status": render.status(c.last_status) if c.last_status else None,
        }
        for c in items
    ]


def marker(m) -> dict:
    return {"last_read_id": str(m.last_read_id), "version": m.version, "updated_at": iso(m.updated_at)}


def lists(items) -> list[dict]:
    """Mastodon's List, with two fields beyond it: `public` (shown on the owner's profile, open to
    subscribers) and the owner's `account`, so that a subscriber knows whose list it reads."""
    owners = accounts({lst.owner_id: lst.owner for lst in items}.values())
    return [
        {
            "id": str(lst.id),
            "title": lst.title,
            "replies_policy": lst.replies_policy,
            "exclusive": lst.exclusive,
            "public": lst.public,
            "account": owners[lst.owner_id],
        }
        for lst in items
    ]


def push_subscription(s) -> dict:
    """Mastodon's WebPushSubscription, with the server's VAPID key that apps check pushes against."""
    return {
        "id": str(s.id),
        "endpoint": s.endpoint,
        "standard": s.standard,
        "alerts": dict(s.alerts),
        "policy": s.policy,
        "server_key": vapid.public_key(),
    }
