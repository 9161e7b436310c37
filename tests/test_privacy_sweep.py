"""The privacy sweep: every read path there is, API and pages and htmx fragments, asked over HTTP by
viewers who may and may not see a protected account's posts, a followers-only post and a direct
message, by someone the author blocked, and after the author of a post is suspended. Each secret
post holds a unique marker word; the sweep fails on the first answer that shows one to a viewer
who may not see it.

A new read path joins by one line in READ_PATHS (its route and the addresses to ask); a route that
reads nothing (a write, a form, a document about the server) is listed in NOT_READ with why. A route
in neither fails test_every_route_is_swept_or_said_to_read_nothing, so none is forgotten. The live
streams are swept apart, against a real `chirvir serve` (tests/streaming/ and
test_the_streams_tell_no_secret below)."""

import time
from contextlib import ExitStack
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chirvir.accounts import services as accounts
from chirvir.lists import services as lists
from chirvir.moderation import services as moderation
from chirvir.oauth import services as oauth
from chirvir.statuses import services as statuses

SCOPES = "read write follow push"
# The secret posts' marker words: unique, and found by search if they leak into it.
FOLLOWERS_ONLY = "zqfollowersonly"
DIRECT = "zqdirectmessage"
PROTECTED = "zqprotectedpost"
BLOCKER_PUBLIC = "zqblockerpublic"
SUSPENDED = "zqsuspendedpost"
SECRETS = (FOLLOWERS_ONLY, DIRECT, PROTECTED, BLOCKER_PUBLIC, SUSPENDED)
# Search is asked for a second word of each secret post (its marker backwards): the search page
# shows the words it was asked for, which must not count as a leak.
SEARCHED = [m[::-1] for m in SECRETS]


@dataclass
class World:
    """Who is who, and the IDs the read paths need."""

    accounts: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)  # marker -> status ID
    list_id: int = 0
    conversation_id: int = 0
    notification_ids: list = field(default_factory=list)


def _each_status(w):
    return list(w.statuses.values())


def _each_author(w):
    return [w.accounts[n].id for n in ("ana", "lena", "sam")]


def _each_username(w):
    return [w.accounts[n].username for n in ("ana", "lena", "sam")]


def _status_pages(w):
    return [f"/@{username}/{status_id}" for username, status_id in w.status_owners]


