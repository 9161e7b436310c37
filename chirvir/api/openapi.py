"""The OpenAPI 3.1 document of the Mastodon client API as Chirvir serves it (/api/openapi.json):
paths come from the URL map, methods and scopes from each view's `api(...)`, and every entity's
schema is written once here, as chirvir/api/serializers.py builds it."""

import re

from django.conf import settings
from django.urls import URLResolver, get_resolver

from chirvir.accounts import services as accounts_rules
from chirvir.api import ratelimit
from chirvir.api.base import api, json_response
from chirvir.api.views import accounts, apps, bookmarks, conversations, follow_requests, instance, notifications
from chirvir.api.views import admin, directory, emails, endorsements, filters, lists, media, oauth, profile, push
from chirvir.api.views import polls, registration, reports, scheduled_statuses, search, statuses, suggestions, tags
from chirvir.api.views import timelines, trends
from chirvir.core.routes import prefix_of
from chirvir.filters import services as filters_rules
from chirvir.filters.models import Action as FilterAction
from chirvir.filters.models import Context as FilterContext
from chirvir.lists import services as lists_rules
from chirvir.lists.models import RepliesPolicy
from chirvir.media import services as media_rules
from chirvir.moderation import measures
from chirvir.moderation import services as moderation
from chirvir.moderation.models import ActionType, Category, IpSeverity
from chirvir.notifications import services as notification_rules
from chirvir.notifications.models import Marker, NotificationType, PolicyChoice
from chirvir.oauth import services as oauth_services
from chirvir.oauth.provider import GRANT_TYPES
from chirvir.oauth.scopes import SCOPES
from chirvir.polls import services as polls_rules
from chirvir.push.models import ALERTS as PUSH_ALERTS
from chirvir.push.models import Policy as PushPolicy
from chirvir.statuses import services as statuses_rules
from chirvir.quotes.models import QuoteState
from chirvir.statuses.models import QuotePolicy, Visibility
from chirvir.tags import services as tags_rules

