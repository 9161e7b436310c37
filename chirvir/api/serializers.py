"""One function per Mastodon entity: the JSON shape of accounts, statuses (with their versions and
source), media attachments, relationships, notifications, conversations, markers and lists,
shared by the REST API, streaming and (later) widgets. What does not depend on the viewer comes from the JSON cache
(chirvir/core/cache.py: a status's JSON as last written, an account's profile), the counts from
the rows as loaded, and the viewer's own flags (`viewer_marks`) loaded once per response."""

import hashlib
from datetime import datetime
from functools import cached_property
from operator import attrgetter

import orjson
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.html import escape

from chirvir import audience
from chirvir.accounts import services as account_services
from chirvir.accounts.models import Account, FollowRequest
from chirvir.core import text
from chirvir.core.cache import json_cache
from chirvir.core.links import profile_url, status_url, tag_url
from chirvir.filters import services as filters
from chirvir.media.models import MediaAttachment
from chirvir.notifications.services import POLICY_FIELDS
from chirvir.polls import services as polls
from chirvir.push import vapid
from chirvir.quotes import services as quote_services
from chirvir.statuses.models import QuotePolicy, Status, StatusEdit, Tag
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
    {
        "replies_count", "reblogs_count", "favourites_count", "quotes_count", "in_reply_to_id",
        "in_reply_to_account_id", "delivered_at",
    },
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
    if a.silenced_at is not None:
        data["limited"] = True  # silenced by a moderator: its posts reach its followers only
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
            value = f'<a href="{value}" target="_blank" rel="me {text.LINK_REL}" translate="no">{value}</a>'
        fields.append({"name": field["name"], "value": value, "verified_at": _verified_at(field)})
    return fields


def _verified_at(field: dict) -> str | None:
    """When a profile link was found to link back (rel="me"), as Mastodon's `verified_at`."""
    found = field.get("verified_at")
    return iso(datetime.fromisoformat(found)) if found else None


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
            "fields": [
                {"name": f["name"], "value": f["value"], "verified_at": _verified_at(f)} for f in a.profile_fields
            ],
            "follow_requests_count": FollowRequest.objects.filter(target_account=a).count(),
            "hide_collections": False,
            "discoverable": a.discoverable,
            "indexable": True,
            "attribution_domains": [],
            "quote_policy": a.default_quote_policy,
        },
        "role": {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False},
    }