# Route (as chirvir/urls.py and api/urls.py spell it, without ^ and /?$) -> the addresses to ask.
READ_PATHS = {
    # --- the Mastodon API ---
    "api/v1/accounts/verify_credentials": lambda w: ["/api/v1/accounts/verify_credentials"],
    "api/v1/accounts/lookup": lambda w: [f"/api/v1/accounts/lookup?acct={u}" for u in _each_username(w)],
    "api/v1/accounts/relationships": lambda w: ["/api/v1/accounts/relationships?" +
                                                "&".join(f"id[]={i}" for i in _each_author(w))],
    "api/v1/accounts/search": lambda w: [f"/api/v1/accounts/search?q={u}" for u in _each_username(w)],
    "api/v1/accounts/familiar_followers": lambda w: ["/api/v1/accounts/familiar_followers?" +
                                                     "&".join(f"id[]={i}" for i in _each_author(w))],
    "api/v1/accounts/(?P<account_id>[^/]+)": lambda w: [f"/api/v1/accounts/{i}" for i in _each_author(w)],
    "api/v1/accounts/(?P<account_id>[^/]+)/statuses": lambda w: [
        f"/api/v1/accounts/{i}/statuses{q}" for i in _each_author(w) for q in ("", "?exclude_replies=true",
                                                                              "?tagged=zqtag", "?pinned=true")
    ],
    **{
        f"api/v1/accounts/(?P<account_id>[^/]+)/{name}": (
            lambda w, name=name: [f"/api/v1/accounts/{i}/{name}" for i in _each_author(w)]
        )
        for name in ("followers", "following", "lists")
    },
    "api/v1/accounts/(?P<account_id>[^/]+)/public_lists": lambda w: [f"/api/v1/accounts/{i}/public_lists"
                                                                     for i in _each_author(w)],
    "api/v1/blocks": lambda w: ["/api/v1/blocks"],
    "api/v1/mutes": lambda w: ["/api/v1/mutes"],
    "api/v1/follow_requests": lambda w: ["/api/v1/follow_requests"],
    "api/v1/statuses": lambda w: ["/api/v1/statuses?" + "&".join(f"id[]={i}" for i in _each_status(w))],
    "api/v1/statuses/(?P<status_id>[^/]+)": lambda w: [f"/api/v1/statuses/{i}" for i in _each_status(w)],
    "api/v1/statuses/(?P<status_id>[^/]+)/context": lambda w: [f"/api/v1/statuses/{i}/context"
                                                                for i in [*_each_status(w), w.reply_parent]],
    **{
        f"api/v1/statuses/(?P<status_id>[^/]+)/{name}": (
            lambda w, name=name: [f"/api/v1/statuses/{i}/{name}" for i in _each_status(w)]
        )
        for name in ("favourited_by", "reblogged_by", "history", "source")
    },
    "api/v2/search": lambda w: [f"/api/v2/search?q={m}{t}" for m in SEARCHED for t in ("", "&type=statuses")]
    + ["/api/v2/search?q=%23zqtag", "/api/v2/search?q=zqtag&type=hashtags"],
    "api/v1/trends": lambda w: ["/api/v1/trends"],
    "api/v1/trends/tags": lambda w: ["/api/v1/trends/tags"],
    "api/v1/trends/statuses": lambda w: ["/api/v1/trends/statuses"],
    "api/v1/trends/links": lambda w: ["/api/v1/trends/links"],
    "api/v1/timelines/home": lambda w: ["/api/v1/timelines/home"],
    "api/v1/timelines/public": lambda w: ["/api/v1/timelines/public", "/api/v1/timelines/public?local=true"],
    "api/v1/timelines/tag/(?P<hashtag>[^/]+)": lambda w: ["/api/v1/timelines/tag/zqtag",
                                                          "/api/v1/timelines/tag/zqtag?any[]=zqother"],
    "api/v1/timelines/list/(?P<list_id>[^/]+)": lambda w: [f"/api/v1/timelines/list/{w.list_id}"],
    "api/v1/lists": lambda w: ["/api/v1/lists"],
    "api/v1/lists/subscribed": lambda w: ["/api/v1/lists/subscribed"],
    "api/v1/lists/(?P<list_id>[^/]+)": lambda w: [f"/api/v1/lists/{w.list_id}"],
    "api/v1/lists/(?P<list_id>[^/]+)/accounts": lambda w: [f"/api/v1/lists/{w.list_id}/accounts"],
    "api/v1/conversations": lambda w: ["/api/v1/conversations"],
    "api/v1/conversations/(?P<conversation_id>[^/]+)": lambda w: [f"/api/v1/conversations/{w.conversation_id}"],
    "api/v1/notifications": lambda w: ["/api/v1/notifications"],
    "api/v1/notifications/unread_count": lambda w: ["/api/v1/notifications/unread_count"],
    "api/v1/notifications/policy": lambda w: ["/api/v1/notifications/policy"],
    "api/v2/notifications/policy": lambda w: ["/api/v2/notifications/policy"],
    "api/v1/notifications/requests": lambda w: ["/api/v1/notifications/requests"],
    "api/v1/notifications/(?P<notification_id>[^/]+)": lambda w: [f"/api/v1/notifications/{i}"
                                                                  for i in w.notification_ids],
    "api/v1/markers": lambda w: ["/api/v1/markers?timeline[]=home&timeline[]=notifications"],
    "api/v1/bookmarks": lambda w: ["/api/v1/bookmarks"],
    "api/v1/favourites": lambda w: ["/api/v1/favourites"],
    "api/v1/media/(?P<media_id>[^/]+)": lambda w: ["/api/v1/media/1"],
    # --- pages and their htmx fragments ---
    "": lambda w: ["/"],
    "home": lambda w: ["/home"],
    "home/pending": lambda w: [f"/home/pending?since_id={w.oldest}"],
    "home/newer": lambda w: [f"/home/newer?since_id={w.oldest}"],
    "public": lambda w: ["/public"],
    "tags/<str:name>": lambda w: ["/tags/zqtag"],
    "search": lambda w: [f"/search?q={m}" for m in SEARCHED] + ["/search?q=%23zqtag"],
    "lists": lambda w: ["/lists"],
    "lists/<int:list_id>": lambda w: [f"/lists/{w.list_id}"],
    "notifications": lambda w: ["/notifications"],
    "messages": lambda w: ["/messages"],
    "follow_requests": lambda w: ["/follow_requests"],
    "settings": lambda w: ["/settings"],
    "settings/blocks": lambda w: ["/settings/blocks"],
    "@(?P<username>[A-Za-z0-9_]{1,30})": lambda w: [f"/@{u}" for u in _each_username(w)],
    "@(?P<username>[A-Za-z0-9_]{1,30})/(?P<tab>with_replies|likes|followers|following)": lambda w: [
        f"/@{u}/{tab}" for u in [*_each_username(w), "finn"] for tab in ("with_replies", "likes", "followers",
                                                                        "following")
    ],
    "@(?P<username>[A-Za-z0-9_]{1,30})/(?P<status_id>[0-9]{1,20})": _status_pages,
    "@(?P<username>[A-Za-z0-9_]{1,30})/(?P<status_id>[0-9]{1,20})/media/(?P<media_id>[0-9]{1,20})": lambda w: [
        f"{page}/media/1" for page in _status_pages(w)
    ],
    "leaving": lambda w: ["/leaving?url=x"],
    # --- widgets, embeds and oEmbed: other sites' frames ---
    "@(?P<username>[A-Za-z0-9_]{1,30})/widget": lambda w: [f"/@{u}/widget" for u in _each_username(w)],
    "@(?P<username>[A-Za-z0-9_]{1,30})/widget/posts": lambda w: [
        f"/@{u}/widget/posts?since_id={w.oldest}" for u in _each_username(w)
    ],
    "@(?P<username>[A-Za-z0-9_]{1,30})/embed": lambda w: [f"/@{u}/embed" for u in _each_username(w)],
    "@(?P<username>[A-Za-z0-9_]{1,30})/(?P<status_id>[0-9]{1,20})/embed": lambda w: [
        f"{page}/embed" for page in _status_pages(w)
    ],
    "api/oembed": lambda w: [
        f"/api/oembed?url={settings.SITE_URL}{page}"
        for page in [*_status_pages(w), *(f"/@{u}" for u in _each_username(w))]
    ],
    # --- feeds (RSS and Atom) ---
    **{
        route.format(ext=ext): addresses
        for ext in ("rss", "atom")
        for route, addresses in {
            r"@(?P<username>[A-Za-z0-9_]{{1,30}})\.{ext}": lambda w, ext=ext: [f"/@{u}.{ext}" for u in _each_username(w)],
            r"tags/(?P<name>[^/.]+)\.{ext}": lambda w, ext=ext: [f"/tags/zqtag.{ext}"],
            "lists/<int:list_id>.{ext}": lambda w, ext=ext: [f"/lists/{w.list_id}.{ext}"],
            "search.{ext}": lambda w, ext=ext: [f"/search.{ext}?q={m}" for m in SEARCHED],
        }.items()
    },
}