# Types as the serializers write them.
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
NULL = {"type": "null"}
# IDs travel as strings: a positive 64-bit integer in decimal.
ID = {"type": "string", "pattern": "^[1-9][0-9]{0,18}$"}
DIGITS = {**STRING, "pattern": "^[0-9]+$"}
URL = {"type": "string", "format": "uri"}
HTML = {"type": "string", "contentMediaType": "text/html"}
DATETIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
HASHTAG = {"type": "string", "minLength": 1}
PATH_TEXT = {"hashtag": HASHTAG, "group_key": {"type": "string", "minLength": 1}}
# The server's VAPID public key: an uncompressed P-256 point in base64url.
VAPID_KEY = {"type": "string", "pattern": "^[A-Za-z0-9_-]{87}$"}
# A list Mastodon fills and Chirvir always sends empty (no custom emoji, polls, rules...).
NOTHING = {"type": "array", "maxItems": 0}
EMPTY = {"type": "object", "maxProperties": 0}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """Present, and maybe null (what Mastodon's documentation calls nullable)."""
    if "type" in schema and "enum" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, NULL]}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def closed(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    """An object with exactly these keys, every one present unless optional."""
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def extended(schema: dict, properties: dict, optional: tuple[str, ...] = ()) -> dict:
    """`schema` with more keys, as a serializer that adds to another's output."""
    already = tuple(name for name in schema["properties"] if name not in schema["required"])
    return closed({**schema["properties"], **properties}, optional=(*already, *optional))


def enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


ACCOUNT = closed(
    {
        "id": ID,
        "username": STRING,
        "acct": STRING,
        "url": URL,
        "uri": URL,
        "display_name": STRING,
        "note": HTML,
        "avatar": URL,
        "avatar_static": URL,
        "avatar_description": STRING,
        "header": URL,
        "header_static": URL,
        "header_description": STRING,
        "locked": BOOLEAN,
        "bot": BOOLEAN,
        "group": BOOLEAN,
        "discoverable": BOOLEAN,
        "indexable": BOOLEAN,
        "hide_collections": BOOLEAN,
        "noindex": BOOLEAN,
        "fields": array(closed({"name": STRING, "value": HTML, "verified_at": nullable(DATETIME)})),
        "emojis": NOTHING,
        "roles": NOTHING,
        "created_at": DATETIME,
        "last_status_at": nullable(DATE),
        "statuses_count": COUNT,
        "followers_count": COUNT,
        "following_count": COUNT,
        "suspended": {"const": True, "description": "Sent only for a suspended account."},
        "limited": {"const": True, "description": "Sent only for an account a moderator limited (silenced)."},
    },
    optional=("suspended", "limited"),
)
DIMENSIONS = closed({"width": COUNT, "height": COUNT, "size": STRING, "aspect": {"type": "number"}})
MEDIA_ATTACHMENT = closed(
    {
        "id": ID,
        "type": enum(["image", "gifv", "video", "audio"]),
        "url": {**nullable(URL), "description": "Null while a video or audio file is being processed."},
        "preview_url": {**nullable(URL), "description": "The preview: a picture's smaller copy, a video's poster."},
        "remote_url": NULL,
        "preview_remote_url": NULL,
        "text_url": NULL,
        "meta": {
            "type": "object",
            "description": "`original` and `small` (width, height, size, aspect); a picture's `focus` (x, y); "
            "a video's or sound's `length` and `duration`, a video's `fps`, `width` and `height`.",
            "properties": {
                "original": {"type": "object"},
                "small": DIMENSIONS,
                "focus": closed({"x": {"type": "number"}, "y": {"type": "number"}}),
                "length": STRING,
                "duration": {"type": "number"},
            },
        },
        "description": {**nullable(STRING), "maxLength": media_rules.MAX_DESCRIPTION, "description": "Alt text."},
        "blurhash": nullable(STRING),
    }
)
STATUS = closed(
    {
        "id": ID,
        "uri": URL,
        "url": URL,
        "created_at": DATETIME,
        "account": ref("Account"),
        "content": {**HTML, "description": "Empty for a repost: the original is in `reblog`."},
        "visibility": enum(Visibility.values),
        "sensitive": BOOLEAN,
        "spoiler_text": STRING,
        "language": nullable(STRING),
        "media_attachments": {**array(ref("MediaAttachment")), "maxItems": media_rules.MAX_ATTACHMENTS},
        "mentions": array(closed({"id": ID, "username": STRING, "acct": STRING, "url": URL})),
        "tags": array(closed({"name": STRING, "url": URL})),
        "emojis": NOTHING,
        "reblogs_count": COUNT,
        "favourites_count": COUNT,
        "replies_count": COUNT,
        "quotes_count": {**COUNT, "description": "Accepted quotes of it."},
        "in_reply_to_id": nullable(ID),
        "in_reply_to_account_id": nullable(ID),
        "reblog": nullable(ref("Status")),
        "quote": {
            "anyOf": [ref("Quote"), ref("ShallowQuote"), NULL],
            "description": "The post it quotes, as the caller may see it (a ShallowQuote inside a quoted post).",
        },
        "quote_approval": ref("QuoteApproval"),
        "poll": {**nullable(ref("Poll")), "description": "Null for a repost: the original's is in `reblog`."},
        "card": NULL,
        "edited_at": {**nullable(DATETIME), "description": "When it was last edited; null if never."},
        "application": NULL,
        "filtered": {**array(ref("FilterResult")), "description": "The viewer's filters it meets where it is read."},
        # What the viewer did to it: sent only when a user token is.
        "favourited": BOOLEAN,
        "reblogged": BOOLEAN,
        "bookmarked": BOOLEAN,
        "muted": BOOLEAN,
        "pinned": {**BOOLEAN, "description": "Sent only on the viewer's own posts."},
    },
    optional=("favourited", "reblogged", "bookmarked", "muted", "pinned"),
)
MARKER = closed({"last_read_id": ID, "version": COUNT, "updated_at": DATETIME})
APPLICATION = closed(
    {
        "id": ID,
        "name": STRING,
        "website": nullable(STRING),
        "scopes": array(enum(SCOPES)),
        "redirect_uris": array(STRING),
        "redirect_uri": {**STRING, "description": "The redirect URIs, one a line (deprecated)."},
        "vapid_key": VAPID_KEY,
    }
)
TIMELINE_ACCESS = enum(["public", "authenticated", "disabled"])
STATUSES_CONFIGURATION = closed(
    {"max_characters": COUNT, "max_media_attachments": COUNT, "characters_reserved_per_url": COUNT}
)
MEDIA_CONFIGURATION = {
    "supported_mime_types": array(STRING),
    **{name: COUNT for name in media_rules.limits()},
}
POLLS_CONFIGURATION = closed({name: COUNT for name in instance.POLLS})
POLL = closed(
    {
        "id": ID,
        "expires_at": DATETIME,
        "expired": BOOLEAN,
        "multiple": BOOLEAN,
        "votes_count": COUNT,
        "voters_count": COUNT,
        "options": {
            **array(closed({"title": STRING, "votes_count": {
                **nullable(COUNT), "description": "Null while the poll hides its totals and runs."}})),
            "minItems": 2,
            "maxItems": polls_rules.MAX_OPTIONS,
        },
        "emojis": NOTHING,
        "voted": {**BOOLEAN, "description": "Sent with a user token; true for the poll's author."},
        "own_votes": {**array(COUNT), "description": "The caller's choices, by index; sent with a user token."},
    },
    optional=("voted", "own_votes"),
)
# A poll offered with a post (or an edit); a form spells it `poll[options][]`, `poll[expires_in]`...
POLL_REQUEST = {
    "type": "object",
    "properties": {
        "options": {
            **array({**STRING, "maxLength": polls_rules.MAX_OPTION_CHARS}),
            "minItems": 2,
            "maxItems": polls_rules.MAX_OPTIONS,
        },
        "expires_in": {
            **INTEGER,
            "minimum": polls_rules.MIN_EXPIRATION,
            "maximum": polls_rules.MAX_EXPIRATION,
            "description": "For so many seconds.",
        },
        "multiple": {**BOOLEAN, "description": "Whether a voter may choose several options."},
        "hide_totals": {**BOOLEAN, "description": "Hide the votes of each option until the poll ends."},
    },
}
SCHEDULED_STATUS = closed(
    {
        "id": ID,
        "scheduled_at": DATETIME,
        "params": closed(
            {
                "text": STRING,
                "poll": nullable(closed({"options": array(STRING), "expires_in": STRING, "multiple": BOOLEAN,
                                         "hide_totals": BOOLEAN})),
                "media_ids": nullable(array(ID)),
                "sensitive": nullable(BOOLEAN),
                "spoiler_text": nullable(STRING),
                "visibility": enum(Visibility.values),
                "in_reply_to_id": nullable(ID),
                "language": nullable(STRING),
                "application_id": NULL,
                "scheduled_at": NULL,
                "idempotency": NULL,
                "with_rate_limit": BOOLEAN,
            }
        ),
        "media_attachments": array(ref("MediaAttachment")),
    }
)

# A trending link as Mastodon's PreviewCard shows it; the admin API's trending link adds to it.
PREVIEW_CARD = {
    "url": URL,
    "title": STRING,
    "description": STRING,
    "type": enum(["link"]),
    "author_name": STRING,
    "author_url": STRING,
    "provider_name": STRING,
    "provider_url": STRING,
    "html": STRING,
    "width": COUNT,
    "height": COUNT,
    "image": NULL,
    "embed_url": STRING,
    "blurhash": NULL,
    "history": array(ref("History")),
}

SCHEMAS = {
    "Account": ACCOUNT,
    "CredentialAccount": extended(
        ACCOUNT,
        {
            "source": closed(
                {
                    "privacy": {**enum(accounts_rules.DEFAULT_VISIBILITIES), "description": "What a post defaults to."},
                    "sensitive": {**BOOLEAN, "description": "Whether a post is sensitive by default."},
                    "language": {**nullable(STRING), "description": "What a post's language defaults to."},
                    "note": {**STRING, "description": "The bio as written, not as HTML."},
                    "fields": {
                        **array(closed({"name": STRING, "value": STRING, "verified_at": nullable(DATETIME)})),
                        "maxItems": accounts_rules.MAX_PROFILE_FIELDS,
                        "description": "The profile fields as written, not as HTML.",
                    },
                    "follow_requests_count": COUNT,
                    "hide_collections": BOOLEAN,
                    "discoverable": BOOLEAN,
                    "indexable": BOOLEAN,
                    "attribution_domains": NOTHING,
                    "quote_policy": {**enum(QuotePolicy.values), "description": "Who may quote a new post."},
                }
            ),
            "role": closed(
                {"id": STRING, "name": STRING, "permissions": STRING, "color": STRING, "highlighted": BOOLEAN}
            ),
        },
    ),
    "MutedAccount": extended(
        ACCOUNT, {"mute_expires_at": {**nullable(DATETIME), "description": "When the mute ends; null: when unmuted."}}
    ),
    "Status": STATUS,
    "Poll": POLL,
    "ScheduledStatus": SCHEDULED_STATUS,
    # Quote posts (Mastodon 4.5)
    "Quote": closed(
        {
            "state": enum(QuoteState.values),
            "quoted_status": {
                **nullable(ref("Status")),
                "description": "Only when `accepted`: a post the caller may not see is `unauthorized`, and null.",
            },
        }
    ),
    "ShallowQuote": closed({"state": enum(QuoteState.values), "quoted_status_id": nullable(ID)}),
    "QuoteApproval": closed(
        {
            "automatic": {**array(enum(["public", "followers"])), "description": "Who may quote it without asking."},
            "manual": {**NOTHING, "description": "Chirvir asks nobody: a quote its policy leaves out is refused."},
            "current_user": enum(["automatic", "denied", "unknown"]),
        }
    ),
    "MediaAttachment": MEDIA_ATTACHMENT,
    "List": closed(
        {
            "id": ID,
            "title": {**STRING, "minLength": 1, "maxLength": lists_rules.MAX_TITLE},
            "replies_policy": enum(RepliesPolicy.values),
            "exclusive": {**BOOLEAN, "description": "Whether its members' posts are left out of the owner's home."},
            "public": {**BOOLEAN, "description": "Beyond Mastodon: shown on the owner's profile, open to subscribers."},
            "account": {**ref("Account"), "description": "Beyond Mastodon: the list's owner."},
        }
    ),
    "DeletedStatus": extended(STATUS, {"text": {**STRING, "description": "The post as written, to redraft it."}}),
    "StatusEdit": closed(
        {
            "content": HTML,
            "spoiler_text": STRING,
            "sensitive": BOOLEAN,
            "created_at": {**DATETIME, "description": "When this version was posted."},
            "account": ref("Account"),
            "media_attachments": NOTHING,
            "emojis": NOTHING,
        }
    ),
    "StatusSource": closed(
        {"id": ID, "text": {**STRING, "description": "The post as written, not as HTML."}, "spoiler_text": STRING}
    ),
    "Context": closed({"ancestors": array(ref("Status")), "descendants": array(ref("Status"))}),
    "Tag": closed({"name": STRING, "url": URL, "history": array(ref("History"))}),
    # One day of a trend's use: the day (its UTC midnight, Unix time), posts, distinct accounts.
    "History": closed(
        {name: {**STRING, "pattern": "^[0-9]+$"} for name in ("day", "uses", "accounts")}
    ),
    # Chirvir fetches no linked pages: a card knows only its URL, which is its title too.
    "PreviewCard": closed(PREVIEW_CARD),
    "Search": closed(
        {"accounts": array(ref("Account")), "statuses": array(ref("Status")), "hashtags": array(ref("Tag"))}
    ),
    "Relationship": closed(
        {
            "id": ID,
            "following": BOOLEAN,
            "showing_reblogs": BOOLEAN,
            "notifying": BOOLEAN,
            "languages": nullable(array(STRING)),
            "followed_by": BOOLEAN,
            "blocking": BOOLEAN,
            "blocked_by": BOOLEAN,
            "muting": BOOLEAN,
            "muting_notifications": BOOLEAN,
            "muting_expires_at": nullable(DATETIME),
            "requested": BOOLEAN,
            "requested_by": BOOLEAN,
            "domain_blocking": BOOLEAN,
            "endorsed": BOOLEAN,
            "note": STRING,
        }
    ),
    "Notification": closed(
        {
            "id": ID,
            "type": enum(NotificationType.values),
            "created_at": DATETIME,
            "group_key": STRING,
            "account": ref("Account"),
            "status": {**ref("Status"), "description": "Left out of follow and follow_request notifications."},
            "moderation_warning": {**ref("AccountWarning"), "description": "Only in moderation_warning ones."},
        },
        optional=("status", "moderation_warning"),
    ),
    "NotificationGroup": closed(
        {
            "group_key": STRING,
            "notifications_count": {**COUNT, "description": "In the whole group, not only this page."},
            "type": enum(NotificationType.values),
            "most_recent_notification_id": ID,
            "page_min_id": ID,
            "page_max_id": ID,
            "latest_page_notification_at": DATETIME,
            "sample_account_ids": {**array(ID), "maxItems": 8},
            "status_id": ID,
        },
        optional=("status_id",),
    ),
    "GroupedNotificationsResults": closed(
        {
            "accounts": array(ref("Account")),
            "partial_accounts": array(
                closed({"id": ID, "acct": STRING, "url": URL, "avatar": URL, "avatar_static": URL, "locked": BOOLEAN,
                        "bot": BOOLEAN})
            ),
            "statuses": array(ref("Status")),
            "notification_groups": array(ref("NotificationGroup")),
        },
        optional=("partial_accounts",),
    ),
    "NotificationRequest": closed(
        {
            "id": ID,
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "account": ref("Account"),
            "notifications_count": {**STRING, "pattern": "^[0-9]+$"},
            "last_status": nullable(ref("Status")),
        }
    ),
    "Conversation": closed(
        {"id": ID, "unread": BOOLEAN, "accounts": array(ref("Account")), "last_status": nullable(ref("Status"))}
    ),
    "Marker": MARKER,
    "Markers": closed(
        {name: ref("Marker") for name in Marker.Timeline.values}, optional=tuple(Marker.Timeline.values)
    ),
    "Application": APPLICATION,
    "CredentialApplication": extended(
        APPLICATION, {"client_id": STRING, "client_secret": STRING, "client_secret_expires_at": {"const": 0}}
    ),
    "Token": closed(
        {
            "access_token": STRING,
            "token_type": {"const": "Bearer"},
            "scope": {**STRING, "description": "The granted scopes, separated by spaces."},
            "created_at": {**INTEGER, "description": "Unix time."},
            "refresh_token": STRING,
        },
        optional=("refresh_token",),
    ),
    "Error": closed(
        {
            "error": STRING,
            "details": {
                "type": "object",
                "description": "Registration only: what is wrong with each field.",
                "additionalProperties": array(closed({"error": STRING, "description": STRING})),
            },
            "unexpected_accounts": {
                **array(ref("Account")),
                "description": "A post only: the accounts it mentions outside its `allowed_mentions`.",
            },
        },
        optional=("details", "unexpected_accounts"),
    ),
    "OAuthError": closed({"error": STRING, "error_description": STRING}),
    # The rest of the instance (issue 10, item 10)
    "Rule": closed({"id": ID, "text": STRING, "hint": STRING}),
    "TextPage": closed(
        {"updated_at": DATETIME, "content": {**HTML, "description": "The operator's text; empty when unset."}}
    ),
    "Activity": closed(
        {
            "week": {**DIGITS, "description": "Its Monday 00:00 UTC, in seconds since the Unix epoch."},
            "statuses": {**DIGITS, "description": "Posts made (reposts are not posts)."},
            "logins": {**DIGITS, "description": "Accounts whose latest sign-in fell in the week."},
            "registrations": {**DIGITS, "description": "Accounts made."},
        }
    ),
    "SupportedLocale": closed({"code": STRING, "name": STRING}),
    "Preferences": closed(
        {
            "posting:default:visibility": enum(Visibility.values),
            "posting:default:sensitive": BOOLEAN,
            "posting:default:language": nullable(STRING),
            "posting:default:quote_policy": enum(QuotePolicy.values),
            "reading:expand:media": enum(["default", "show_all", "hide_all"]),
            "reading:expand:spoilers": BOOLEAN,
        }
    ),
    "InstanceV1": closed(
        {
            "uri": {**STRING, "description": "The bare domain (host[:port]), not a URL."},
            "title": STRING,
            "short_description": STRING,
            "description": STRING,
            "email": STRING,
            "version": {**STRING, "description": "The Mastodon version Chirvir is compatible with, then its own."},
            "urls": closed({"streaming_api": URL}),
            "stats": closed({"user_count": COUNT, "status_count": COUNT, "domain_count": COUNT}),
            "thumbnail": NULL,
            "languages": array(STRING),
            "registrations": BOOLEAN,
            "approval_required": BOOLEAN,
            "invites_enabled": BOOLEAN,
            "configuration": closed(
                {
                    "accounts": closed({"max_featured_tags": COUNT}),
                    "statuses": STATUSES_CONFIGURATION,
                    "media_attachments": closed(MEDIA_CONFIGURATION),
                    "polls": POLLS_CONFIGURATION,
                }
            ),
            "contact_account": NULL,
            "rules": NOTHING,
            "translation": closed({"enabled": BOOLEAN}),
        }
    ),
    "InstanceV2": closed(
        {
            "domain": STRING,
            "title": STRING,
            "version": STRING,
            "source_url": STRING,
            "description": STRING,
            "usage": closed({"users": closed({"active_month": COUNT})}),
            "thumbnail": closed({"url": NULL}),
            "icon": NOTHING,
            "languages": array(STRING),
            "configuration": closed(
                {
                    "urls": closed({"streaming": URL, "status": NULL}),
                    "vapid": closed({"public_key": VAPID_KEY}),
                    "accounts": closed(
                        {
                            name: COUNT
                            for name in (
                                "max_display_name_length", "max_note_length", "max_featured_tags",
                                "max_pinned_statuses", "max_profile_fields", "profile_field_name_limit",
                                "profile_field_value_limit",
                            )
                        }
                    ),
                    "statuses": STATUSES_CONFIGURATION,
                    "media_attachments": closed({**MEDIA_CONFIGURATION, "description_limit": COUNT}),
                    "polls": POLLS_CONFIGURATION,
                    "translation": closed({"enabled": BOOLEAN}),
                    "timelines_access": closed(
                        {
                            feeds: closed({"local": TIMELINE_ACCESS, "remote": TIMELINE_ACCESS})
                            for feeds in ("live_feeds", "hashtag_feeds", "trending_link_feeds")
                        }
                    ),
                    "limited_federation": BOOLEAN,
                }
            ),
            "registrations": closed(
                {
                    "enabled": BOOLEAN,
                    "approval_required": BOOLEAN,
                    "reason_required": BOOLEAN,
                    "message": nullable(STRING),
                    "min_age": nullable(COUNT),
                    "url": nullable(URL),
                }
            ),
            "contact": closed({"email": STRING, "account": nullable(ref("Account"))}),
            "rules": NOTHING,
        }
    ),
    "ServerMetadata": closed(
        {
            "issuer": URL,
            "service_documentation": URL,
            "authorization_endpoint": URL,
            "token_endpoint": URL,
            "revocation_endpoint": URL,
            "app_registration_endpoint": URL,
            "scopes_supported": array(enum(SCOPES)),
            "response_types_supported": array(STRING),
            "response_modes_supported": array(STRING),
            "grant_types_supported": array(enum(sorted(GRANT_TYPES))),
            "code_challenge_methods_supported": array(STRING),
            "token_endpoint_auth_methods_supported": array(STRING),
        }
    ),
    "Empty": EMPTY,
    # moderation
    "Report": closed(
        {
            "id": ID,
            "action_taken": BOOLEAN,
            "action_taken_at": nullable(DATETIME),
            "category": enum(Category.values),
            "comment": STRING,
            "forwarded": BOOLEAN,
            "created_at": DATETIME,
            "status_ids": nullable(array(ID)),
            "rule_ids": nullable(array(STRING)),
            "target_account": ref("Account"),
        }
    ),
    "AccountWarning": closed(
        {
            "id": ID,
            "action": enum(ActionType.values),
            "text": STRING,
            "status_ids": array(ID),
            "target_account": nullable(ref("Account")),
            "appeal": NULL,
            "created_at": DATETIME,
        }
    ),
    "AdminAccount": closed(
        {
            "id": ID,
            "username": STRING,
            "domain": NULL,
            "created_at": DATETIME,
            "email": STRING,
            "ip": NULL,
            "ips": NOTHING,
            "locale": nullable(STRING),
            "invite_request": NULL,
            "role": closed(
                {"id": STRING, "name": STRING, "permissions": STRING, "color": STRING, "highlighted": BOOLEAN}
            ),
            "confirmed": BOOLEAN,
            "approved": BOOLEAN,
            "disabled": {"const": False, "description": "Chirvir stops log-ins only by suspending."},
            "silenced": BOOLEAN,
            "suspended": BOOLEAN,
            "sensitized": BOOLEAN,
            "account": ref("Account"),
            "created_by_application_id": NULL,
            "invited_by_account_id": NULL,
        }
    ),
    "AdminReport": closed(
        {
            "id": ID,
            "action_taken": BOOLEAN,
            "action_taken_at": nullable(DATETIME),
            "category": enum(Category.values),
            "comment": STRING,
            "forwarded": BOOLEAN,
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "account": {**nullable(ref("AdminAccount")), "description": "The reporter; null for the spam signals."},
            "target_account": ref("AdminAccount"),
            "assigned_account": nullable(ref("AdminAccount")),
            "action_taken_by_account": nullable(ref("AdminAccount")),
            "statuses": array(ref("Status")),
            "rules": NOTHING,
        }
    ),
    # the moderators' blocks in the admin API (issue 11, item 6)
    "AdminEmailDomainBlock": closed(
        {
            "id": ID,
            "domain": STRING,
            "created_at": DATETIME,
            "history": {**NOTHING, "description": "Chirvir keeps no count of refused sign-ups."},
        }
    ),
    "AdminIpBlock": closed(
        {
            "id": ID,
            "ip": {**STRING, "description": "A network in CIDR notation (an address is its /32 or /128)."},
            "severity": enum(IpSeverity.values),
            "comment": STRING,
            "created_at": DATETIME,
            "expires_at": nullable(DATETIME),
        }
    ),
    "AdminCanonicalEmailBlock": closed(
        {"id": ID, "canonical_email_hash": {**STRING, "pattern": "^[0-9a-f]{64}$"}}
    ),
    # the trends under review: `trendable` is false for a hidden one; nothing waits for review
    "AdminTrendTag": closed(
        {
            "id": ID,
            "name": STRING,
            "url": URL,
            "history": array(ref("History")),
            "trendable": BOOLEAN,
            "usable": BOOLEAN,
            "requires_review": BOOLEAN,
            "listable": BOOLEAN,
        }
    ),
    # the dashboard's numbers; values are strings, as Mastodon sends them
    "AdminMeasure": closed(
        {
            "key": enum(measures.MEASURES),
            "unit": NULL,
            "total": DIGITS,
            "human_value": NULL,
            "previous_total": {**DIGITS, "description": "The total of a period as long, just before."},
            "data": array(closed({"date": DATETIME, "value": DIGITS})),
        }
    ),
    "AdminDimension": closed(
        {
            "key": enum(measures.DIMENSIONS),
            "data": array(closed({"key": STRING, "human_key": STRING, "value": DIGITS})),
        }
    ),
    "AdminCohort": closed(
        {
            "period": DATETIME,
            "frequency": enum(["day", "month"]),
            "data": array(closed({"date": DATETIME, "rate": {"type": "number", "minimum": 0}, "value": DIGITS})),
        }
    ),
    "AdminTrendLink": closed(
        {
            "id": {**ID, "description": "The first 60 bits of the URL's SHA-256: Chirvir keeps no preview cards."},
            **PREVIEW_CARD,
            "requires_review": BOOLEAN,
            "trendable": BOOLEAN,
        }
    ),
    # followed and featured hashtags, suggestions (issue 10, items 4 and 5)
    "FollowedTag": closed(
        {
            "name": STRING,
            "url": URL,
            "history": array(ref("History")),
            "following": {**BOOLEAN, "description": "Whether the caller follows it; only with a user's token."},
        },
        optional=("following",),
    ),
    "FeaturedTag": closed(
        {
            "id": ID,
            "name": STRING,
            "url": URL,
            "statuses_count": {**STRING, "pattern": "^[0-9]+$", "description": "A number, as Mastodon sends it."},
            "last_status_at": nullable(DATE),
        }
    ),
    "Suggestion": closed(
        {
            "source": enum(["past_interactions", "global"]),
            "sources": array(enum(["friends_of_friends", "most_followed"])),
            "account": ref("Account"),
        }
    ),
    # push notifications (Web Push)
    "WebPushSubscription": closed(
        {
            "id": ID,
            "endpoint": URL,
            "standard": {**BOOLEAN, "description": "RFC 8291 aes128gcm; false: Mastodon's older aesgcm."},
            "alerts": closed({name: BOOLEAN for name in PUSH_ALERTS}),
            "policy": enum(PushPolicy.values),
            "server_key": VAPID_KEY,
        }
    ),
}

# filters
FILTER_FIELDS = {
    "id": ID,
    "title": {**STRING, "minLength": 1, "maxLength": filters_rules.MAX_TITLE},
    "context": {**array(enum(FilterContext.values)), "minItems": 1},
    "expires_at": {**nullable(DATETIME), "description": "When it stops; null: never."},
    "filter_action": enum(FilterAction.values),
}
SCHEMAS.update(
    {
        "FilterKeyword": closed(
            {
                "id": ID,
                "keyword": {**STRING, "minLength": 1, "maxLength": filters_rules.MAX_KEYWORD},
                "whole_word": BOOLEAN,
            }
        ),
        "FilterStatus": closed({"id": ID, "status_id": ID}),
        "Filter": closed(
            {**FILTER_FIELDS, "keywords": array(ref("FilterKeyword")), "statuses": array(ref("FilterStatus"))}
        ),
        "FilterResult": closed(
            {
                "filter": {**closed(FILTER_FIELDS), "description": "The filter, without its keywords and posts."},
                "keyword_matches": {**nullable(array(STRING)), "description": "Its keywords the status holds."},
                "status_matches": {**nullable(array(ID)), "description": "The status, if the filter names it."},
            }
        ),
        "FilterV1": closed(
            {
                "id": {**ID, "description": "The keyword's ID: a v1 filter is one keyword of a filter."},
                "phrase": STRING,
                "context": FILTER_FIELDS["context"],
                "whole_word": BOOLEAN,
                "expires_at": nullable(DATETIME),
                "irreversible": {**BOOLEAN, "description": "Whether the filter hides (the `hide` action)."},
            }
        ),
    }
)

# Mastodon's errors, each {"error": message}; see `errors` below for which operation gives which.
ERRORS = {
    400: "A parameter is missing or malformed, or the body cannot be read.",
    401: "The access token is missing where one is needed, invalid or revoked.",
    403: "The token lacks the scope, or the action is not allowed.",
    404: "No such record, or one the caller may not see.",
    405: "The path does not take this method (every path answers so for the methods it lacks).",
    413: "The request body is too large.",
    422: "Validation failed, or a user endpoint was called with an app token.",
    429: "Too many requests: the caller is over a rate limit until `X-RateLimit-Reset`.",
}
OAUTH_ERRORS = {
    400: "invalid_request, invalid_grant, invalid_scope or unsupported_grant_type.",
    401: "invalid_client: unknown client or wrong secret.",
    403: "unauthorized_client: the token belongs to another app.",
}
LINK = {
    "Link": {
        "description": 'Paging, unless the page is empty: `<…max_id=…>; rel="next", <…min_id=…>; rel="prev"`.',
        "schema": STRING,
    }
}


# Sent on every answer of the API and /oauth/token while rate limiting is on: all three, or none.
RATE_LIMIT = {
    "X-RateLimit-Limit": {"description": "Requests allowed in the window.", "schema": DIGITS},
    "X-RateLimit-Remaining": {"description": "Requests left in it.", "schema": DIGITS},
    "X-RateLimit-Reset": {"description": "When the window ends.", "schema": DATETIME},
}


def query(name: str, schema: dict, description: str = "", required: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "schema": schema, "required": required}
    return {**parameter, "description": description} if description else parameter


def paging(default: int) -> list[dict]:
    return [
        query("max_id", ID, "Only results older than this ID."),
        query("since_id", ID, "Only results newer than this ID (the newest of them)."),
        query("min_id", ID, "Only results newer than this ID (the ones just after it)."),
        query("limit", INTEGER, f"How many: {default} by default, at most {2 * default}; its absolute value is used."),
    ]


def trend_params(default: int) -> list[dict]:
    return [
        query("limit", INTEGER, f"How many: {default} by default, at most {2 * default}; its absolute value is used."),
        query("offset", INTEGER, "How many to skip."),
        query("language", STRING, "Only this language's trends (an ISO 639 code)."),
    ]


PUBLIC_FILTERS = [
    query("local", BOOLEAN, "Only local posts (all posts are local)."),
    query("remote", BOOLEAN, "Only remote posts (there are none)."),
    query("only_media", BOOLEAN, "Only posts with media."),
]


def body(properties: dict, required: tuple[str, ...] = (), files: tuple[str, ...] = ()) -> dict:
    """A request body as the API reads one: the same fields as JSON, as a form (arrays and nested
    fields spelled the Rails way, `a[]` and `a[b]`) or as multipart, which alone carries files."""
    must = {"required": list(required)} if required else {}
    schema = {"type": "object", "properties": properties, **must}
    form = {"type": "object", "properties": dict(_form_fields(properties)), **must}
    multipart = {
        **form,
        "properties": {**form["properties"], **{name: {"type": "string", "format": "binary"} for name in files}},
    }
    return {
        "content": {
            "application/json": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": form},
            "multipart/form-data": {"schema": multipart},
        }
    }


def _form_fields(properties: dict, prefix: str = ""):
    for name, schema in properties.items():
        key = f"{prefix}[{name}]" if prefix else name
        if schema.get("type") == "array":
            yield f"{key}[]", schema
        elif schema.get("type") == "object":
            yield from _form_fields(schema["properties"], key)
        else:
            yield key, schema


def op(
    summary: str, ok=None, *, params=(), request=None, errors=(), paged=False, responses=None, token_required=False
):
    """One operation: `ok` is the schema of its 200 JSON answer, or `responses` its answers in
    full (pages that are not JSON); `errors` are the statuses its own rules add to those that
    come with the `api` decorator (bad parameters, tokens, scopes, unknown IDs); `token_required`
    marks a method whose view asks for a token that its `api(...)` leaves optional."""
    if responses is None:
        answer = {"description": summary, "content": {"application/json": {"schema": ok}}}
        responses = {"200": {**answer, "headers": LINK} if paged else answer}
    return {
        "summary": summary,
        "params": list(params),
        "request": request,
        "errors": set(errors),
        "responses": responses,
        "token_required": token_required,
    }


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


MEDIA_IDS = {**array(ID), "maxItems": media_rules.MAX_ATTACHMENTS}
MEDIA_FIELDS = {
    "description": {**STRING, "maxLength": media_rules.MAX_DESCRIPTION, "description": "Alt text."},
    "focus": {**STRING, "description": "The focal point, `x,y` from -1.0 to 1.0 each."},
}
MEDIA_UPLOAD = body(MEDIA_FIELDS, files=("file", "thumbnail"))
REVIEW = trend_params(10)[:2]
PERIOD = {"start_at": STRING, "end_at": STRING}
IP_BLOCK = {
    "ip": {**STRING, "description": "An address, or a network in CIDR notation."},
    "severity": enum(IpSeverity.values),
    "comment": STRING,
    "expires_in": {**INTEGER, "description": "Seconds until the block ends; none: it never does."},
}
NOTE = body({"text": {**STRING, "maxLength": moderation.MAX_NOTE, "description": "The moderator's note."}})


def answer(content_type: str, description: str) -> dict:
    """An answer that is not JSON (a page, a plain `OK`)."""
    return {"description": description, "content": {content_type: {"schema": STRING}}}


LIST_SETTINGS = {
    "title": {**STRING, "maxLength": lists_rules.MAX_TITLE},
    "replies_policy": {
        **enum(RepliesPolicy.values),
        "description": "Replies to others shown: to any followed account, to members, or none (`list` by default).",
    },
    "exclusive": {**BOOLEAN, "description": "Leave the members' posts out of the home timeline."},
    "public": {**BOOLEAN, "description": "Beyond Mastodon: show it on the profile and let others subscribe."},
}
MEMBERS = {"account_ids": {**array(ID), "description": "Accounts (the caller must follow each to add it)."}}
HEALTH = op("Whether the server is up", responses={"200": answer("text/plain", "`OK`")})
EMPTY_LIST = op("An empty list: Chirvir lacks the feature, and apps want a list, not an error.", NOTHING)


def _policy(names, value: dict) -> dict:
    """Mastodon's notification policy: each setting `value`, and how many requests wait."""
    summary = closed({"pending_requests_count": COUNT, "pending_notifications_count": COUNT})
    answer_ = closed({**{name: value for name in names}, "summary": summary})
    change = op(
        "Set the policy: what is not sent stays", answer_, request=body({name: value for name in names}), errors=(422,)
    )
    read = op("What is done with the notifications of strangers", answer_)
    return {"GET": read, "PUT": change, "PATCH": change}


def _grouped_notification_operations() -> dict:
    """Notification requests and grouped notifications (v2)."""
    types = [
        query("types[]", array(enum(NotificationType.values)), "Only these types."),
        query("exclude_types[]", array(enum(NotificationType.values)), "Not these types."),
    ]
    grouped = query("grouped_types[]", array(enum(notification_rules.GROUPED_TYPES)), "Group only these types.")
    expand = query("expand_accounts", enum(["full", "partial_avatars"]), "Accounts in full, or the latest only.")
    groups = ref("GroupedNotificationsResults")
    ids = body({"id": array(ID)})
    return {
        notifications.requests: op(
            "The strangers whose notifications the policy holds back, newest first",
            array(ref("NotificationRequest")), params=paging(40), paged=True,
        ),
        notifications.request_detail: op("One notification request", ref("NotificationRequest")),
        notifications.request_accept: op("Let the request's notifications (and later ones) in", ref("Empty")),
        notifications.request_dismiss: op("Throw the request and its notifications away", ref("Empty")),
        notifications.requests_accept: op("Accept several requests", ref("Empty"), request=ids),
        notifications.requests_dismiss: op("Dismiss several requests", ref("Empty"), request=ids),
        notifications.requests_merged: op(
            "Whether accepted requests are merged: at once, always", closed({"merged": {"const": True}})
        ),
        notifications.index_v2: op(
            "The caller's notifications in groups (likes and reposts of one post, follows), newest first",
            groups,
            params=[
                *paging(40),
                *types,
                grouped,
                expand,
                query("account_id", ID, "Only those caused by this account."),
                query("include_filtered", BOOLEAN, "With those the policy holds back."),
            ],
            paged=True,
        ),
        notifications.group: op("One group of notifications", groups, params=[expand], errors=(404,)),
        notifications.group_dismiss: op("Dismiss a group of notifications", ref("Empty"), errors=(404,)),
        notifications.group_accounts: op("Everyone in a group, the latest first", array(ref("Account"))),
        notifications.unread_count_v2: op(
            "How many groups of notifications came after the notifications read marker",
            closed({"count": COUNT}),
            params=[query("limit", INTEGER, "Count up to this many: 100 by default, at most 1000."), *types, grouped],
        ),
    }


def _filter_operations() -> dict:
    """The filters resource: v2 and v1."""
    context = {**FILTER_FIELDS["context"], "description": "Where it applies."}
    expires_in = {**nullable(INTEGER), "description": "Seconds from now it lasts; empty: for ever."}
    keyword = {"keyword": SCHEMAS["FilterKeyword"]["properties"]["keyword"], "whole_word": BOOLEAN}
    settings_ = {
        "title": FILTER_FIELDS["title"],
        "context": context,
        "filter_action": {**FILTER_FIELDS["filter_action"], "description": "warn (the default), blur or hide."},
        "expires_in": expires_in,
    }
    attributes = array(closed({"id": ID, **keyword, "_destroy": BOOLEAN}, optional=("id", "whole_word", "_destroy")))
    v1 = {
        "phrase": keyword["keyword"],
        "context": context,
        "irreversible": {**BOOLEAN, "description": "Hide, rather than warn."},
        "whole_word": BOOLEAN,
        "expires_in": expires_in,
    }
    filter_ = ref("Filter")
    return {
        filters.index: {
            "GET": op("The caller's filters", array(filter_)),
            "POST": op(
                "Make a filter, with its first keywords",
                filter_,
                request=body({**settings_, "keywords_attributes": attributes}, required=("title", "context")),
                errors=(422,),
            ),
        },
        filters.detail: {
            "GET": op("One of the caller's filters", filter_),
            "PUT": op(
                "Change a filter (what is not sent stays) and add, change or remove (`_destroy`) keywords",
                filter_,
                request=body({**settings_, "keywords_attributes": attributes}),
                errors=(422,),
            ),
            "DELETE": op("Delete a filter", ref("Empty")),
        },
        filters.keywords: {
            "GET": op("A filter's keywords", array(ref("FilterKeyword"))),
            "POST": op(
                "Add a keyword to a filter", ref("FilterKeyword"), request=body(keyword, required=("keyword",)),
                errors=(422,),
            ),
        },
        filters.keyword: {
            "GET": op("A keyword of one of the caller's filters", ref("FilterKeyword")),
            "PUT": op("Change a keyword", ref("FilterKeyword"), request=body(keyword), errors=(422,)),
            "DELETE": op("Remove a keyword", ref("Empty")),
        },
        filters.statuses: {
            "GET": op("The posts a filter names", array(ref("FilterStatus"))),
            "POST": op(
                "Filter one post the caller may see",
                ref("FilterStatus"),
                request=body({"status_id": ID}, ("status_id",)),
            ),
        },
        filters.status: {
            "GET": op("A post one of the caller's filters names", ref("FilterStatus")),
            "DELETE": op("Stop filtering the post", ref("Empty")),
        },
        filters.index_v1: {
            "GET": op("The caller's filters as v1 knows them: one per keyword", array(ref("FilterV1"))),
            "POST": op(
                "Make a filter of one keyword, titled by it", ref("FilterV1"),
                request=body(v1, required=("phrase", "context")), errors=(422,),
            ),
        },
        filters.detail_v1: {
            "GET": op("One v1 filter (a keyword)", ref("FilterV1")),
            "PUT": op(
                "Change a v1 filter: its keyword and its filter", ref("FilterV1"), request=body(v1), errors=(422,)
            ),
            "DELETE": op("Delete a v1 filter: its keyword, and its filter once empty", ref("Empty")),
        },
    }


PUSH_CHOICES = {
    "data": {
        "type": "object",
        "properties": {"alerts": {"type": "object", "properties": {name: BOOLEAN for name in PUSH_ALERTS}}},
    },
    "policy": {**enum(PushPolicy.values), "description": "From whom: all, followed, follower or none."},
}


def _operations() -> dict:
    """What each view takes and answers, by view."""
    status = ref("Status")
    statuses_page = array(status)
    accounts_page = array(ref("Account"))
    relationship = ref("Relationship")
    return {
        instance.health: {"GET": HEALTH},
        instance.instance_v1: {"GET": op("The server, as Mastodon's V1 Instance", ref("InstanceV1"))},
        instance.instance_v2: {"GET": op("The server, as Mastodon's V2 Instance", ref("InstanceV2"))},
        instance.preferences: op("The account's posting and reading preferences", ref("Preferences")),
        instance.empty_list: EMPTY_LIST,
        **_filter_operations(),
        # the rest of the instance (issue 10, item 10)
        instance.rules: op("The server's rules, as its operator wrote them", array(ref("Rule"))),
        instance.extended_description: op("The operator's longer description of the server", ref("TextPage")),
        instance.privacy_policy: op("The server's privacy policy", ref("TextPage")),
        instance.terms_of_service: op(
            "The terms of service: Mastodon's 404 while none are published, as here",
            responses={"404": _error("No terms of service are published.")},
        ),
        instance.activity: op("The last twelve weeks, this one first", array(ref("Activity"))),
        instance.languages: op("The languages of the interface", array(ref("SupportedLocale"))),
        instance.translation_languages: op("Which languages translate into which: none, with no service", EMPTY),
        instance.peers: op("The servers this one knows: none, as it does not federate", NOTHING),
        instance.domain_blocks: op("The servers this one blocks: none, as it federates with none", NOTHING),
        emails.confirmations: op(
            "Mail the link that confirms the account's e-mail address again (to `email`, which becomes the "
            "account's, when sent)",
            EMPTY,
            request=body({"email": {**STRING, "format": "email"}}),
            errors=(403, 422),
        ),
        emails.check_confirmation: op("Whether the account's e-mail address is confirmed", BOOLEAN),
        accounts.identity_proofs: op("Identity proofs: none, as on Mastodon since it dropped them", NOTHING),
        document: op("This document", {"type": "object", "required": ["openapi", "info", "paths"]}),
        # accounts
        accounts.verify_credentials: op("The caller's own account, with its settings", ref("CredentialAccount")),
        accounts.update_credentials: op(
            "Change the caller's profile",
            ref("CredentialAccount"),
            request=body(
                {
                    "display_name": {**STRING, "maxLength": accounts_rules.MAX_DISPLAY_NAME},
                    "note": {**STRING, "maxLength": accounts_rules.MAX_NOTE, "description": "The bio, as plain text."},
                    "locked": {**BOOLEAN, "description": "Whether follows need approval."},
                    "bot": {**BOOLEAN, "description": "Whether the account is automated."},
                    "discoverable": {**BOOLEAN, "description": "Whether it may be suggested to others."},
                    "hide_collections": {**BOOLEAN, "description": "Only false is taken (422 otherwise)."},
                    "indexable": {**BOOLEAN, "description": "Only true is taken (422 otherwise)."},
                    "source": {
                        "type": "object",
                        "properties": {
                            "privacy": {
                                **enum(accounts_rules.DEFAULT_VISIBILITIES),
                                "description": "A post's default.",
                            },
                            "sensitive": {**BOOLEAN, "description": "A post's default."},
                            "quote_policy": {**enum(QuotePolicy.values), "description": "A post's default."},
                            "language": {
                                **STRING,
                                "pattern": f"^({statuses_rules.LANGUAGE_CODE.pattern})?$",
                                "description": "A post's default language (ISO 639); empty for none.",
                            },
                        },
                    },
                    "fields_attributes": {
                        **array(
                            closed(
                                {
                                    "name": {**STRING, "maxLength": accounts_rules.MAX_FIELD_NAME},
                                    "value": {**STRING, "maxLength": accounts_rules.MAX_FIELD_VALUE},
                                }
                            )
                        ),
                        "maxItems": accounts_rules.MAX_PROFILE_FIELDS,
                        "description": "The profile fields, replacing those there were; a form sends "
                        "`fields_attributes[0][name]`, `fields_attributes[0][value]`...",
                    },
                },
                files=("avatar", "header"),
            ),
            errors=(422,),
        ),
        accounts.lookup: op(
            "An account by its username",
            ref("Account"),
            params=[query("acct", {**STRING, "minLength": 1}, "`user` or `user@domain`.", required=True)],
            errors=(404,),
        ),
        accounts.detail: op("An account", ref("Account")),
        accounts.statuses: op(
            "An account's posts that the caller may see, newest first",
            statuses_page,
            params=[
                *paging(20),
                query("exclude_replies", BOOLEAN, "Leave out replies to other accounts."),
                query("exclude_reblogs", BOOLEAN, "Leave out reposts."),
                query("tagged", STRING, "Only posts with this hashtag."),
                query("pinned", BOOLEAN, "Only the posts the account pinned."),
                query("only_media", BOOLEAN, "Only posts with media."),
            ],
            paged=True,
        ),
        accounts.followers: op("Who follows the account", accounts_page, params=paging(40), paged=True),
        accounts.following: op("Whom the account follows", accounts_page, params=paging(40), paged=True),
        accounts.follow: op(
            "Follow the account, or ask to when it is locked",
            relationship,
            request=body(
                {
                    "reblogs": {**BOOLEAN, "description": "Show its reposts on the home timeline (default true)."},
                    "notify": {**BOOLEAN, "description": "Be notified of its posts (default false)."},
                }
            ),
            errors=(403, 422),
        ),
        accounts.unfollow: op("Stop following the account, or withdraw the request", relationship),
        accounts.block: op("Block the account", relationship, errors=(422,)),
        accounts.unblock: op("Unblock the account", relationship),
        accounts.mute: op(
            "Mute the account",
            relationship,
            request=body(
                {
                    "notifications": {**BOOLEAN, "description": "Mute its notifications too (default true)."},
                    "duration": {**COUNT, "description": "For so many seconds; 0 (the default) until unmuted."},
                }
            ),
            errors=(422,),
        ),
        accounts.unmute: op("Unmute the account", relationship),
        accounts.relationships: op(
            "How the caller and each account relate, in the order asked",
            array(relationship),
            params=[query("id[]", array(ID), "The accounts (a bare `id` also works).")],
        ),
        accounts.search: op(
            "Accounts with words of the username or display name that start with those of the query; the "
            "account it names exactly first. The same as `/api/v2/search` with `type=accounts`.",
            accounts_page,
            params=[
                query("q", STRING, "What to look for: words, or an address (`@user`, `user@this-domain`)."),
                query("limit", INTEGER, "How many: 40 by default, at most 80."),
                query("offset", INTEGER, "How many to skip."),
                query("following", BOOLEAN, "Only accounts the caller follows."),
                query("resolve", BOOLEAN, "Accepted; nothing is fetched from other servers."),
            ],
        ),
        accounts.familiar_followers: op(
            "For each account, those the caller follows who follow it (none where its followers are hidden)",
            array(closed({"id": ID, "accounts": accounts_page})),
            params=[query("id[]", array(ID), "The accounts (a bare `id` also works).")],
        ),
        accounts.blocks: op("The accounts the caller blocks", accounts_page, params=paging(40), paged=True),
        accounts.mutes: op(
            "The accounts the caller mutes, while the mutes last",
            array(ref("MutedAccount")),
            params=paging(40),
            paged=True,
        ),
        # follow requests
        follow_requests.index: op(
            "The accounts asking to follow the caller", accounts_page, params=paging(40), paged=True
        ),
        follow_requests.authorize: op("Let the account follow the caller", relationship, errors=(422,)),
        follow_requests.reject: op("Turn down the account's request to follow", relationship),
        # statuses
        statuses.create: op(
            "Post a status, or with `scheduled_at` schedule it (answering its ScheduledStatus)",
            {"anyOf": [status, ref("ScheduledStatus")]},
            params=[
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": STRING,
                    "description": "The same key from the same account within an hour returns the first post.",
                }
            ],
            request=body(
                {
                    "status": {
                        **STRING,
                        "description": "The text, within the instance's `max_characters` as twitter-text counts "
                        "them; may be empty with media.",
                    },
                    "poll": {**POLL_REQUEST, "description": "A poll (never with media)."},
                    "scheduled_at": {
                        **DATETIME,
                        "description": "Publish it then, at least five minutes ahead (422 otherwise).",
                    },
                    "media_ids": {**MEDIA_IDS, "description": "The caller's own uploads that no post has taken."},
                    "in_reply_to_id": ID,
                    "sensitive": BOOLEAN,
                    "spoiler_text": {**STRING, "maxLength": statuses_rules.MAX_SPOILER},
                    "visibility": enum(Visibility.values),
                    "language": {**STRING, "pattern": f"^{statuses_rules.LANGUAGE_CODE.pattern}$"},
                    # quote posts
                    "quoted_status_id": {
                        **ID,
                        "description": "Quote this post: one the caller may see, public or unlisted (422 "
                        "otherwise, unless it is the caller's own), whose policy lets the caller quote it (403).",
                    },
                    "quote_approval_policy": {
                        **enum(QuotePolicy.values),
                        "description": "Who may quote this post; the account's `source.quote_policy` when not sent. "
                        "Nobody but its author may quote a followers-only post or a direct message.",
                    },
                    "allowed_mentions": {
                        **array(ID),
                        "description": "The only accounts the post may mention: one outside them refuses it (422, "
                        "with `unexpected_accounts`).",
                    },
                }
            ),
            errors=(403, 404, 422),
        ),
        statuses.detail: {
            "GET": op("A status", status),
            "PUT": op(
                "Edit one's own status: its visibility, and whom a direct message reaches, stay",
                status,
                request=body(
                    {
                        "status": {
                            **STRING,
                            "description": "The new text, by the same rules as a post's.",
                        },
                        "poll": {
                            **POLL_REQUEST,
                            "description": "The post's poll: not sent removes it; new options drop its votes.",
                        },
                        "media_ids": {**MEDIA_IDS, "description": "Replaces the media; kept when not sent."},
                        "sensitive": {
                            **BOOLEAN,
                            "description": "Kept as it was when neither this nor `spoiler_text` is sent.",
                        },
                        "spoiler_text": {
                            **STRING,
                            "maxLength": statuses_rules.MAX_SPOILER,
                            "description": "Kept as it was when not sent.",
                        },
                        "language": {
                            **STRING,
                            "pattern": f"^{statuses_rules.LANGUAGE_CODE.pattern}$",
                            "description": "Kept as it was when not sent.",
                        },
                        "quote_approval_policy": {
                            **enum(QuotePolicy.values),
                            "description": "Who may quote it; kept as it was when not sent.",
                        },
                    }
                ),
                errors=(403, 422),
                token_required=True,
            ),
            "DELETE": op("Delete one's own status", ref("DeletedStatus"), errors=(403,), token_required=True),
        },
        statuses.history: op(
            "Every version of a status, oldest first, the current one last", array(ref("StatusEdit"))
        ),
        statuses.source: op("A status as its author wrote it, to edit it", ref("StatusSource")),
        statuses.context: op("The thread around a status", ref("Context")),
        statuses.reblog: op("Repost a status: answers the repost", status, errors=(403,)),
        statuses.unreblog: op("Undo a repost: answers the original", status),
        statuses.favourite: op("Like a status", status),
        statuses.unfavourite: op("Undo a like", status),
        statuses.bookmark: op("Bookmark a status", status),
        statuses.unbookmark: op("Remove a bookmark", status),
        statuses.pin: op(
            f"Pin one's own status to one's profile (at most {statuses_rules.MAX_PINS}; not a repost or a "
            "direct message)",
            status,
        ),
        statuses.unpin: op("Unpin a status", status),
        statuses.mute: op("Mute the status's thread: no more notifications from it", status),
        statuses.unmute: op("Unmute the status's thread", status),
        statuses.favourited_by: op("Who liked a status", accounts_page, params=paging(40), paged=True),
        statuses.reblogged_by: op("Who reposted a status", accounts_page, params=paging(40), paged=True),
        # polls and scheduled posts
        polls.detail: op("The poll of a post the caller may see", ref("Poll")),
        polls.votes: op(
            "Vote on a poll of a post the caller may see, not their own, once, while it runs",
            ref("Poll"),
            request=body({"choices": {**array(INTEGER), "description": "The options chosen, by index."}},
                         required=("choices",)),
            errors=(422,),
        ),
        scheduled_statuses.index: op(
            "The caller's posts waiting to be published", array(ref("ScheduledStatus")), params=paging(20), paged=True
        ),
        scheduled_statuses.detail: {
            "GET": op("One of the caller's scheduled posts", ref("ScheduledStatus")),
            "PUT": op(
                "Move a scheduled post to another time, at least five minutes ahead",
                ref("ScheduledStatus"),
                request=body({"scheduled_at": DATETIME}, required=("scheduled_at",)),
                errors=(422,),
            ),
            "DELETE": op("Cancel a scheduled post", EMPTY),
        },
        # quote posts
        statuses.quotes_of: op(
            "The posts that quote one's own post, newest first (for its author only)",
            statuses_page, params=paging(20), paged=True, errors=(403,),
        ),
        statuses.interaction_policy: op(
            "Change who may quote one's own post (the quotes made before stay)",
            status,
            request=body({"quote_approval_policy": enum(QuotePolicy.values)}),
            errors=(403, 422),
        ),
        statuses.translate: op(
            "Translate a post: with no translation service, Mastodon's 404 for every post",
            responses={"404": _error("No translation service (or no such post).")},
        ),
        statuses.revoke_quote: op(
            "Take one's post out of a quote of it: answers the quoting post, its quote `revoked`", status,
            errors=(403,),
        ),
        # search
        search.search: op(
            "Accounts, posts and hashtags that match the query, as far as the caller may see them. Posts hold "
            "every word of it (in any script; within Chinese or Japanese text, as written), newest first; "
            "accounts and hashtags start with it. Chirvir does not federate: `resolve` finds only local things "
            "(a post by its `url` or `uri` among them), and `exclude_unreviewed` changes nothing.",
            ref("Search"),
            params=[
                query("q", {**STRING, "minLength": 1}, "What to look for.", required=True),
                query("type", enum(["accounts", "hashtags", "statuses"]), "Only this kind of result."),
                query("resolve", BOOLEAN, "Accepted (needs a user token); nothing is fetched from elsewhere."),
                query("following", BOOLEAN, "Only accounts the caller follows."),
                query("account_id", ID, "Only posts by this account."),
                query("exclude_unreviewed", BOOLEAN, "Accepted; no hashtag waits for review."),
                query("max_id", ID, "Only posts older than this ID."),
                query("min_id", ID, "Only posts newer than this ID (the ones just after it)."),
                query("limit", INTEGER, "How many of each kind: 20 by default, at most 40."),
                query("offset", INTEGER, "How many of each to skip; only with `type`, and only with a user token."),
            ],
            errors=(401,),
        ),
        # trends
        trends.tags: op(
            "Hashtags whose use in the last hours stands out against their own past (counted by distinct accounts, "
            "from public posts), best first, with 7 days of history. In `language` if given, else the caller's "
            "posting language, else every language together.",
            array(ref("Tag")),
            params=trend_params(10),
        ),
        trends.statuses: op(
            "Public posts that drew the most distinct accounts' reposts and likes in the last day",
            statuses_page,
            params=trend_params(20),
        ),
        trends.links: op(
            "Links shared by more accounts in the last hours than before, as cards that know only the URL",
            array(ref("PreviewCard")),
            params=trend_params(10),
        ),
        # media
        media.create_v1: op(
            "Upload a picture, video or sound (recognised by its bytes) and answer once it is written again",
            ref("MediaAttachment"),
            request=MEDIA_UPLOAD,
            errors=(422,),
        ),
        media.create_v2: op(
            "Upload a picture, video or sound; a video or sound is written again afterwards",
            ref("MediaAttachment"),
            request=MEDIA_UPLOAD,
            errors=(422,),
            responses={
                "200": {"description": "Written again already", **_json(ref("MediaAttachment"))},
                "202": {
                    "description": "Being processed: `url` is null until GET /api/v1/media/{id} answers 200",
                    **_json(ref("MediaAttachment")),
                },
            },
        ),
        media.detail: {
            "GET": op(
                "One of the caller's uploads: 206 while it is processed, 422 if it could not be",
                ref("MediaAttachment"),
                errors=(422,),
                responses={
                    "200": {"description": "Processed", **_json(ref("MediaAttachment"))},
                    "206": {"description": "Still being processed", **_json(ref("MediaAttachment"))},
                },
            ),
            "PUT": op(
                "Change the description or focus of an upload no post has taken",
                ref("MediaAttachment"),
                request=body(MEDIA_FIELDS),
                errors=(422,),
            ),
        },
        # timelines
        timelines.home: op("The home timeline", statuses_page, params=paging(20), paged=True),
        timelines.public: op("The public timeline", statuses_page, params=[*PUBLIC_FILTERS, *paging(20)], paged=True),
        timelines.tag: op(
            "Public posts with a hashtag",
            statuses_page,
            params=[
                query("any[]", array(STRING), "Or any of these hashtags (the first 4)."),
                query("all[]", array(STRING), "And all of these (the first 4)."),
                query("none[]", array(STRING), "And none of these (the first 4)."),
                *PUBLIC_FILTERS,
                *paging(20),
            ],
            paged=True,
        ),
        timelines.list_: op(
            "A list's timeline: the owner's list, or (beyond Mastodon) anyone's public list, each post as the "
            "caller's own audience allows",
            statuses_page,
            params=paging(20),
            paged=True,
        ),
        # lists
        lists.index: {
            "GET": op("The caller's lists", array(ref("List"))),
            "POST": op(
                f"Make a list (at most {lists_rules.MAX_LISTS})",
                ref("List"),
                request=body(LIST_SETTINGS, required=("title",)),
                errors=(422,),
            ),
        },
        lists.detail: {
            "GET": op("One of the caller's lists, or (beyond Mastodon) anyone's public list", ref("List")),
            "PUT": op(
                "Change one of the caller's lists: what is not sent stays",
                ref("List"),
                request=body(LIST_SETTINGS),
                errors=(422,),
                token_required=True,
            ),
            "DELETE": op("Delete one of the caller's lists", ref("Empty"), token_required=True),
        },
        lists.accounts: {
            "GET": op(
                "The accounts on a list (the caller's, or a public one), newest first",
                accounts_page,
                params=paging(40)[:-1] + [query("limit", INTEGER, "How many: 40 by default, at most 80; 0 is all.")],
                paged=True,
            ),
            "POST": op(
                "Put accounts the caller follows on one of the caller's lists",
                ref("Empty"),
                request=body(MEMBERS, required=("account_ids",)),
                errors=(422,),
                token_required=True,
            ),
            "DELETE": op(
                "Take accounts off one of the caller's lists", ref("Empty"), request=body(MEMBERS), token_required=True
            ),
        },
        lists.subscribe: {
            "POST": op(
                "Beyond Mastodon: subscribe to another account's public list", ref("List"), errors=(422,)
            ),
            "DELETE": op("Beyond Mastodon: end a subscription to a list", ref("Empty")),
        },
        lists.subscribed: op("Beyond Mastodon: the public lists the caller subscribes to", array(ref("List"))),
        accounts.lists_holding: op("The caller's lists that hold the account", array(ref("List"))),
        accounts.public_lists: op("Beyond Mastodon: the public lists the account shows", array(ref("List"))),
        # conversations, notifications, markers, bookmarks, favourites
        conversations.index: op(
            "Direct-message conversations, most recent first", array(ref("Conversation")), params=paging(20), paged=True
        ),
        conversations.detail: op("Take a conversation off the list", ref("Empty")),
        conversations.read: op("Mark a conversation read", ref("Conversation")),
        conversations.unread: op("Mark a conversation unread again", ref("Conversation")),
        notifications.index: op(
            "The caller's notifications, newest first",
            array(ref("Notification")),
            params=[
                *paging(40),
                query("types[]", array(enum(NotificationType.values)), "Only these types."),
                query("exclude_types[]", array(enum(NotificationType.values)), "Not these types."),
                query("account_id", ID, "Only those caused by this account."),
                query("include_filtered", BOOLEAN, "With those the policy holds back."),
            ],
            paged=True,
        ),
        notifications.unread_count: op(
            "How many notifications came after the notifications read marker",
            closed({"count": COUNT}),
            params=[
                query("limit", INTEGER, "Count up to this many: 100 by default, at most 1000."),
                query("types[]", array(enum(NotificationType.values)), "Only these types."),
                query("exclude_types[]", array(enum(NotificationType.values)), "Not these types."),
            ],
        ),
        notifications.policy_v1: _policy(notifications.POLICY_V1, BOOLEAN),
        notifications.policy_v2: _policy(notification_rules.POLICY_FIELDS, enum(PolicyChoice.values)),
        **_grouped_notification_operations(),
        notifications.detail: op("A notification", ref("Notification")),
        notifications.dismiss: op("Dismiss a notification", ref("Empty")),
        notifications.clear: op("Dismiss every notification", ref("Empty")),
        notifications.markers: {
            "GET": op(
                "Where the caller stopped reading; timelines never marked are left out",
                ref("Markers"),
                params=[query("timeline[]", array(enum(Marker.Timeline.values)), "The timelines wanted.")],
            ),
            "POST": op(
                "Remember where the caller stopped reading",
                ref("Markers"),
                request=body({name: closed({"last_read_id": ID}) for name in Marker.Timeline.values}),
            ),
        },
        bookmarks.bookmarks: op("The caller's bookmarks, newest first", statuses_page, params=paging(20), paged=True),
        bookmarks.favourites: op("What the caller liked, newest first", statuses_page, params=paging(20), paged=True),
        # moderation: reports, and the admin API (staff accounts only: 403 for anyone else)
        reports.create: op(
            "Report an account, and some of its posts the caller may see, to the moderators",
            ref("Report"),
            request=body(
                {
                    "account_id": ID,
                    "status_ids": array(ID),
                    "category": enum(Category.values),
                    "comment": {**STRING, "maxLength": moderation.MAX_COMMENT},
                    "rule_ids": array(STRING),
                    "forward": BOOLEAN,
                },
                required=("account_id",),
            ),
            errors=(404,),
        ),
        admin.accounts_v1: op(
            "Accounts, for moderators, newest first",
            array(ref("AdminAccount")),
            params=[
                *paging(100),
                *(query(name, BOOLEAN) for name in ("local", "remote", "active", "pending", "disabled",
                                                      "silenced", "suspended", "sensitized", "staff")),
                query("username", STRING, "Whose username holds this."),
                query("email", STRING, "Whose e-mail address holds this."),
            ],
            paged=True,
        ),
        admin.accounts_v2: op(
            "Accounts, for moderators, newest first (Mastodon's v2 filters)",
            array(ref("AdminAccount")),
            params=[
                *paging(100),
                query("status", enum(admin.STATUS_FILTERS), "Only accounts in this state."),
                query("origin", enum(["local", "remote"])),
                query("permissions", enum(["staff"])),
                query("username", STRING),
                query("email", STRING),
            ],
            paged=True,
            errors=(422,),
        ),
        admin.account_detail: op("An account, for moderators", ref("AdminAccount")),
        admin.action: op(
            "Act on an account (none: a warning; sensitive; silence; suspend), with a note, resolving a report",
            EMPTY,
            request=body(
                {
                    "type": enum(["none", "sensitive", "disable", "silence", "suspend"]),
                    "report_id": ID,
                    "text": {**STRING, "maxLength": moderation.MAX_NOTE},
                }
            ),
            errors=(422,),
        ),
        **{
            getattr(admin, name): op(summary, ref("AdminAccount"), request=NOTE, errors=(422,))
            for name, summary in [
                ("approve", "Approve a waiting sign-up"),
                ("reject", "Reject a waiting sign-up (the account is deleted; the answer is it as it was)"),
                ("enable", "Enable log-in: nothing to do, as Chirvir stops log-ins only by suspending"),
                ("unsilence", "Lift a limit"),
                ("unsuspend", "Lift a suspension"),
                ("unsensitize", "Stop marking the account's media sensitive"),
            ]
        },
        admin.reports: op(
            "Reports, for moderators, newest first: the open ones, or the resolved ones",
            array(ref("AdminReport")),
            params=[
                *paging(100),
                query("resolved", BOOLEAN),
                query("account_id", ID, "Only those this account made."),
                query("target_account_id", ID, "Only those about this account."),
            ],
            paged=True,
        ),
        admin.report_detail: op("A report, for moderators", ref("AdminReport")),
        **{
            getattr(admin, name): op(summary, ref("AdminReport"), request=NOTE, errors=(422,))
            for name, summary in [
                ("assign_to_self", "Take the report on"),
                ("unassign", "Give the report back"),
                ("resolve", "Close the report without acting on its account"),
                ("reopen", "Open the report again"),
            ]
        },
        # the moderators' blocks: e-mail domains, IP addresses, canonical e-mail addresses, and
        # Mastodon's blocks of other servers (none: Chirvir does not federate)
        admin.email_domain_blocks: {
            "GET": op(
                "Blocked e-mail domains, newest first",
                array(ref("AdminEmailDomainBlock")),
                params=paging(100),
                paged=True,
            ),
            "POST": op(
                "Refuse sign-ups with an e-mail address at a domain or under it",
                ref("AdminEmailDomainBlock"),
                request=body({"domain": STRING}, required=("domain",)),
                errors=(422,),
            ),
        },
        admin.email_domain_block: {
            "GET": op("A blocked e-mail domain", ref("AdminEmailDomainBlock")),
            "DELETE": op("Lift an e-mail domain block", EMPTY),
        },
        admin.ip_blocks: {
            "GET": op("IP blocks, newest first", array(ref("AdminIpBlock")), params=paging(100), paged=True),
            "POST": op(
                "Block an address or network: sign-ups wait for approval, are refused, or every request is",
                ref("AdminIpBlock"),
                request=body(IP_BLOCK, required=("ip", "severity")),
                errors=(422,),
            ),
        },
        admin.ip_block: {
            "GET": op("An IP block", ref("AdminIpBlock")),
            "PUT": op("Change an IP block", ref("AdminIpBlock"), request=body(IP_BLOCK), errors=(422,)),
            "DELETE": op("Lift an IP block", EMPTY),
        },
        admin.canonical_email_blocks: {
            "GET": op(
                "Blocked e-mail addresses (by their canonical form's hash), newest first",
                array(ref("AdminCanonicalEmailBlock")),
                params=paging(100),
                paged=True,
            ),
            "POST": op(
                "Refuse sign-ups with every spelling of an address (dots and +tags of its local part aside)",
                ref("AdminCanonicalEmailBlock"),
                request=body({"email": STRING, "canonical_email_hash": STRING}),
                errors=(422,),
            ),
        },
        admin.canonical_email_blocks_test: op(
            "The canonical e-mail blocks an address falls under",
            array(ref("AdminCanonicalEmailBlock")),
            request=body({"email": STRING}, required=("email",)),
        ),
        admin.canonical_email_block: {
            "GET": op("A canonical e-mail block", ref("AdminCanonicalEmailBlock")),
            "DELETE": op("Lift a canonical e-mail block", EMPTY),
        },
        admin.domain_blocks: {
            "GET": op("Blocked servers: none, as Chirvir does not federate", NOTHING),
            "POST": op(
                "Block a server: refused (422), as Chirvir does not federate",
                EMPTY,
                request=body({"domain": STRING, "severity": STRING}),
                errors=(422,),
            ),
        },
        **{
            admin.domain_block: {
                method: op(f"{verb} a server block: there are none (404)", EMPTY)
                for method, verb in (("GET", "Read"), ("PUT", "Change"), ("DELETE", "Lift"))
            }
        },
        # the dashboard's numbers (unknown keys are left out of the answer)
        admin.measures_view: op(
            "Measures per day over a period, with the period before",
            array(ref("AdminMeasure")),
            request=body({"keys": array(STRING), **PERIOD}, required=("start_at", "end_at")),
            errors=(422,),
        ),
        admin.dimensions_view: op(
            "Dimensions over a period (the languages posted in)",
            array(ref("AdminDimension")),
            request=body({"keys": array(STRING), "limit": INTEGER, **PERIOD}, required=("start_at", "end_at")),
            errors=(422,),
        ),
        admin.retention_view: op(
            "Sign-up cohorts and how many of each were active later",
            array(ref("AdminCohort")),
            request=body({"frequency": enum(["day", "month"]), **PERIOD}, required=("start_at", "end_at")),
            errors=(422,),
        ),
        # the trends under the moderators' review (every computed place, hidden ones too)
        admin.trends_tags: op("Trending hashtags, hidden ones too", array(ref("AdminTrendTag")), params=REVIEW),
        admin.trends_links: op("Trending links, hidden ones too", array(ref("AdminTrendLink")), params=REVIEW),
        admin.trends_statuses: op("Trending posts, hidden ones too", array(ref("Status")), params=REVIEW),
        **{
            getattr(admin, f"{verb}_{kind}"): op(f"{summary} ({kind})", answer)
            for kind, answer in (("tag", ref("AdminTrendTag")), ("link", ref("AdminTrendLink")),
                                 ("status", ref("Status")))
            for verb, summary in (("approve", "Let it trend again"), ("reject", "Keep it off every trends list"))
        },
        # apps, sign-up and OAuth
        apps.create: op(
            "Register a client app",
            ref("CredentialApplication"),
            request=body(
                {
                    "client_name": {**STRING, "minLength": 1, "maxLength": 60},
                    "redirect_uris": {
                        "description": f"Absolute URIs without a fragment, or `{oauth_services.OOB}` (show the code instead of "
                        "redirecting); several are separated by white space, or (JSON) sent as a list.",
                        "anyOf": [URL, array(URL)],
                    },
                    "scopes": {
                        "description": "Separated by spaces; `read` by default.",
                        "anyOf": [STRING, array(STRING)],
                    },
                    "website": {**URL, "pattern": "^https?://"},
                },
                required=("client_name", "redirect_uris"),
            ),
            errors=(422,),
        ),
        apps.verify_credentials: op("The app the token belongs to", ref("Application")),
        registration.register: op(
            "Sign up (with an app token): answers a token for the new account",
            ref("Token"),
            request=body(
                {
                    "username": {**STRING, "pattern": f"^{accounts_rules.USERNAME.pattern}$"},
                    "email": {**STRING, "format": "email"},
                    "password": {**STRING, "description": "Long, uncommon, and unlike the username or e-mail."},
                    "agreement": {**BOOLEAN, "description": "Must be true."},
                    "locale": STRING,
                    "reason": STRING,
                },
                required=("username", "email", "password", "agreement"),
            ),
            errors=(403, 422),
        ),
        oauth.authorize: {
            "GET": op(
                "The page where a person logs in and lets an app use the account",
                params=[
                    query("response_type", enum(["code"]), required=True),
                    query("client_id", STRING, required=True),
                    query("redirect_uri", STRING, "One of the app's redirect URIs.", required=True),
                    query("scope", STRING, "A subset of the app's scopes, separated by spaces; `read` by default."),
                    query("state", STRING),
                    query("code_challenge", STRING, "PKCE."),
                    query("code_challenge_method", enum(["S256"])),
                    query("lang", STRING, "The language of the page."),
                ],
                responses={
                    "200": answer("text/html", "The log-in or approval page."),
                    "400": answer("text/html", "The app, its redirect URI or its request is wrong."),
                },
            ),
            "POST": op(
                "Log in, then approve or deny (the page's own forms, with a CSRF token)",
                request={
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "username": STRING,
                                    "password": STRING,
                                    "decision": enum(["approve", "deny"]),
                                },
                            }
                        }
                    }
                },
                responses={
                    "200": answer("text/html", "The page again, or the code to copy (out-of-band redirect URI)."),
                    "302": {"description": "Back to the app's redirect URI, with `code` or `error`."},
                    "303": {"description": "Logged in: the approval page."},
                    "400": answer("text/html", "The app, its redirect URI or its request is wrong."),
                    "403": answer("text/html", "The form's CSRF token is missing or wrong."),
                },
            ),
        },
        oauth.token: {
            "POST": op(
                "Get a token (authorization_code with optional PKCE S256, password, client_credentials)",
                ref("Token"),
                request=body(
                    {
                        "grant_type": enum(sorted(GRANT_TYPES)),
                        "client_id": STRING,
                        "client_secret": STRING,
                        "code": STRING,
                        "redirect_uri": STRING,
                        "code_verifier": STRING,
                        "username": {**STRING, "description": "The username or e-mail address (password grant)."},
                        "password": STRING,
                        "scope": STRING,
                        "refresh_token": STRING,
                    },
                    required=("grant_type",),
                ),
                errors=(400, 401),
            )
        },
        oauth.revoke: {
            "POST": op(
                "Revoke a token",
                ref("Empty"),
                request=body({"client_id": STRING, "client_secret": STRING, "token": STRING}, required=("token",)),
                errors=(400, 401, 403),
            )
        },
        oauth.server_metadata: {"GET": op("The OAuth server's metadata (RFC 8414)", ref("ServerMetadata"))},
        # followed and featured hashtags, endorsements, notes, directory, suggestions (issue 10, items 4 and 5)
        tags.detail: op("A hashtag, its use in the last days, and whether the caller follows it", ref("FollowedTag"),
                        errors=(404,)),
        tags.follow: op("Follow a hashtag: its public posts reach the caller's home", ref("FollowedTag"),
                        errors=(404,)),
        tags.unfollow: op("Stop following a hashtag", ref("FollowedTag"), errors=(404,)),
        tags.followed_tags: op(
            "The hashtags the caller follows, newest first", array(ref("FollowedTag")), params=paging(100), paged=True
        ),
        tags.featured_tags: {
            "GET": op("The hashtags the caller features on its profile", array(ref("FeaturedTag"))),
            "POST": op(
                f"Feature a hashtag on the caller's profile (at most {tags_rules.MAX_FEATURED_TAGS})",
                ref("FeaturedTag"),
                request=body({"name": {**STRING, "minLength": 1, "description": "The hashtag, with or without #."}},
                             required=("name",)),
                errors=(404, 422),
            ),
        },
        tags.featured_tag_suggestions: op(
            "The hashtags the caller uses most and does not feature yet", array(ref("FollowedTag"))
        ),
        tags.featured_tag: op("Stop featuring a hashtag", ref("Empty")),
        tags.featured_tags_of: op("The hashtags an account features on its profile", array(ref("FeaturedTag"))),
        accounts.endorse: op("Feature an account the caller follows on its profile", relationship, errors=(422,)),
        accounts.unendorse: op("Stop featuring an account on the caller's profile", relationship),
        accounts.endorsements: op(
            "The accounts an account features on its profile", accounts_page, params=paging(40), paged=True
        ),
        accounts.note: op(
            "Keep a private note about an account (empty: none)",
            relationship,
            request=body({"comment": {**STRING, "maxLength": accounts_rules.MAX_ACCOUNT_NOTE}}),
            errors=(422,),
        ),
        accounts.remove_from_followers: op("Make the account stop following the caller", relationship),
        endorsements.index: op(
            "The accounts the caller features on its profile", accounts_page, params=paging(40), paged=True
        ),
        profile.avatar: op("Take the avatar off the caller's profile", ref("CredentialAccount")),
        profile.header: op("Take the header off the caller's profile", ref("CredentialAccount")),
        directory.index: op(
            "Profiles that chose to be found (discoverable)",
            accounts_page,
            params=[
                query("order", enum(["active", "new"]), "`active` (posted last first, the default) or `new`."),
                query("local", BOOLEAN, "Only local accounts: every account here is."),
                query("offset", {**INTEGER, "minimum": 0}),
                query("limit", {**INTEGER, "minimum": 1, "maximum": directory.MAX_LIMIT}),
            ],
        ),
        suggestions.index_v1: op(
            "Accounts to follow", accounts_page,
            params=[query("limit", {**INTEGER, "minimum": 1, "maximum": suggestions.MAX_LIMIT})],
        ),
        suggestions.index_v2: op(
            "Accounts to follow, and why: friends of friends first, then the most followed",
            array(ref("Suggestion")),
            params=[query("limit", {**INTEGER, "minimum": 1, "maximum": suggestions.MAX_LIMIT})],
        ),
        suggestions.dismiss: op("Never suggest this account again", ref("Empty")),
        # push notifications (Web Push)
        push.subscription: {
            "GET": op(
                "The calling token's push subscription (404 when it has none)",
                ref("WebPushSubscription"),
                errors=(404,),
            ),
            "POST": op(
                "Subscribe the calling token to Web Push, replacing its subscription: the endpoint must be https "
                "on a public address",
                ref("WebPushSubscription"),
                request=body(
                    {
                        "subscription": {
                            "type": "object",
                            "properties": {
                                "endpoint": URL,
                                "keys": {
                                    "type": "object",
                                    "properties": {
                                        "p256dh": {**STRING, "description": "The app's P-256 public key, base64."},
                                        "auth": {**STRING, "description": "Its 16-byte auth secret, base64."},
                                    },
                                },
                                "standard": {**BOOLEAN, "description": "Encrypt as RFC 8291 (aes128gcm)."},
                            },
                        },
                        **PUSH_CHOICES,
                    },
                    required=("subscription",),
                ),
                errors=(422,),
            ),
            "PUT": op(
                "Change which notifications are pushed, and from whom (404 without a subscription)",
                ref("WebPushSubscription"),
                request=body(PUSH_CHOICES),
                errors=(404, 422),
            ),
            "DELETE": op("End the calling token's push subscription", ref("Empty")),
        },
    }