class _Render:
    """One response's statuses and accounts: the viewer's flags, the viewer's filters for the
    context the statuses are read in (home, notifications, public, thread, account; none: no
    filter applies), and the cached JSON of every status, original, quoted post and account in it,
    each loaded once for all of them. What a quote or a poll shows depends on the viewer, so it is
    never part of the cached JSON: it is put in here, through the audience gate, at each read."""

    def __init__(self, items, viewer: Account | None, more_accounts=(), context: str | None = None):
        items = [s for s in items if s is not None]
        everything = [*items, *(s.reblog for s in items if s.reblog_id)]
        self.viewer = viewer
        self.quotes = quote_services.shown_quotes(lambda: self.gate, everything)
        quoted = [shown.status for shown in self.quotes.values() if shown.status is not None]
        # A quoted post shows its own quote shallow (state and ID), through the gate too.
        self.nested = quote_services.shown_quotes(lambda: self.gate, quoted)
        self.marks = viewer_marks(viewer, [*items, *quoted])
        self.accounts = accounts([*(s.account for s in [*everything, *quoted]), *more_accounts])
        self.fixed = _fixed([*everything, *quoted])
        # Read at each render, never cached: a vote must show on the next read.
        self.polls = polls.results(viewer, everything)
        self.matcher = filters.matcher(viewer, context)
        self.filtered = {s.id: self._filter_results(s) for s in items}

    def _filter_results(self, s: Status) -> list:
        # Matched on what the cached JSON shows of the original: its spoiler and media
        # descriptions, and its text as written (the row's, not the HTML).
        proper = s.reblog if s.reblog_id else s
        shown = orjson.loads(self.fixed[proper.id])
        texts = [proper.text, proper.spoiler_text, *(m["description"] or "" for m in shown["media_attachments"])]
        return self.matcher.results(s, texts)

    def hidden(self, s: Status | None) -> bool:
        """Whether a filter of the viewer's hides this status here: it is left out of what they read."""
        return s is not None and filters.Matcher.hides(self.filtered.get(s.id, []))

    @cached_property
    def gate(self) -> audience.Viewer:
        return audience.Viewer.of(self.viewer)

    def status(self, s: Status, shallow: bool = False) -> dict:
        data = orjson.loads(self.fixed[s.id])
        data["filtered"] = [filter_result(r) for r in self.filtered.get(s.id, [])]
        data.update(
            account=self.accounts[s.account_id],
            reblogs_count=s.reblogs_count,
            favourites_count=s.favourites_count,
            replies_count=s.replies_count,
            quotes_count=s.quotes_count,
            in_reply_to_id=str(s.in_reply_to_id) if s.in_reply_to_id else None,
            in_reply_to_account_id=str(s.in_reply_to_account_id) if s.in_reply_to_account_id else None,
            reblog=self.status(s.reblog) if s.reblog_id else None,
            poll=poll(self.polls[s.id]) if s.id in self.polls else None,
            quote=self._quote(s, shallow),
            quote_approval=self._quote_approval(s),
        )
        if s.account.sensitized_at is not None:  # a moderator marked all the account's media sensitive
            data["sensitive"] = True
        marks = self.marks
        if self.viewer is not None:
            # A repost carries the viewer's marks on the post it reposts, as Mastodon's do: a
            # client draws the buttons of a repost from its own flags.
            proper = s.reblog_id or s.id
            thread = s.reblog.conversation_id if s.reblog_id else s.conversation_id
            data.update(
                favourited=proper in marks.favourited,
                reblogged=proper in marks.reblogged,
                bookmarked=proper in marks.bookmarked,
                muted=thread in marks.muted,
            )
            if s.account_id == self.viewer.id:
                data["pinned"] = s.id in marks.pinned
        return data

    def _quote(self, s: Status, shallow: bool) -> dict | None:
        """Mastodon's Quote (the quoted post as a status whose own quote is shallow) or, inside a
        quoted post, its ShallowQuote (the quoted post's ID only)."""
        shown = (self.nested if shallow else self.quotes).get(s.id)
        if shown is None:
            return None
        if shallow:
            return {"state": shown.state, "quoted_status_id": str(shown.status.id) if shown.status else None}
        quoted = self.status(shown.status, shallow=True) if shown.status else None
        return {"state": shown.state, "quoted_status": quoted}

    def _quote_approval(self, s: Status) -> dict:
        """Mastodon 4.5's QuoteApproval: who may quote the post without asking (nobody asks: a quote
        that its policy does not allow is refused), and whether the viewer may."""
        allowed = QuotePolicy.NOBODY if s.reblog_id else quote_services.effective_policy(s)
        automatic = [] if allowed == QuotePolicy.NOBODY else [allowed]
        if self.viewer is None:
            current = "unknown"
        elif s.reblog_id:
            current = "denied"
        elif s.account_id == self.viewer.id or allowed == QuotePolicy.PUBLIC:
            # The statuses of a response are those the gate let the viewer see.
            current = "automatic"
        elif allowed == QuotePolicy.FOLLOWERS and s.account_id in self.gate.following:
            current = "automatic"
        else:
            current = "denied"
        return {"automatic": automatic, "manual": [], "current_user": current}


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
        "quotes_count": 0,
        "reblog": None,
        "quote": None,
        "quote_approval": None,
        "poll": None,
        "card": None,
        "edited_at": iso(s.edited_at),
        "application": None,
        "filtered": [],
    }


def poll(r: polls.Results) -> dict:
    """Mastodon's Poll as one viewer may see it: an option's `votes_count` is null while the poll
    hides its totals; `voted` and `own_votes` only for a viewer signed in."""
    data = {
        "id": str(r.poll.id),
        "expires_at": iso(r.poll.expires_at),
        "expired": r.poll.expired,
        "multiple": r.poll.multiple,
        "votes_count": r.votes_count,
        "voters_count": r.voters_count,
        "options": [{"title": title, "votes_count": n} for title, n in zip(r.poll.options, r.tallies)],
        "emojis": [],
    }
    if r.voted is not None:
        data.update(voted=r.voted, own_votes=r.own_votes)
    return data