# Routes that read no post: writes (POST only), forms, and documents about the server itself.
NOT_READ = {
    "health": "says whether the server is up",
    "widget.js": "the script other sites load to insert a widget's frame: the same file for everyone",
    "media/(?P<path>.+)": "media files under random names; a post's media is listed only through its post",
    "(avatars|headers)/original/missing\\.png": "the picture of an account without one",
    "admin/": "the operator's admin, behind a staff log-in (its own tests)",
    "api/openapi.json": "the API's description",
    "api/v1/apps": "registers an app (POST)",
    "api/v1/apps/verify_credentials": "names the app a token belongs to",
    "api/v1/accounts": "signs up (POST)",
    "oauth/authorize": "the consent form",
    "oauth/token": "issues tokens (POST)",
    "oauth/revoke": "revokes tokens (POST)",
    "\\.well-known/oauth-authorization-server": "OAuth's metadata",
    "api/v1/instance": "the instance document",
    "api/v2/instance": "the instance document",
    "api/v1/preferences": "the caller's own settings",
    "api/v1/accounts/update_credentials": "changes one's profile (PATCH)",
    **{f"api/v1/accounts/(?P<account_id>[^/]+)/{name}": "a relationship change (POST)"
       for name in ("follow", "unfollow", "block", "unblock", "mute", "unmute")},
    "api/v1/follow_requests/(?P<account_id>[^/]+)/authorize": "answers a request (POST)",
    "api/v1/follow_requests/(?P<account_id>[^/]+)/reject": "answers a request (POST)",
    **{f"api/v1/statuses/(?P<status_id>[^/]+)/{name}": "an action on a post (POST)"
       for name in ("reblog", "unreblog", "favourite", "unfavourite", "bookmark", "unbookmark", "pin", "unpin")},
    "api/v1/media": "uploads (POST)",
    "api/v2/media": "uploads (POST)",
    "api/v1/lists/(?P<list_id>[^/]+)/subscribe": "subscribes (POST)",
    "api/v1/conversations/(?P<conversation_id>[^/]+)/read": "marks read (POST)",
    "api/v1/notifications/clear": "clears (POST)",
    "api/v1/notifications/requests/merged": "says whether requests are merged",
    "api/v1/notifications/(?P<notification_id>[^/]+)/dismiss": "dismisses (POST)",
    "lists/new": "a form (POST)",
    **{f"lists/<int:list_id>/{name}": "a list change (POST)"
       for name in ("edit", "delete", "add", "remove", "subscribe", "unsubscribe")},
    "signup": "a form",
    "login": "a form",
    "logout": "logs out (POST)",
    "password/reset": "a form",
    "password/reset/sent": "a notice",
    "password/reset/<uidb64>/<token>": "a form",
    "password/reset/done": "a notice",
    "language": "sets the language (POST)",
    "compose": "posts (POST)",
    "compose/count": "counts a draft (POST)",
    **{f"statuses/<int:status_id>/{name}": "an action on a post (POST)"
       for name in ("like", "unlike", "repost", "unrepost", "delete")},
    "follow_requests/@(?P<username>[A-Za-z0-9_]{1,30})/approve": "answers a request (POST)",
    "follow_requests/@(?P<username>[A-Za-z0-9_]{1,30})/reject": "answers a request (POST)",
    "settings/(?P<section>profile|privacy|language|email|password)": "saves settings (POST)",
    **{f"@(?P<username>[A-Za-z0-9_]{{1,30}})/{name}": "a relationship change (POST)"
       for name in ("follow", "unfollow", "block", "unblock", "mute", "unmute")},
    # the admin API's blocks, trends review and numbers: moderators only, 403 to everyone else
    # (tests/moderation/test_admin_blocks.py, test_admin_trends.py, test_admin_measures.py)
    **{route: "moderators only (403 to anyone else)" for route in (
        *(f"api/v1/admin/{name}{tail}" for name in ("email_domain_blocks", "ip_blocks", "canonical_email_blocks",
                                                     "domain_blocks") for tail in ("", "/(?P<block_id>[^/]+)")),
        "api/v1/admin/canonical_email_blocks/test",
        *(f"api/v1/admin/trends/{kind}" for kind in ("tags", "links", "statuses")),
        *(f"api/v1/admin/trends/{kind}/(?P<trend_id>[^/]+)/{verb}"
          for kind in ("tags", "links", "statuses") for verb in ("approve", "reject")),
        "api/v1/admin/measures", "api/v1/admin/dimensions", "api/v1/admin/retention",
    )},
}
# The API's routes that answer an empty list whatever is asked (instance.empty_list).
EMPTY = ("custom_emojis", "filters", "announcements", "instance/rules", "instance/peers", "instance/activity",
         "instance/languages", "suggestions", "featured_tags", "endorsements", "domain_blocks",
         "scheduled_statuses", "followed_tags")