# Served beside Django by the streaming app, which has only this one plain HTTP endpoint.
STREAMING_HEALTH = ("/api/v1/streaming/health", {"GET": HEALTH})


def build() -> dict:
    """The whole document, for the URL map as it is now."""
    operations = _operations()
    paths = {}
    for route, view in _routes(get_resolver().url_patterns):
        if view in operations:
            path = _openapi_path(route)
            paths[path] = _path_item(path, view, operations[view])
    path, spec = STREAMING_HEALTH
    paths[path] = _path_item(path, None, spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.INSTANCE_TITLE}: the Mastodon client API",
            "version": settings.VERSION,
            "description": (
                "Chirvir speaks the Mastodon client API (https://docs.joinmastodon.org/client/intro/). Every path "
                "also answers with a trailing slash. Bodies may be JSON, a form or multipart, on every method; "
                "parameters a GET takes in the query may also come in a body, and unknown ones are ignored. "
                "Booleans may be written true/false, 1/0, t/f, on/off or yes/no. A method a path does not take "
                "gets 405 with an `Allow` header. Each caller (an account, an app, or without a token an address) "
                "may make so many requests per window, fewer for sign-ups and deletes, as on Mastodon; the "
                "`X-RateLimit-*` headers tell the limit closest to running out, and a caller over it gets 429."
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                str(code): {**_error(message), "headers": _rate_limit(required=code == 429)}
                for code, message in ERRORS.items()
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": _scopes_description(),
                },
                "client": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "An app's client_id and client_secret, instead of sending them in the body.",
                },
            },
        },
    }