def poll_of(status: Status, viewer: Account | None) -> dict:
    return poll(polls.results(viewer, [status])[status.id])


def scheduled_statuses(items) -> list[dict]:
    """Mastodon's ScheduledStatus: the post's parameters as they will be published, and the media
    it will carry."""
    wanted = {int(i) for s in items for i in s.media_ids}
    media = {m.id: m for m in MediaAttachment.objects.filter(id__in=wanted)} if wanted else {}
    result = []
    for s in items:
        p = s.params
        result.append({
            "id": str(s.id),
            "scheduled_at": iso(s.scheduled_at),
            "params": {
                "text": p.get("text", ""),
                "poll": None if p.get("poll") is None else {**p["poll"], "expires_in": str(p["poll"]["expires_in"])},
                "media_ids": list(s.media_ids) or None,
                "sensitive": p.get("sensitive"),
                "spoiler_text": p.get("spoiler_text") or None,
                "visibility": p.get("visibility"),
                "in_reply_to_id": p.get("in_reply_to_id"),
                "language": p.get("language"),
                "application_id": None,
                "scheduled_at": None,
                "idempotency": None,
                "with_rate_limit": False,
            },
            "media_attachments": [media_attachment(media[int(i)]) for i in s.media_ids if int(i) in media],
        })
    return result


def statuses(items, viewer: Account | None, context: str | None = None, keep_hidden: bool = False) -> list[dict]:
    """The statuses as the viewer reads them in `context`: those a filter of theirs hides there
    are left out of a timeline, but kept (marked `filtered`) where the viewer asked for the one post."""
    render = _Render(items, viewer, context=context)
    return [render.status(s) for s in items if keep_hidden or not render.hidden(s)]


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
            "media_attachments": [media_attachment(m) for m in v.media],
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
            "endorsed": r.endorsed,
            "note": r.note,
        }
        for t in targets
    ]


def relationship(viewer: Account, target: Account) -> dict:
    return relationships(viewer, [target])[0]


def notifications(items, viewer: Account) -> list[dict]:
    """The notifications as the viewer reads them: one about a status that a filter of theirs
    hides in notifications is left out."""
    render = _Render([n.status for n in items], viewer, [n.from_account for n in items], context="notifications")
    result = []
    for n in items:
        if render.hidden(n.status):
            continue
        data = {
            "id": str(n.id),
            "type": n.type,
            "created_at": iso(n.created_at),
            "group_key": n.group_key or f"ungrouped-{n.id}",
            "account": render.accounts[n.from_account_id],
        }
        if n.status is not None:
            data["status"] = render.status(n.status)
        if n.moderation_action_id is not None:
            data["moderation_warning"] = moderation_warning(n.moderation_action)
        result.append(data)
    return result


def notification_groups(groups, viewer: Account, *, partial_accounts: bool = False) -> dict:
    """Mastodon's GroupedNotificationsResults: the groups, and once each the accounts and
    statuses they name. A group about a status that a filter of the viewer's hides in
    notifications is left out. `partial_accounts` (expand_accounts=partial_avatars) gives the
    sample accounts but the latest one as PartialAccountWithAvatar."""
    shown_statuses = [g.latest.status for g in groups if g.latest.status is not None]
    senders = {a.id: a for g in groups for a in g.sample_accounts}
    render = _Render(shown_statuses, viewer, senders.values(), context="notifications")
    kept = [g for g in groups if not render.hidden(g.latest.status)]
    if partial_accounts:
        full = {g.latest.from_account_id for g in kept}
    else:
        full = {a.id for g in kept for a in g.sample_accounts}
    statuses_ = {}
    for g in kept:
        if g.latest.status is not None:
            statuses_.setdefault(g.latest.status_id, render.status(g.latest.status))
    result = {
        "accounts": [render.accounts[i] for i in senders if i in full],
        "statuses": list(statuses_.values()),
        "notification_groups": [
            {
                "group_key": g.key,
                "notifications_count": g.count,
                "type": g.type,
                "most_recent_notification_id": str(g.latest.id),
                "page_min_id": str(g.notifications[-1].id),
                "page_max_id": str(g.notifications[0].id),
                "latest_page_notification_at": iso(g.notifications[0].created_at),
                "sample_account_ids": [str(a.id) for a in g.sample_accounts],
                **({"status_id": str(g.latest.status_id)} if g.latest.status_id else {}),
            }
            for g in kept
        ],
    }
    if partial_accounts:
        result["partial_accounts"] = [
            _partial_account(render.accounts[i]) for i in senders if i not in full and i in render.accounts
        ]
    return result