def _routes(resolver=None, prefix=""):
    """Every route of chirvir/urls.py, included ones spelt out, as READ_PATHS and NOT_READ name them."""
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = str(entry.pattern).removeprefix("^").removesuffix("$").removesuffix("/?")
        if isinstance(entry, URLResolver):
            if pattern == "admin/":
                yield pattern
            else:
                yield from _routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield prefix + pattern


def _is_empty_list(route: str) -> bool:
    return any(route in (f"api/v1/{name}", f"api/v2/{name}") for name in EMPTY)


def test_every_route_is_swept_or_said_to_read_nothing():
    routes = set(_routes())
    unknown = sorted(r for r in routes if r not in READ_PATHS and r not in NOT_READ and not _is_empty_list(r))
    assert not unknown, f"routes neither swept nor listed in NOT_READ (say which and why): {unknown}"
    gone = sorted((set(READ_PATHS) | set(NOT_READ)) - routes)
    assert not gone, f"listed routes that no longer exist: {gone}"


@pytest.fixture
def world(make_account):
    w = World()
    for name in ("ana", "lena", "sam", "finn", "dora", "stan", "bea"):
        w.accounts[name] = make_account(name)
    ana, lena, sam, finn, dora, bea = (w.accounts[n] for n in ("ana", "lena", "sam", "finn", "dora", "bea"))
    accounts.update_profile(lena, locked=True)
    accounts.follow(finn, ana)
    accounts.follow(bea, ana)
    accounts.follow(finn, lena)
    accounts.approve_follow_request(lena, finn)
    accounts.follow(finn, sam)
    first = statuses.post_status(ana, "hello everyone #zqtag")
    w.oldest = first.id

    def secret(author, marker, words, **options):
        return statuses.post_status(author, f"{marker} {marker[::-1]} {words} #zqtag", **options)

    posted = {
        BLOCKER_PUBLIC: secret(ana, BLOCKER_PUBLIC, "in the open"),
        FOLLOWERS_ONLY: secret(ana, FOLLOWERS_ONLY, "for my followers", visibility="private"),
        DIRECT: secret(ana, DIRECT, "@dora just for you", visibility="direct"),
        PROTECTED: secret(lena, PROTECTED, "behind the lock"),
        SUSPENDED: secret(sam, SUSPENDED, "soon gone"),
    }
    # Replies in a public thread, so that a public post's context would carry a secret along.
    w.reply_parent = first.id
    statuses.post_status(ana, f"{FOLLOWERS_ONLY} a reply", visibility="private", in_reply_to_id=first.id)
    statuses.post_status(lena, f"@ana {PROTECTED} a protected reply", in_reply_to_id=first.id)
    # Likes, reposts and bookmarks by those who may see, so the collections hold the secrets.
    for marker, status in posted.items():
        reader = dora if marker == DIRECT else finn
        statuses.favourite(reader, status.id)
        statuses.bookmark(reader, status.id)
    statuses.reblog(finn, posted[BLOCKER_PUBLIC].id)
    lst = lists.create_list(finn, "zqlist")
    lists.add_members(finn, lst.id, [ana.id, lena.id, sam.id])
    w.list_id = lst.id
    w.statuses = {m: s.id for m, s in posted.items()}
    w.status_owners = [(s.account.username, s.id) for s in posted.values()]
    w.conversation_id = posted[DIRECT].conversation_id
    from chirvir.notifications.models import Notification

    w.notification_ids = list(Notification.objects.values_list("id", flat=True))
    # Ana blocks bea, a follower till now; a moderator suspends sam, as the admin API and Django's
    # admin do (chirvir.moderation: feeds and search emptied of his posts, his tokens ended).
    accounts.block(ana, bea)
    moderator = make_account("mod")
    type(moderator).objects.filter(pk=moderator.pk).update(is_staff=True)
    moderator.refresh_from_db()
    moderation.suspend(moderator, sam, "spam")
    return w


