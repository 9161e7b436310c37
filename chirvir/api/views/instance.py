"""Health, the instance documents (Mastodon's V1 and V2 Instance, where clients read the
character limit and the streaming address) and the rest of /api/v1/instance (rules, extended
description, privacy policy, activity, languages, peers, domain blocks, translation languages),
preferences, and the start-up lists apps ask for."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import get_language_info
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from chirvir.api.base import ApiError, api, json_response
from chirvir.api.serializers import iso

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.instance import services as about
from chirvir.media import services as media
from chirvir.polls import services as polls
from chirvir.push import vapid
from chirvir.statuses.models import Status
from chirvir.statuses.services import MAX_PINS, text_config
from chirvir.tags.services import MAX_FEATURED_TAGS

MASTODON_VERSION = "4.5.0"
# What the server takes of polls: exactly the limits chirvir.polls enforces.
POLLS = polls.LIMITS


def _version() -> str:
    return f"{MASTODON_VERSION} (compatible; Chirvir {settings.VERSION})"


def _streaming_url() -> str:
    return settings.SITE_URL.replace("https://", "wss://", 1).replace("http://", "ws://", 1)


def _statuses_configuration() -> dict:
    config = text_config()
    return {
        "max_characters": config.max_weighted_length,
        "max_media_attachments": media.MAX_ATTACHMENTS,
        "characters_reserved_per_url": config.transformed_url_length,
    }


def _media_configuration() -> dict:
    """Exactly the types and limits uploads are taken with (video only where ffmpeg is)."""
    return {"supported_mime_types": media.supported_mime_types(), **media.limits()}


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# csrf_exempt: a wrong method gets its 405, not the refusal CSRF keeps for web forms.
@csrf_exempt
@require_GET
def health(request):
    return HttpResponse("OK", content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_GET
def instance_v1(request):
    return json_response(
        {
            "uri": settings.DOMAIN,
            "title": settings.INSTANCE_TITLE,
            "short_description": "",
            "description": "",
            "email": settings.CONTACT_EMAIL,
            "version": _version(),
            "urls": {"streaming_api": _streaming_url()},
            "stats": {
                "user_count": Account.objects.filter(is_active=True).count(),
                "status_count": Status.objects.count(),
                "domain_count": 1,
            },
            "thumbnail": None,
            "languages": _languages(),
            "registrations": settings.REGISTRATIONS != "closed",
            "approval_required": settings.REGISTRATIONS == "approval",
            "invites_enabled": False,
            "configuration": {
                "accounts": {"max_featured_tags": MAX_FEATURED_TAGS},
                "statuses": _statuses_configuration(),
                "media_attachments": _media_configuration(),
                "polls": POLLS,
            },
            "contact_account": None,
            "rules": _rules(),
            "translation": {"enabled": False},
        }
    )


@csrf_exempt
@require_GET
def instance_v2(request):
    return json_response(
        {
            "domain": settings.DOMAIN,
            "title": settings.INSTANCE_TITLE,
            "version": _version(),
            "source_url": "",
            "description": "",
            "usage": {"users": {"active_month": Account.objects.filter(is_active=True).count()}},
            "thumbnail": {"url": None},
            "icon": [],
            "languages": _languages(),
            "configuration": {
                "urls": {"streaming": _streaming_url(), "status": None},
                "vapid": {"public_key": vapid.public_key()},
                "accounts": {
                    "max_display_name_length": accounts.MAX_DISPLAY_NAME,
                    "max_note_length": accounts.MAX_NOTE,
                    "max_featured_tags": MAX_FEATURED_TAGS,
                    "max_pinned_statuses": MAX_PINS,
                    "max_profile_fields": accounts.MAX_PROFILE_FIELDS,
                    "profile_field_name_limit": accounts.MAX_FIELD_NAME,
                    "profile_field_value_limit": accounts.MAX_FIELD_VALUE,
                },
                "statuses": _statuses_configuration(),
                "media_attachments": {**_media_configuration(), "description_limit": media.MAX_DESCRIPTION},
                "polls": POLLS,
                "translation": {"enabled": False},
                "timelines_access": {
                    "live_feeds": {"local": "public", "remote": "disabled"},
                    "hashtag_feeds": {"local": "public", "remote": "disabled"},
                    "trending_link_feeds": {"local": "disabled", "remote": "disabled"},
                },
                "limited_federation": False,
            },
            "registrations": {
                "enabled": settings.REGISTRATIONS != "closed",
                "approval_required": settings.REGISTRATIONS == "approval",
                "reason_required": False,
                "message": None,
                "min_age": None,
                "url": None,
            },
            "contact": {"email": settings.CONTACT_EMAIL, "account": None},
            "rules": _rules(),
        }
    )


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def preferences(request, params):
    return json_response(
        {
            "posting:default:visibility": request.account.default_visibility,
            "posting:default:sensitive": request.account.default_sensitive,
            "posting:default:language": request.account.posting_language or None,
            "posting:default:quote_policy": request.account.default_quote_policy,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )


@api(methods=("GET",), user="optional")
def empty_list(request, params):
    """Start-up lists of features Chirvir does not have (custom emoji, announcements,
    instance rules and peers...): apps expect an empty list, not an error."""
    return json_response([])


# The rest of /api/v1/instance
STARTED = timezone.now()  # the texts below come from settings, read when the server starts


def _rules() -> list[dict]:
    return [{"id": str(r.id), "text": r.text, "hint": r.hint} for r in about.rules()]


def _text_page(content: str) -> dict:
    """Mastodon's ExtendedDescription and PrivacyPolicy: the operator's plain text as HTML."""
    return {"updated_at": iso(STARTED), "content": linebreaks(escape(content)) if content else ""}


@api(methods=("GET",), user="optional")
def rules(request, params):
    return json_response(_rules())


@api(methods=("GET",), user="optional")
def extended_description(request, params):
    return json_response(_text_page(about.extended_description()))


@api(methods=("GET",), user="optional")
def privacy_policy(request, params):
    return json_response(_text_page(about.privacy_policy()))


@api(methods=("GET",), user="optional")
def terms_of_service(request, params):
    # Mastodon answers 404 while the operator has published no terms; Chirvir has none to publish.
    raise ApiError(404, "Record not found")


@api(methods=("GET",), user="optional")
def activity(request, params):
    return json_response(about.activity(timezone.now()))


@api(methods=("GET",), user="optional")
def languages(request, params):
    """Mastodon's SupportedLocale: the languages of the interface (a post may be in any ISO 639 language)."""
    return json_response([{"code": code, "name": get_language_info(code)["name"]} for code in _languages()])


@api(methods=("GET",), user="optional")
def translation_languages(request, params):
    """No translation service: no language translates into any other."""
    return json_response({})


@api(methods=("GET",), user="optional")
def peers(request, params):
    """Chirvir does not federate: it knows no other server."""
    return json_response([])


@api(methods=("GET",), user="optional")
def domain_blocks(request, params):
    """The servers this one blocks: none, as it federates with none."""
    return json_response([])