def _partial_account(data: dict) -> dict:
    return {k: data[k] for k in ("id", "acct", "url", "avatar", "avatar_static", "locked", "bot")}


def notification_policy(policy, summary: tuple[int, int]) -> dict:
    """Mastodon's NotificationPolicy (v2)."""
    requests, held = summary
    return {
        **{name: getattr(policy, name) for name in POLICY_FIELDS},
        "summary": {"pending_requests_count": requests, "pending_notifications_count": held},
    }


def notification_requests(items, viewer: Account, counts: dict[int, int], last_statuses: dict) -> list[dict]:
    """Mastodon's NotificationRequest: who, how many notifications it holds, and its latest post."""
    render = _Render([s for s in last_statuses.values() if s is not None], viewer, [r.from_account for r in items],
                     context="notifications")
    return [
        {
            "id": str(r.id),
            "created_at": iso(r.created_at),
            "updated_at": iso(r.updated_at),
            "account": render.accounts[r.from_account_id],
            "notifications_count": str(counts.get(r.id, 0)),
            "last_status": render.status(last_statuses[r.id]) if last_statuses.get(r.id) else None,
        }
        for r in items
    ]


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


# Filters


def filter_keyword(k) -> dict:
    return {"id": str(k.id), "keyword": k.keyword, "whole_word": k.whole_word}


def filter_status(fs) -> dict:
    return {"id": str(fs.id), "status_id": str(fs.status_id)}


def filter_(f) -> dict:
    """Mastodon's Filter (v2), with its keywords and posts."""
    return {
        "id": str(f.id),
        "title": f.title,
        "context": list(f.context),
        "expires_at": iso(f.expires_at),
        "filter_action": f.filter_action,
        "keywords": [filter_keyword(k) for k in f.keywords.all()],
        "statuses": [filter_status(fs) for fs in f.statuses.all()],
    }


def filter_result(r) -> dict:
    """Mastodon's FilterResult: the filter (as a status carries it, without its keywords and
    posts, as Mastodon's) and what of the status met it."""
    shown = {k: v for k, v in filter_(r.filter).items() if k not in {"keywords", "statuses"}}
    return {
        "filter": shown,
        "keyword_matches": r.keyword_matches,
        "status_matches": r.status_matches,
    }


def filter_v1(k) -> dict:
    """Mastodon's V1::Filter: one keyword of a filter, as older clients know a filter. Its ID is
    the keyword's, as Mastodon's is."""
    f = k.filter
    return {
        "id": str(k.id),
        "phrase": k.keyword,
        "context": list(f.context),
        "whole_word": k.whole_word,
        "expires_at": iso(f.expires_at),
        "irreversible": f.filter_action == "hide",
    }


# Moderation: reports and the admin API's entities (Mastodon's Report, AccountWarning, Admin::*).


def report(r) -> dict:
    """Mastodon's Report, as its reporter sees it."""
    return {
        "id": str(r.id),
        "action_taken": r.action_taken,
        "action_taken_at": iso(r.resolved_at) if r.action_taken else None,
        "category": r.category,
        "comment": r.comment,
        "forwarded": r.forward,
        "created_at": iso(r.created_at),
        "status_ids": [str(i) for i in sorted(r.statuses.values_list("id", flat=True))] or None,
        "rule_ids": list(r.rule_ids) or None,
        "target_account": account(r.target),
    }


def moderation_warning(action) -> dict:
    """Mastodon's AccountWarning, as the moderation_warning notification carries it."""
    return {
        "id": str(action.id),
        "action": action.action,
        "text": action.note,
        "status_ids": [str(action.status_id)] if action.status_id else [],
        "target_account": account(action.target) if action.target_id else None,
        "appeal": None,
        "created_at": iso(action.created_at),
    }


def _role(a: Account) -> dict:
    name = "Admin" if a.is_superuser else "Moderator" if a.is_staff else ""
    return {"id": "2" if a.is_superuser else "1" if a.is_staff else "-99", "name": name, "permissions": "0",
            "color": "", "highlighted": bool(name)}