def _error(description: str, schema: str = "Error") -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _rate_limit(required: bool = False) -> dict:
    return {name: {**header, "required": required} for name, header in RATE_LIMIT.items()}


def _scopes_description() -> str:
    scopes = "; ".join(f"`{name}`: {description}" for name, description in SCOPES.items())
    return (
        "An OAuth 2 access token from /oauth/token, as `Authorization: Bearer …` (or `?access_token=`). "
        "An operation lists the scopes that let a token through; `read` and `write` hold every `read:…` and "
        f"`write:…` scope, and `follow` the blocks, follows and mutes ones. The scopes: {scopes}."
    )


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + prefix_of(pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _openapi_path(route: str) -> str:
    """`^api/v1/accounts/(?P<account_id>[^/]+)/?$` is `/api/v1/accounts/{account_id}`."""
    path = route.removeprefix("^").removesuffix("$").removesuffix("/?")
    return "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path).replace("\\", "")


def _declared(view):
    """The methods, scopes and user rule an `api(...)` view was declared with, or None for a plain
    Django view: read from the views themselves, so the document cannot drift from them."""
    return getattr(view, "declared", None)


def _path_item(path: str, view, spec: dict) -> dict:
    declared = _declared(view) if view is not None else None
    if declared is None:
        methods, scopes, user = tuple(spec), {}, None
    else:
        methods, scopes, user = declared
    names = re.findall(r"{(\w+)}", path)
    item = {}
    for method in methods:
        operation = spec if "summary" in spec else spec[method]
        item[method.lower()] = _operation(path, method, view, operation, names, scopes.get(method), user)
    return item


def _operation(path, method, view, spec, names, scope, user) -> dict:
    # Every path parameter names a record by ID, but a hashtag (whose timeline is simply empty)
    # and a notification group's key.
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": PATH_TEXT.get(name, ID)}
        for name in names
    ]
    responses = dict(spec["responses"])
    errors = set(spec["errors"])
    if user is not None:
        # What the `api` decorator and Params answer on their own.
        errors |= {400, 401}
        errors |= {403} if scope else set()
        errors |= {422} if user == "required" else set()
        errors |= {404} if any(parameter["schema"] is ID for parameter in parameters) else set()
        errors |= {413} if spec["request"] else set()
    limited = view is not None and ratelimit.limited(path)  # the streaming app, beside Django, counts nothing
    errors |= {429} if limited else set()
    oauth_view = view in (oauth.token, oauth.revoke)
    for code in sorted(errors):
        if oauth_view and code in OAUTH_ERRORS:
            error = _error(OAUTH_ERRORS[code], "OAuthError")
        else:
            error = {"$ref": f"#/components/responses/{code}"}
        responses.setdefault(str(code), error)
    if limited:  # the shared responses (references) have the headers already
        responses = {
            code: r if "$ref" in r else {**r, "headers": {**r.get("headers", {}), **_rate_limit()}}
            for code, r in responses.items()
        }
    operation = {
        "operationId": re.sub(r"\W+", "_", f"{method} {path}".lower()).strip("_"),
        "summary": spec["summary"],
        "tags": [view.__module__.rsplit(".", 1)[-1] if view is not None else "streaming"],
        "parameters": parameters + spec["params"],
        "responses": responses,
        "security": _security(scope, "app" if spec["token_required"] else user, oauth_view),
    }
    if spec["request"]:
        operation["requestBody"] = spec["request"]
    return operation


def _security(scope: str | None, user: str | None, client: bool) -> list[dict]:
    """Who may call: `{}` means no token is needed. A token passes with any scope listed."""
    if client:
        return [{}, {"client": []}]
    if user is None:
        return []
    granting = [{"bearer": [name]} for name in SCOPES if scope and _grants(name, scope)] or [{"bearer": []}]
    return [{}, *granting] if user == "optional" else granting


def _grants(held: str, scope: str) -> bool:
    holder = oauth_services.Credentials(account=None, scopes=frozenset({held}), application=None)
    return oauth_services.allows(holder, scope)


@api(methods=("GET",), user="optional")
def document(request, params):
    return json_response(build())
