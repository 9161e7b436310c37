"""The Mastodon client API's routes, each with and without a trailing slash (clients use both,
and a redirect would drop a POST body). One view module per Mastodon resource."""

from django.urls import re_path

from chirvir.api import openapi
from chirvir.api.views import accounts, bookmarks, conversations, follow_requests, instance, media, notifications
from chirvir.api.views import emails, filters, polls, scheduled_statuses, statuses
from chirvir.api.views import apps, lists, oauth, registration, search, timelines, trends
from chirvir.api.views import admin, directory, endorsements, profile, push, reports, suggestions, tags

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
    # the rest of the instance (issue 10, item 10)
    route("api/v1/instance/rules", instance.rules),
    route("api/v1/instance/extended_description", instance.extended_description),
    route("api/v1/instance/privacy_policy", instance.privacy_policy),
    route("api/v1/instance/terms_of_service", instance.terms_of_service),
    route("api/v1/instance/activity", instance.activity),
    route("api/v1/instance/languages", instance.languages),
    route("api/v1/instance/translation_languages", instance.translation_languages),
    route("api/v1/instance/peers", instance.peers),
    route("api/v1/instance/domain_blocks", instance.domain_blocks),
    route("api/v1/emails/confirmations", emails.confirmations),
    route("api/v1/emails/check_confirmation", emails.check_confirmation),
    route(f"api/v1/accounts/{ID.format('account_id')}/identity_proofs", accounts.identity_proofs),
    route(f"api/v1/statuses/{ID.format('status_id')}/translate", statuses.translate),
    *[
        route(f"api/v{version}/{name}", instance.empty_list)
        for version, name in [
            (1, "custom_emojis"), (1, "announcements"), (1, "domain_blocks"),
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
    # followed and featured hashtags, endorsements, notes, directory, suggestions (issue 10, items 4 and 5)
    route(r"api/v1/tags/(?P<hashtag>[^/]+)", tags.detail),
    route(r"api/v1/tags/(?P<hashtag>[^/]+)/follow", tags.follow),
    route(r"api/v1/tags/(?P<hashtag>[^/]+)/unfollow", tags.unfollow),
    route("api/v1/followed_tags", tags.followed_tags),
    route("api/v1/featured_tags", tags.featured_tags),
    route("api/v1/featured_tags/suggestions", tags.featured_tag_suggestions),
    route(f"api/v1/featured_tags/{ID.format('featured_tag_id')}", tags.featured_tag),
    route(f"api/v1/accounts/{ID.format('account_id')}/featured_tags", tags.featured_tags_of),
    route(f"api/v1/accounts/{ID.format('account_id')}/endorse", accounts.endorse),
    route(f"api/v1/accounts/{ID.format('account_id')}/unendorse", accounts.unendorse),
    route(f"api/v1/accounts/{ID.format('account_id')}/endorsements", accounts.endorsements),
    route(f"api/v1/accounts/{ID.format('account_id')}/note", accounts.note),
    route(f"api/v1/accounts/{ID.format('account_id')}/remove_from_followers", accounts.remove_from_followers),
    route("api/v1/endorsements", endorsements.index),
    route("api/v1/profile/avatar", profile.avatar),
    route("api/v1/profile/header", profile.header),
    route("api/v1/directory", directory.index),
    route("api/v1/suggestions", suggestions.index_v1),
    route("api/v2/suggestions", suggestions.index_v2),
    route(f"api/v1/suggestions/{ID.format('account_id')}", suggestions.dismiss),
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
            "pin", "unpin", "history", "source", "mute", "unmute",
        )
    ],
    # polls and scheduled posts
    route(f"api/v1/polls/{ID.format('poll_id')}", polls.detail),
    route(f"api/v1/polls/{ID.format('poll_id')}/votes", polls.votes),
    route("api/v1/scheduled_statuses", scheduled_statuses.index),
    route(f"api/v1/scheduled_statuses/{ID.format('scheduled_id')}", scheduled_statuses.detail),
    # quote posts (Mastodon 4.5)
    route(f"api/v1/statuses/{ID.format('status_id')}/quotes", statuses.quotes_of),
    route(f"api/v1/statuses/{ID.format('status_id')}/quotes/{ID.format('quoting_id')}/revoke", statuses.revoke_quote),
    route(f"api/v1/statuses/{ID.format('status_id')}/interaction_policy", statuses.interaction_policy),
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
    route(f"api/v1/conversations/{ID.format('conversation_id')}/unread", conversations.unread),
    route("api/v1/notifications", notifications.index),
    route("api/v1/notifications/clear", notifications.clear),
    route("api/v1/notifications/unread_count", notifications.unread_count),
    route("api/v1/notifications/policy", notifications.policy_v1),
    route("api/v2/notifications/policy", notifications.policy_v2),
    route("api/v1/notifications/requests", notifications.requests),
    route("api/v1/notifications/requests/merged", notifications.requests_merged),
    # notifications: requests, and grouped (v2)
    route("api/v1/notifications/requests/accept", notifications.requests_accept),
    route("api/v1/notifications/requests/dismiss", notifications.requests_dismiss),
    route(f"api/v1/notifications/requests/{ID.format('request_id')}", notifications.request_detail),
    route(f"api/v1/notifications/requests/{ID.format('request_id')}/accept", notifications.request_accept),
    route(f"api/v1/notifications/requests/{ID.format('request_id')}/dismiss", notifications.request_dismiss),
    route("api/v2/notifications", notifications.index_v2),
    route("api/v2/notifications/unread_count", notifications.unread_count_v2),
    route(r"api/v2/notifications/(?P<group_key>[^/]+)", notifications.group),
    route(r"api/v2/notifications/(?P<group_key>[^/]+)/dismiss", notifications.group_dismiss),
    route(r"api/v2/notifications/(?P<group_key>[^/]+)/accounts", notifications.group_accounts),
    route(f"api/v1/notifications/{ID.format('notification_id')}", notifications.detail),
    route(f"api/v1/notifications/{ID.format('notification_id')}/dismiss", notifications.dismiss),
    route("api/v1/markers", notifications.markers),
    route("api/v1/bookmarks", bookmarks.bookmarks),
    route("api/v1/favourites", bookmarks.favourites),
    # filters: v2, and v1 as one keyword of a v2 filter (the fixed paths before the `:id` ones)
    route("api/v2/filters", filters.index),
    route(f"api/v2/filters/keywords/{ID.format('keyword_id')}", filters.keyword),
    route(f"api/v2/filters/statuses/{ID.format('filter_status_id')}", filters.status),
    route(f"api/v2/filters/{ID.format('filter_id')}", filters.detail),
    route(f"api/v2/filters/{ID.format('filter_id')}/keywords", filters.keywords),
    route(f"api/v2/filters/{ID.format('filter_id')}/statuses", filters.statuses),
    route("api/v1/filters", filters.index_v1),
    route(f"api/v1/filters/{ID.format('keyword_id')}", filters.detail_v1),
    # moderation: reports, and the admin API for moderators (staff accounts, admin:* scopes)
    route("api/v1/reports", reports.create),
    route("api/v1/admin/accounts", admin.accounts_v1),
    route("api/v2/admin/accounts", admin.accounts_v2),
    route(f"api/v1/admin/accounts/{ID.format('account_id')}", admin.account_detail),
    *[
        route(f"api/v1/admin/accounts/{ID.format('account_id')}/{name}", getattr(admin, name))
        for name in ("action", "approve", "reject", "enable", "unsilence", "unsuspend", "unsensitize")
    ],
    route("api/v1/admin/reports", admin.reports),
    route(f"api/v1/admin/reports/{ID.format('report_id')}", admin.report_detail),
    *[
        route(f"api/v1/admin/reports/{ID.format('report_id')}/{name}", getattr(admin, name))
        for name in ("assign_to_self", "unassign", "resolve", "reopen")
    ],
    # the moderators' blocks in the admin API: e-mail domains, IP addresses, canonical e-mail addresses
    route("api/v1/admin/email_domain_blocks", admin.email_domain_blocks),
    route(f"api/v1/admin/email_domain_blocks/{ID.format('block_id')}", admin.email_domain_block),
    route("api/v1/admin/ip_blocks", admin.ip_blocks),
    route(f"api/v1/admin/ip_blocks/{ID.format('block_id')}", admin.ip_block),
    route("api/v1/admin/canonical_email_blocks", admin.canonical_email_blocks),
    route("api/v1/admin/canonical_email_blocks/test", admin.canonical_email_blocks_test),
    route(f"api/v1/admin/canonical_email_blocks/{ID.format('block_id')}", admin.canonical_email_block),
    route("api/v1/admin/domain_blocks", admin.domain_blocks),
    route(f"api/v1/admin/domain_blocks/{ID.format('block_id')}", admin.domain_block),
    # the trends under the moderators' review
    route("api/v1/admin/trends/tags", admin.trends_tags),
    route("api/v1/admin/trends/links", admin.trends_links),
    route("api/v1/admin/trends/statuses", admin.trends_statuses),
    *[
        route(f"api/v1/admin/trends/{kinds}/{ID.format('trend_id')}/{verb}", getattr(admin, f"{verb}_{kind}"))
        for kind, kinds in (("tag", "tags"), ("link", "links"), ("status", "statuses"))
        for verb in ("approve", "reject")
    ],
    # the dashboard's numbers for moderators
    route("api/v1/admin/measures", admin.measures_view),
    route("api/v1/admin/dimensions", admin.dimensions_view),
    route("api/v1/admin/retention", admin.retention_view),
    # push notifications (Web Push)
    route("api/v1/push/subscription", push.subscription),
]
