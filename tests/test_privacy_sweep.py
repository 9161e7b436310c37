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
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.core.routes import prefix_of
from chirvir.filters import services as filters
from chirvir.lists import services as lists
from chirvir.moderation import services as moderation
from chirvir.notifications import services as notifications
from chirvir.oauth import services as oauth
from chirvir.polls import services as polls
from chirvir.scheduled import services as scheduled
from chirvir.statuses import services as statuses
from chirvir.tags import services as tags

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
# Words no viewer of the sweep may ever see: a post still waiting for its time (and ana's filter of
# that word), a report's comment.
UNPUBLISHED = "zqscheduledpost"
REPORTED = "zqreportcomment"
NOBODY = (UNPUBLISHED, REPORTED)


@dataclass
class World:
    """Who is who, and the IDs the read paths need."""

    accounts: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)  # marker -> status ID
    list_id: int = 0
    conversation_id: int = 0
    notification_ids: list = field(default_factory=list)
    # polls, quotes, tags, endorsements, scheduled posts, notification requests and groups, reports (issue 10)
    poll_ids: list = field(default_factory=list)
    scheduled_ids: list = field(default_factory=list)
    request_ids: list = field(default_factory=list)
    group_keys: list = field(default_factory=list)
    filter_ids: list = field(default_factory=list)
    filter_keyword_ids: list = field(default_factory=list)
    filter_status_ids: list = field(default_factory=list)
    report_ids: list = field(default_factory=list)


def _each_status(w):
    return list(w.statuses.values())


def _each_author(w):
    return [w.accounts[n].id for n in ("ana", "lena", "sam")]


def _each_username(w):
    return [w.accounts[n].username for n in ("ana", "lena", "sam")]


def _status_pages(w):
    return [f"/@{username}/{status_id}" for username, status_id in w.status_owners]


