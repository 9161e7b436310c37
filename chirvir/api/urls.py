"""The Mastodon client API's routes, each with and without a trailing slash (clients use both,
and a redirect would drop a POST body). One view module per Mastodon resource."""

from django.urls import re_path

from chirvir.api import openapi
from chirvir.api.views import accounts, bookmarks, conversations, follow_requests, instance, media, notifications
from chirvir.api.views import statuses
from chirvir.api.views import apps, lists, oauth, registration, search, timelines, trends
from chirvir.api.views import push

ID = r"(?P<{}>[^/]+)"


def route(pattern: str, view):
    return re_path(rf"^{pattern}/?$", view)


urlpatterns = [
    route("api/openapi.json", openapi.document),
    # OAuth and client apps (toot opens /oauth/authorize/ with the slash)
    route("api/v1/apps", apps.create),
    route("api/v1/apps/verify_credentials", apps.verify_credentials),
    route("api/v1/accounts", registration.register),
    route("oauth/authorize", oauth.authorize),
    route("oauth/token", oauth.token),
    route("oauth/revoke", oauth.revoke),
    route(r"\.well-known/oauth-authorization-server", oauth.server_metadata),
    route("api/v1/instance", instance.instance_v1),
    route("api/v2/instance", instance.instance_v2),
    route("api/v1/preferences", instance.preferences),
    *[
        route(f"api/v{version}/{name}", instance.empty_list)
        for version, name in [
            (1, "custom_emojis"), (1, "filters"), (2, "filters"), (1, "announcements"), (1, "instance/rules"),
            (1, "instance/peers"), (1, "instance/activity"), (1, "instance/languages"), (1, "suggestions"),
            (2, "suggestions"), (1, "featured_tags"), (1, "endorsements"), (1, "domain_blocks"),
            (1, "scheduled_statuses"), (1, "followed_tags"),
        ]
    ],
    # accounts (the fixed paths before the `:id` ones, which would take them for IDs)
    route("api/v1/accounts/verify_credentials", accounts.verify_credentials),
    route("api/v1/accounts/update_credentials", accounts.update_credentials),
    route("api/v1/accounts/lookup", accounts.lookup),
    route("api/v1/accounts/relationships", accounts.relationships),
    route("api/v1/accounts/search", accounts.search),
    route("api/v1/accounts/familiar_followers", accounts.familiar_followers),
    route(f"api/v1/accounts/{ID.format('account_id')}", accounts.detail),
    route(f"api/v1/accounts/{ID.format('account_id')}/statuses", accounts.statuses),
    route(f"api/v1/accounts/{ID.format('account_id')}/followers", accounts.followers),
    route(f"api/v1/accounts/{ID.format('account_id')}/following", accounts.following),
    route(f"api/v1/accounts/{ID.format('account_id')}/follow", accounts.follow),
    route(f"api/v1/accounts/{ID.format('account_id')}/unfollow", accounts.unfollow),
    route(f"api/v1/accounts/{ID.format('account_id')}/block", accounts.block),
    route(f"api/v1/accounts/{ID.format('account_id')}/unblock", accounts.unblock),
    route(f"api/v1/accounts/{ID.format('account_id')}/mute", accounts.mute),
    route(f"api/v1/accounts/{ID.format('account_id')}/unmute", accounts.unmute),
    route(f"api/v1/accounts/{ID.format('account_id')}/lists", accounts.lists_holding),
    route(f"api/v1/accounts/{ID.format('account_id')}/public_lists", accounts.public_lists),
    route("api/v1/blocks", accounts.blocks),
    route("api/v1/mutes", accounts.mutes),
    # follow requests
    route("api/v1/follow_requests", follow_requests.index),
    route(f"api/v1/follow_requests/{ID.format('account_id')}/authorize", follow_requests.authorize),
    route(f"api/v1/follow_requests/{ID.format('account_id')}/reject", follow_requests.reject),
    # statuses
    route("api/v1/statuses", statuses.create),
    route(f"api/v1/statuses/{ID.format('status_id')}", statuses.detail),
    route(f"api/v1/statuses/{ID.format('status_id')}/context", statuses.context),
    *[
        route(f"api/v1/statuses/{ID.format('status_id')}/{name}", getattr(statuses, name))
        for name in (
            "reblog", "unreblog", "favourite", "unfavourite", "bookmark", "unbookmark", "favourited_by", "reblogged_by",
            "pin", "unpin", "history", "source",
        )
    ],
    # search
    route("api/v2/search", search.search),
    # trends (`/api/v1/trends` is Mastodon's older name for the hashtags)
    route("api/v1/trends", trends.tags),
    route("api/v1/trends/tags", trends.tags),
    route("api/v1/trends/statuses", trends.statuses),
    route("api/v1/trends/links", trends.links),
    # media
    route("api/v1/media", media.create_v1),
    route("api/v2/media", media.create_v2),
    route(f"api/v1/media/{ID.format('media_id')}", media.detail),
    # timelines
    route("api/v1/timelines/home", timelines.home),
    route("api/v1/timelines/public", timelines.public),
    route(r"api/v1/timelines/tag/(?P<hashtag>[^/]+)", timelines.tag),
    route(f"api/v1/timelines/list/{ID.format('list_id')}", timelines.list_),
    # lists (subscribe and subscribed go beyond Mastodon)
    route("api/v1/lists", lists.index),
    route("api/v1/lists/subscribed", lists.subscribed),
    route(f"api/v1/lists/{ID.format('list_id')}", lists.detail),
    route(f"api/v1/lists/{ID.format('list_id')}/accounts", lists.accounts),
    route(f"api/v1/lists/{ID.format('list_id')}/subscribe", lists.subscribe),
    # conversations, notifications, markers, bookmarks, favourites
    route("api/v1/conversations", conversations.index),
    route(f"api/v1/conversations/{ID.format('conversation_id')}", conversations.detail),
    route(f"api/v1/conversations/{ID.format('conversation_id')}/read", conversations.read),
    route("api/v1/notifications", notifications.index),
    route("api/v1/notifications/clear", notifications.clear),
    route("api/v1/notifications/unread_count", notifications.unread_count),
    route("api/v1/notifications/policy", notifications.policy_v1),
    route("api/v2/notifications/policy", notifications.policy_v2),
    route("api/v1/notifications/requests", notifications.requests),
    route("api/v1/notifications/requests/merged", notifications.requests_merged),
    route(f"api/v1/notifications/{ID.format('notification_id')}", notifications.detail),
    route(f"api/v1/notifications/{ID.format('notification_id')}/dismiss", notifications.dismiss),
    route("api/v1/markers", notifications.markers),
    route("api/v1/bookmarks", bookmarks.bookmarks),
    route("api/v1/favourites", bookmarks.favourites),
    # push notifications (Web Push)
    route("api/v1/push/subscription", push.subscription),
]