# Who may not see what.
FORBIDDEN = {
    None: (FOLLOWERS_ONLY, DIRECT, PROTECTED, SUSPENDED),
    "stan": (FOLLOWERS_ONLY, DIRECT, PROTECTED, SUSPENDED),
    "finn": (DIRECT, SUSPENDED),
    "dora": (FOLLOWERS_ONLY, PROTECTED, SUSPENDED),
    "bea": (FOLLOWERS_ONLY, DIRECT, PROTECTED, BLOCKER_PUBLIC, SUSPENDED),
}


def _clients(world, name):
    if name is None:
        return Client(), Client()
    account = world.accounts[name]
    application, _id, _secret = oauth.create_application("Sweep", scopes=SCOPES)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {oauth.issue_token(application, account, SCOPES)}")
    web = Client()
    web.force_login(account)
    return api, web


def _sweep(world, name):
    """Every read path's answers to one viewer: (address, body) pairs."""
    api, web = _clients(world, name)
    for route, addresses in READ_PATHS.items():
        for address in addresses(world):
            client = api if address.startswith("/api/") else web
            answers = [client.get(address)]
            if client is web:  # the htmx fragment of the same page
                answers.append(client.get(address, HTTP_HX_REQUEST="true"))
            for answer in answers:
                assert answer.status_code < 500, (address, answer.status_code)
                yield address, answer.content.decode(errors="replace")