@dataclass
class Post:
    """An address asked by POST: a write whose answer shows what it wrote on (a poll voted on)."""

    path: str
    data: dict = field(default_factory=dict)


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
    # --- polls and scheduled posts ---
    "api/v1/polls/(?P<poll_id>[^/]+)": lambda w: [f"/api/v1/polls/{i}" for i in w.poll_ids],
    "api/v1/polls/(?P<poll_id>[^/]+)/votes": lambda w: [Post(f"/api/v1/polls/{i}/votes", {"choices[]": ["1"]})
                                                        for i in w.poll_ids],
    "polls/<int:poll_id>/vote": lambda w: [Post(f"/polls/{i}/vote", {"choices": ["1"]}) for i in w.poll_ids],
    "api/v1/scheduled_statuses": lambda w: ["/api/v1/scheduled_statuses"],
    "api/v1/scheduled_statuses/(?P<scheduled_id>[^/]+)": lambda w: [f"/api/v1/scheduled_statuses/{i}"
                                                                     for i in w.scheduled_ids],
    # --- quotes ---
    "api/v1/statuses/(?P<status_id>[^/]+)/quotes": lambda w: [f"/api/v1/statuses/{i}/quotes"
                                                               for i in [*_each_status(w), *w.quoted]],
    # --- tags: followed and featured ---
    "api/v1/tags/(?P<hashtag>[^/]+)": lambda w: ["/api/v1/tags/zqtag"],
    "api/v1/followed_tags": lambda w: ["/api/v1/followed_tags"],
    "api/v1/featured_tags": lambda w: ["/api/v1/featured_tags"],
    "api/v1/featured_tags/suggestions": lambda w: ["/api/v1/featured_tags/suggestions"],
    "api/v1/accounts/(?P<account_id>[^/]+)/featured_tags": lambda w: [f"/api/v1/accounts/{i}/featured_tags"
                                                                      for i in _each_author(w)],
    # --- endorsements, notes, directory, suggestions ---
    "api/v1/endorsements": lambda w: ["/api/v1/endorsements"],
    "api/v1/accounts/(?P<account_id>[^/]+)/endorsements": lambda w: [f"/api/v1/accounts/{i}/endorsements"
                                                                     for i in _each_author(w)],
    "api/v1/accounts/(?P<account_id>[^/]+)/identity_proofs": lambda w: [f"/api/v1/accounts/{i}/identity_proofs"
                                                                        for i in _each_author(w)],
    "api/v1/directory": lambda w: ["/api/v1/directory", "/api/v1/directory?local=true&order=new"],
    "api/v1/suggestions": lambda w: ["/api/v1/suggestions"],
    "api/v2/suggestions": lambda w: ["/api/v2/suggestions"],
    # --- filters (the viewer's own) ---
    "api/v1/filters": lambda w: ["/api/v1/filters"],
    "api/v2/filters": lambda w: ["/api/v2/filters"],
    "api/v1/filters/(?P<keyword_id>[^/]+)": lambda w: [f"/api/v1/filters/{i}" for i in w.filter_keyword_ids],
    "api/v2/filters/(?P<filter_id>[^/]+)": lambda w: [f"/api/v2/filters/{i}" for i in w.filter_ids],
    "api/v2/filters/(?P<filter_id>[^/]+)/keywords": lambda w: [f"/api/v2/filters/{i}/keywords" for i in w.filter_ids],
    "api/v2/filters/(?P<filter_id>[^/]+)/statuses": lambda w: [f"/api/v2/filters/{i}/statuses" for i in w.filter_ids],
    "api/v2/filters/keywords/(?P<keyword_id>[^/]+)": lambda w: [f"/api/v2/filters/keywords/{i}"
                                                                for i in w.filter_keyword_ids],
    "api/v2/filters/statuses/(?P<filter_status_id>[^/]+)": lambda w: [f"/api/v2/filters/statuses/{i}"
                                                                      for i in w.filter_status_ids],
    # --- notifications: requests, and grouped (v2) ---
    "api/v1/notifications/requests/(?P<request_id>[^/]+)": lambda w: [f"/api/v1/notifications/requests/{i}"
                                                                      for i in w.request_ids],
    "api/v2/notifications": lambda w: ["/api/v2/notifications",
                                       "/api/v2/notifications?expand_accounts=partial_avatars"],
    "api/v2/notifications/unread_count": lambda w: ["/api/v2/notifications/unread_count"],
    r"api/v2/notifications/(?P<group_key>[^/]+)": lambda w: [f"/api/v2/notifications/{k}" for k in w.group_keys],
    r"api/v2/notifications/(?P<group_key>[^/]+)/accounts": lambda w: [f"/api/v2/notifications/{k}/accounts"
                                                                       for k in w.group_keys],
    # --- the rest of the instance ---
    "api/v1/instance/activity": lambda w: ["/api/v1/instance/activity"],
    "api/v1/instance/peers": lambda w: ["/api/v1/instance/peers"],
    "api/v1/instance/domain_blocks": lambda w: ["/api/v1/instance/domain_blocks"],
    "api/v1/statuses/(?P<status_id>[^/]+)/translate": lambda w: [Post(f"/api/v1/statuses/{i}/translate")
                                                                  for i in _each_status(w)],
    # --- moderation: the admin API, asked by viewers none of whom is a moderator (they get 403) ---
    "api/v1/admin/accounts": lambda w: ["/api/v1/admin/accounts"],
    "api/v2/admin/accounts": lambda w: ["/api/v2/admin/accounts"],
    "api/v1/admin/accounts/(?P<account_id>[^/]+)": lambda w: [f"/api/v1/admin/accounts/{i}" for i in _each_author(w)],
    "api/v1/admin/reports": lambda w: ["/api/v1/admin/reports", "/api/v1/admin/reports?resolved=true"],
    "api/v1/admin/reports/(?P<report_id>[^/]+)": lambda w: [f"/api/v1/admin/reports/{i}" for i in w.report_ids],
    # --- push ---
    "api/v1/push/subscription": lambda w: ["/api/v1/push/subscription"],
    # --- pages: settings (sign-ins, apps, two-factor, filters), reports ---
    "settings/apps": lambda w: ["/settings/apps"],
    "settings/sessions": lambda w: ["/settings/sessions"],
    "settings/two_factor": lambda w: ["/settings/two_factor"],
    "settings/filters": lambda w: ["/settings/filters"],
    "@(?P<username>[A-Za-z0-9_]{1,30})/report": lambda w: [f"/@{u}/report" for u in _each_username(w)],
}