def admin_account(a: Account) -> dict:
    """Mastodon's Admin::Account: what moderators see of an account."""
    return {
        "id": str(a.id),
        "username": a.username,
        "domain": None,
        "created_at": iso(a.date_joined),
        "email": a.email,
        "ip": None,
        "ips": [],
        "locale": a.language or None,
        "invite_request": None,
        "role": _role(a),
        "confirmed": True,
        "approved": a.is_active or a.suspended_at is not None,
        "disabled": False,
        "silenced": a.silenced_at is not None,
        "suspended": a.suspended_at is not None,
        "sensitized": a.sensitized_at is not None,
        "account": account(a),
        "created_by_application_id": None,
        "invited_by_account_id": None,
    }


def admin_report(r) -> dict:
    """Mastodon's Admin::Report: a report with its people and posts, for moderators (the posts
    as stored, whoever may see them)."""
    statuses_ = list(r.statuses.all().gated())
    return {
        "id": str(r.id),
        "action_taken": r.action_taken,
        "action_taken_at": iso(r.resolved_at) if r.action_taken else None,
        "category": r.category,
        "comment": r.comment,
        "forwarded": r.forward,
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
        "account": admin_account(r.reporter) if r.reporter_id else None,
        "target_account": admin_account(r.target),
        "assigned_account": admin_account(r.assigned_to) if r.assigned_to_id else None,
        "action_taken_by_account": admin_account(r.action_taken_by) if r.action_taken_by_id else None,
        "statuses": statuses(statuses_, None),
        "rules": [],
    }


# --- followed and featured hashtags, endorsements, suggestions (issue 10, items 4 and 5) ---


def tag_with_history(info) -> dict:
    """Mastodon's Tag as /api/v1/tags/:name and followed_tags show it: with its `history` and,
    for a signed-in viewer, whether the viewer follows it."""
    data = {"name": info.tag.name, "url": tag_url(info.tag.name), "history": info.history}
    if info.following is not None:
        data["following"] = info.following
    return data


def featured_tag(f) -> dict:
    """Mastodon's FeaturedTag. `statuses_count` is a string, as Mastodon's server sends it."""
    return {
        "id": str(f.featured.id),
        "name": f.featured.tag.name,
        "url": tag_url(f.featured.tag.name),
        "statuses_count": str(f.statuses_count),
        "last_status_at": f.last_status_at.date().isoformat() if f.last_status_at else None,
    }


def suggestions(found) -> list[dict]:
    """Mastodon's Suggestion (v2): why each account is suggested, and the account."""
    by_id = accounts([s.account for s in found])
    return [{"source": s.source, "sources": [s.reason], "account": by_id[s.account.id]} for s in found]


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


# --- the moderators' blocks in the admin API (issue 11, item 6) ---


def admin_email_domain_block(b) -> dict:
    """Mastodon's Admin::EmailDomainBlock; Chirvir keeps no count of refused attempts, so no history."""
    return {"id": str(b.id), "domain": b.domain, "created_at": iso(b.created_at), "history": []}


def admin_ip_block(b) -> dict:
    """Mastodon's Admin::IpBlock."""
    return {
        "id": str(b.id),
        "ip": b.ip,
        "severity": b.severity,
        "comment": b.comment,
        "created_at": iso(b.created_at),
        "expires_at": iso(b.expires_at),
    }


def admin_canonical_email_block(b) -> dict:
    """Mastodon's Admin::CanonicalEmailBlock."""
    return {"id": str(b.id), "canonical_email_hash": b.canonical_email_hash}


def admin_trend_tag(t, hidden: bool, tag_id) -> dict:
    """Mastodon's Admin::Tag in the trends review: `trendable` is whether it is not hidden."""
    return {
        **trend_tag(t),
        "id": str(tag_id),
        "trendable": not hidden,
        "usable": True,
        "requires_review": False,
        "listable": True,
    }


def admin_trend_link(t, hidden: bool, link_id: int) -> dict:
    """Mastodon's admin trending link: the card with its ID and review state."""
    return {**trend_link(t), "id": str(link_id), "requires_review": False, "trendable": not hidden}