@pytest.mark.parametrize("viewer", list(FORBIDDEN), ids=lambda v: v or "anonymous")
def test_no_read_path_shows_a_post_to_someone_who_may_not_see_it(world, viewer):
    forbidden = FORBIDDEN[viewer]
    seen = set()
    leaks = []
    for address, body in _sweep(world, viewer):
        for marker in SECRETS:
            if marker in body:
                seen.add(marker)
                if marker in forbidden:
                    leaks.append((marker, address))
    assert not leaks, f"{viewer or 'anonymous'} saw what they may not: {leaks}"
    # The sweep reaches the posts: what the viewer may see, it does see somewhere.
    assert set(SECRETS) - set(forbidden) <= seen, (set(SECRETS) - set(forbidden)) - seen


# --- the live streams, against a real `chirvir serve` ---

# Every stream a Mastodon app can subscribe to today, and the one multiplexed socket they share.
STREAMS = [
    {"stream": "public"},
    {"stream": "public:local"},
    {"stream": "hashtag", "tag": "zqtag"},
    {"stream": "hashtag:local", "tag": "zqtag"},
    {"stream": "user"},
    {"stream": "user:notification"},
    {"stream": "direct"},
]
ANONYMOUS_STREAMS = STREAMS[:4]


def test_the_streams_tell_no_secret(tmp_path):
    from tests.streaming.conftest import served_community

    with served_community(tmp_path) as community:
        people = {name: community.join(name) for name in ("ana", "lena", "finn", "dora", "stan", "bea", "zed")}
        ana, lena, finn, dora, bea, zed = (people[n] for n in ("ana", "lena", "finn", "dora", "bea", "zed"))
        lena.api.account_update_credentials(locked=True)
        finn.api.account_follow(ana.id)
        bea.api.account_follow(ana.id)
        finn.api.account_follow(lena.id)
        lena.api.follow_request_authorize(finn.id)
        ana.api.account_block(bea.id)
        viewers = {None: None, **{n: people[n] for n in ("finn", "dora", "stan", "bea")}}
        sockets, heard = {}, {name: [] for name in viewers}
        with ExitStack() as stack:
            for name, person in viewers.items():
                socket = stack.enter_context(community.websocket(person.token if person else None))
                for stream in ANONYMOUS_STREAMS if person is None else STREAMS:
                    socket.send(type="subscribe", **stream)
                socket.settled()
                sockets[name] = socket
            ana.api.status_post(f"{BLOCKER_PUBLIC} in the open #zqtag")
            ana.api.status_post(f"{FOLLOWERS_ONLY} for my followers #zqtag", visibility="private")
            ana.api.status_post(f"@{dora.username} {DIRECT} just for you #zqtag", visibility="direct")
            lena.api.status_post(f"{PROTECTED} behind the lock #zqtag")
            # Each reader may see this last one: once it has come, so has anything before it, give or
            # take the order two job workers deliver in (read on a little past it).
            zed.api.status_post("zqeveryone #zqtag")
            for name, socket in sockets.items():
                deadline, frames = None, []
                while deadline is None or time.monotonic() < deadline:
                    try:
                        frame = socket.ws.recv(timeout=community.wait if deadline is None else 0.5)
                    except TimeoutError:
                        break
                    frames.append(frame)
                    if deadline is None and "zqeveryone" in frame:
                        deadline = time.monotonic() + 2
                assert any("zqeveryone" in f for f in frames), f"{name or 'anonymous'} heard nothing"
                heard[name] = frames
    for name, frames in heard.items():
        forbidden = set(FORBIDDEN[name]) - {SUSPENDED}
        leaks = sorted({m for m in forbidden for f in frames if m in f})
        assert not leaks, f"{name or 'anonymous'} heard what they may not: {leaks}"
    # The sockets carry the secrets to those who may hear them.
    assert any(FOLLOWERS_ONLY in f for f in heard["finn"]) and any(PROTECTED in f for f in heard["finn"])
    assert any(DIRECT in f for f in heard["dora"])