# Routes that read no post: writes (POST only), forms, and documents about the server itself.
NOT_READ = {
    "health": "says whether the server is up",
    "metrics": "counts and timings by route name for Prometheus, no post or account; only from CHIRVIR_METRICS_ALLOW",
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
    # --- issue 10's writes and documents about the server ---
    "api/v1/statuses/(?P<status_id>[^/]+)/quotes/(?P<quoting_id>[^/]+)/revoke": "revokes a quote (POST)",
    "api/v1/statuses/(?P<status_id>[^/]+)/interaction_policy": "sets who may quote (PUT)",
    "api/v1/statuses/(?P<status_id>[^/]+)/mute": "mutes a thread (POST)",
    "api/v1/statuses/(?P<status_id>[^/]+)/unmute": "unmutes a thread (POST)",
    "api/v1/tags/(?P<hashtag>[^/]+)/follow": "follows a tag (POST)",
    "api/v1/tags/(?P<hashtag>[^/]+)/unfollow": "unfollows a tag (POST)",
    "api/v1/featured_tags/(?P<featured_tag_id>[^/]+)": "unfeatures a tag (DELETE)",
    **{f"api/v1/accounts/(?P<account_id>[^/]+)/{name}": "a relationship change (POST)"
       for name in ("endorse", "unendorse", "note", "remove_from_followers")},
    "api/v1/suggestions/(?P<account_id>[^/]+)": "dismisses a suggestion (DELETE)",
    "api/v1/profile/avatar": "removes one's avatar (DELETE)",
    "api/v1/profile/header": "removes one's header (DELETE)",
    "api/v1/conversations/(?P<conversation_id>[^/]+)/unread": "marks unread (POST)",
    "api/v1/emails/confirmations": "resends one's confirmation mail (POST)",
    "api/v1/emails/check_confirmation": "says whether one's own address is confirmed",
    "api/v1/instance/extended_description": "a document about the server",
    "api/v1/instance/privacy_policy": "a document about the server",
    "api/v1/instance/terms_of_service": "a document about the server",
    "api/v1/instance/translation_languages": "a document about the server",
    "api/v1/instance/rules": "a document about the server",
    "api/v1/instance/languages": "a document about the server",
    "api/v1/notifications/requests/accept": "accepts requests (POST)",
    "api/v1/notifications/requests/dismiss": "dismisses requests (POST)",
    "api/v1/notifications/requests/(?P<request_id>[^/]+)/accept": "accepts a request (POST)",
    "api/v1/notifications/requests/(?P<request_id>[^/]+)/dismiss": "dismisses a request (POST)",
    r"api/v2/notifications/(?P<group_key>[^/]+)/dismiss": "dismisses a group (POST)",
    "api/v1/reports": "reports (POST)",
    **{f"api/v1/admin/accounts/(?P<account_id>[^/]+)/{name}": "a moderator's action (POST)"
       for name in ("action", "approve", "reject", "enable", "unsilence", "unsuspend", "unsensitize")},
    **{f"api/v1/admin/reports/(?P<report_id>[^/]+)/{name}": "a moderator's action (POST)"
       for name in ("assign_to_self", "unassign", "resolve", "reopen")},
    "auth/confirm/<str:token>": "confirms one's e-mail address",
    "login/code": "a form (the second factor)",
    "notifications/requests/<int:request_id>/accept": "accepts a request (POST)",
    "notifications/requests/<int:request_id>/dismiss": "dismisses a request (POST)",
    "tags/<str:name>/follow": "follows a tag (POST)",
    "tags/<str:name>/unfollow": "unfollows a tag (POST)",
    "settings/apps/<int:application_id>/revoke": "revokes an app (POST)",
    "settings/filters/<int:filter_id>": "saves a filter (POST)",
    "settings/filters/<int:filter_id>/delete": "deletes a filter (POST)",
    "settings/sessions/end_others": "ends sessions (POST)",
    "settings/two_factor/enable": "a form (POST)",
    "settings/two_factor/disable": "a form (POST)",
    # SMS (chirvir/gateways/sms): both 404 unless SMS is configured; tests/gateways test them.
    "gateways/sms/kannel": "Kannel's calls, 403 without its secret; GET and @ replies go through the gate",
    "settings/phone": "one's own phone link, its quiet hours and daily limit",
    # --- the e-mail gateway's pages (its privacy test: tests/gateways/mail/test_mail_notifications.py) ---
    "settings/mail": "one's own posting address and e-mail switches",
    "settings/mail/renew": "renews one's posting address (POST)",
    "mail/unsubscribe/<str:token>": "the unsubscribe form of a notification e-mail",
    # XMPP (chirvir/gateways/xmpp): 404 unless the bot is configured; tests/gateways/xmpp test it.
    "settings/xmpp": "one's own Jabber address link and its code",
}
def _routes(resolver=None, prefix=""):
    """Every route of chirvir/urls.py, included ones spelt out, as READ_PATHS and NOT_READ name them."""
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = str(entry.pattern).removeprefix("^").removesuffix("$").removesuffix("/?")
        if isinstance(entry, URLResolver):
            if pattern == "admin/":
                yield pattern
            else:
                yield from _routes(entry, prefix + prefix_of(entry).removeprefix("^"))
        elif isinstance(entry, URLPattern):
            yield prefix + pattern


def _empty_lists(resolver=None, prefix=""):
    """The routes served by instance.empty_list, which answers an empty list whatever is asked: asked
    of the resolver, not listed here, so a route that gets a real view leaves this set by itself."""
    from chirvir.api.views import instance

    for entry in (resolver or get_resolver()).url_patterns:
        pattern = str(entry.pattern).removeprefix("^").removesuffix("$").removesuffix("/?")
        if isinstance(entry, URLResolver) and pattern != "admin/":
            yield from _empty_lists(entry, prefix + prefix_of(entry).removeprefix("^"))
        elif isinstance(entry, URLPattern) and entry.callback is instance.empty_list:
            yield prefix + pattern


def test_every_route_is_swept_or_said_to_read_nothing():
    routes = set(_routes())
    empty = set(_empty_lists())
    unknown = sorted(r for r in routes if r not in READ_PATHS and r not in NOT_READ and r not in empty)
    assert not unknown, f"routes neither swept nor listed in NOT_READ (say which and why): {unknown}"
    gone = sorted((set(READ_PATHS) | set(NOT_READ)) - routes)
    assert not gone, f"listed routes that no longer exist: {gone}"


@pytest.fixture
def world(make_account):
    w = World()
    for name in ("ana", "lena", "sam", "finn", "dora", "stan", "bea"):
        w.accounts[name] = make_account(name)
    ana, lena, sam, finn, dora, stan, bea = (w.accounts[n] for n in ("ana", "lena", "sam", "finn", "dora", "stan",
                                                                    "bea"))
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
    w.conversation_id = posted[DIRECT].conversation_id
    w.status_owners = [(s.account.username, s.id) for s in posted.values()]
    # --- polls, quotes, tags, endorsements, scheduled posts, requests, reports (issue 10) ---
    # Polls whose options name the secret: on a followers-only post, a direct message, a protected
    # post and the soon suspended author's post; finn votes where he may.
    for author, marker, options in ((ana, FOLLOWERS_ONLY, {"visibility": "private"}),
                                    (ana, DIRECT, {"visibility": "direct"}), (lena, PROTECTED, {}),
                                    (sam, SUSPENDED, {})):
        mention = "@dora " if marker == DIRECT else ""
        poll = polls.draft([f"{marker} yes", "no"], 3600)
        polled = statuses.post_status(author, f"{mention}{marker} a poll", poll=poll, **options)
        w.poll_ids.append(polled.poll.id)
        w.status_owners.append((author.username, polled.id))  # its page shows the poll's options
    polls.vote(finn, w.poll_ids[0], [0])
    # Public posts of finn's and dora's quoted by secret posts: the quotes of one's own post (asked
    # by its author alone) must list none its author may not see.
    w.quoted = [statuses.post_status(quoted, f"{quoted.username} says something").id for quoted in (finn, dora)]
    for author, marker, options in ((ana, FOLLOWERS_ONLY, {"visibility": "private"}), (lena, PROTECTED, {}),
                                    (sam, SUSPENDED, {})):
        for quoted_id in w.quoted:
            statuses.post_status(author, f"{marker} quoting", quoted_status_id=quoted_id, **options)
    # ... and a public post of finn's quoting the soon suspended author's: its quote must go with her.
    statuses.post_status(finn, "finn quotes sam", quoted_status_id=posted[SUSPENDED].id)
    # A followed tag carried by the secret posts (all of them bear #zqtag), featured by their authors.
    tags.follow_tag(finn, "zqtag")
    tags.follow_tag(stan, "zqtag")
    for author in (ana, lena, sam):
        tags.feature_tag(author, "zqtag")
    # Endorsements: finn features those he follows, and writes himself a note on ana.
    for followed in (ana, lena, sam):
        accounts.endorse(finn, followed)
    accounts.set_note(finn, ana, f"{FOLLOWERS_ONLY} finn's private note")
    # A scheduled post of ana's, not yet published, and a filter of hers: hers alone.
    later = timezone.now() + timedelta(days=2)
    w.scheduled_ids = [scheduled.schedule_status(ana, f"{UNPUBLISHED} later", later).id]
    own_filter = filters.create_filter(ana, UNPUBLISHED, ["home"], keywords=[(UNPUBLISHED, True)])
    w.filter_ids = [own_filter.id]
    w.filter_keyword_ids = [filters.add_keyword(ana, own_filter.id, f"{UNPUBLISHED}x").id]
    w.filter_status_ids = [filters.add_status(ana, own_filter.id, posted[DIRECT].id).id]
    # Dora filters strangers' notifications: ana's direct message to her becomes a request.
    notifications.update_policy(dora, for_not_following="filter")
    statuses.post_status(ana, f"@dora {DIRECT} a filtered one", visibility="direct")
    # A report by finn on ana, naming her followers-only post.
    w.report_ids = [moderation.report(finn, ana, status_ids=[posted[FOLLOWERS_ONLY].id], comment=REPORTED).id]
    from chirvir.notifications.models import Notification, NotificationRequest

    w.request_ids = list(NotificationRequest.objects.values_list("id", flat=True))
    w.group_keys = sorted(set(Notification.objects.values_list("group_key", flat=True)))
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
            if isinstance(address, Post):  # a write that answers with what it wrote on
                client = api if address.path.startswith("/api/") else web
                address, answers = address.path, [client.post(address.path, address.data)]
            else:
                client = api if address.startswith("/api/") else web
                answers = [client.get(address)]
                if client is web:  # the htmx fragment of the same page
                    answers.append(client.get(address, HTTP_HX_REQUEST="true"))
            for answer in answers:
                assert answer.status_code < 500, (address, answer.status_code)
                if address.startswith(("/api/v1/admin/", "/api/v2/admin/")):  # no viewer is a moderator
                    assert answer.status_code == (401 if name is None else 403), (address, answer.status_code)
                yield address, answer.content.decode(errors="replace")


@pytest.mark.parametrize("viewer", list(FORBIDDEN), ids=lambda v: v or "anonymous")
def test_no_read_path_shows_a_post_to_someone_who_may_not_see_it(world, viewer):
    forbidden = FORBIDDEN[viewer]
    seen = set()
    leaks = []
    for address, body in _sweep(world, viewer):
        for marker in (*SECRETS, *NOBODY):
            if marker in body:
                seen.add(marker)
                if marker in forbidden or marker in NOBODY:
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
