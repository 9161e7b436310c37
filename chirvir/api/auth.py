"""Who is calling the API, and with which rights: Mastodon's OAuth scopes, bearer tokens and apps,
on django-oauth-toolkit (DOT). Its validator and scope backend are bent here to Mastodon's rules."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import orjson
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken, set_token_value
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

from chirvir.accounts.models import Account
from chirvir.api.base import ApiError
from chirvir.api.models import AppProfile
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
}
FOLLOW = frozenset(f"{mode}:{what}" for mode in ("read", "write") for what in ("blocks", "follows", "mutes"))
GRANT_TYPES = frozenset({"authorization_code", "password", "client_credentials", "refresh_token"})
OOB = "urn:ietf:wg:oauth:2.0:oob"
INVALID = "The access token is invalid"
REVOKED = "The access token was revoked"


@dataclass(frozen=True)
class Credentials:
    account: "Account | None"  # None for an app token (client_credentials)
    scopes: frozenset[str]
    application: Application


def authenticate(request) -> Credentials | None:
    """The caller's token, from `Authorization: Bearer` or the legacy `?access_token=`; None
    when none is sent. An unknown token, or one of a suspended account, is invalid."""
    header = request.headers.get("Authorization", "")
    kind, _space, raw = header.partition(" ")
    if kind.lower() == "bearer":
        raw = raw.strip()
    elif "access_token" in request.GET:
        raw = request.GET["access_token"]
    else:
        return None
    token = (
        AccessToken.objects.select_related("user", "application")
        .filter(token_checksum=hashlib.sha256(raw.encode()).hexdigest())
        .first()
    )
    if token is None or token.application is None or (token.user is not None and not token.user.is_active):
        raise ApiError(401, INVALID)
    if token.is_expired():
        raise ApiError(401, REVOKED)
    return Credentials(account=token.user, scopes=frozenset(token.scope.split()), application=token.application)


def _covers(granted: frozenset[str], scope: str) -> bool:
    if scope in granted:
        return True
    if scope in FOLLOW and "follow" in granted:
        return True
    # "read" covers "read:statuses", "admin:read" covers "admin:read:accounts"; "profile" only itself.
    parent, _colon, _rest = scope.rpartition(":")
    return bool(parent) and parent != "admin" and parent in granted


def allows(credentials: Credentials, scope: str) -> bool:
    """Whether the token grants `scope`; "a|b" asks for either."""
    return any(_covers(credentials.scopes, wanted) for wanted in scope.split("|"))


def new_token(request=None) -> str:
    """43 characters of base64url, as Mastodon's tokens are (DOT's ACCESS_TOKEN_GENERATOR)."""
    return secrets.token_urlsafe(32)


def issue_token(application, account, scopes: str = "read write follow push") -> str:
    """A token for the account (None: an app token) through the app; returns it raw, once: only
    its hash is stored."""
    raw = new_token()
    expires = timezone.now() + timedelta(seconds=oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
    token = AccessToken(user=account, application=application, scope=scopes, expires=expires)
    set_token_value(token, raw)
    token.save()
    return raw


@transaction.atomic
def revoke(token) -> None:
    """Revoke an access or refresh token and its partner. Tokens live a century (settings), so an
    access token kept with its expiry set to now is one we know was revoked, and its holder is told so."""
    now = timezone.now()
    if isinstance(token, RefreshToken):
        RefreshToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=now)
        token = token.access_token
        if token is None:
            return
    AccessToken.objects.filter(pk=token.pk, expires__gt=now).update(expires=now)
    RefreshToken.objects.filter(access_token=token, revoked__isnull=True).update(revoked=now)


def find_token(raw: str):
    """The access or refresh token with this value, or None."""
    checksum = hashlib.sha256(raw.encode()).hexdigest()
    return (
        AccessToken.objects.filter(token_checksum=checksum).first()
        or RefreshToken.objects.filter(token_checksum=checksum).first()
    )


def login_name(identifier: str) -> str:
    """The username to log in with, given a username or an e-mail address (usernames hold no @)."""
    if "@" in identifier:
        account = Account.objects.filter(email__iexact=identifier.strip()).only("username").first()
        if account:
            return account.username
    return identifier.strip()


def _profile(application) -> AppProfile | None:
    try:
        return application.profile
    except AppProfile.DoesNotExist:  # an app made elsewhere (the admin): Mastodon's defaults
        return None


def application_scopes(application) -> list[str]:
    profile = _profile(application)
    return profile.scopes.split() if profile else ["read"]


def application_website(application) -> str | None:
    profile = _profile(application)
    return (profile.website if profile else "") or None


def parse_scopes(scopes: str) -> list[str]:
    """Known scopes, in the order given, without repeats; Invalid names the first unknown one."""
    result = []
    for scope in scopes.split():
        if scope not in SCOPES:
            raise Invalid(_("Scopes include an unknown scope: %(scope)s") % {"scope": scope})
        if scope not in result:
            result.append(scope)
    return result


def _redirect_uris(text: str) -> list[str]:
    uris = text.split()
    if not uris:
        raise Invalid(_("Redirect URI can't be blank."))
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme.lower() in {"data", "javascript", "vbscript"}:
            raise Invalid(_("Redirect URI can't use the %(scheme)s: scheme.") % {"scheme": parts.scheme.lower()})
        if uri != OOB and not (parts.scheme and parts.netloc):
            raise Invalid(_("Redirect URI must be an absolute URI."))
        if "#" in uri:
            raise Invalid(_("Redirect URI can't contain a fragment."))
    return uris


def create_application(
    name: str,
    redirect_uris: str = OOB,
    scopes: str = "read write follow push",
    website: str = "",
) -> tuple[Application, str, str]:
    """Register a client app. Redirect URIs are absolute (or the out-of-band URN) and separated by
    white space; scopes default to "read". Returns the app, its client_id and, this once, its
    secret, which is stored only as a hash."""
    name, website = name.strip(), website.strip()
    if not name:
        raise Invalid(_("Application name can't be blank."))
    if len(name) > 60:
        raise Invalid(_("Application name is at most 60 characters."))
    uris = _redirect_uris(redirect_uris)
    granted = parse_scopes(scopes) or ["read"]
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError as e:
            raise Invalid(_("Website must be an http or https address.")) from e
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            name=name,
            redirect_uris=" ".join(uris),
            client_type=Application.CLIENT_CONFIDENTIAL,
            # One grant type is all DOT records; the Validator lets every Mastodon app use them all.
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            client_secret=secret,
        )
        AppProfile.objects.create(application=application, scopes=" ".join(granted), website=website)
    return application, application.client_id, secret


def authenticate_client(client_id: str | None, client_secret: str | None):
    """The app these credentials belong to, or None."""
    application = Application.objects.filter(client_id=client_id or "").first()
    if application and check_password(client_secret or "", application.client_secret):
        return application
    return None


class Scopes(BaseScopes):
    """DOT's scope backend: Mastodon's scopes; an app may ask for those it registered, or parts of them."""

    def get_all_scopes(self):
        return SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        registered = frozenset(application_scopes(application) if application else SCOPES)
        return [scope for scope in SCOPES if _covers(registered, scope)]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return ["read"]


class Validator(OAuth2Validator):
    """DOT's validator: every Mastodon app may use every grant (DOT records one per app), the code
    flow is the only redirect flow, and a password log-in may give the e-mail address."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in GRANT_TYPES

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code"

    def validate_user(self, username, password, client, request, *args, **kwargs):
        return super().validate_user(login_name(username), password, client, request, *args, **kwargs)


class OAuthCore(OAuthLibCore):
    """DOT's request reader, which also reads JSON bodies: toot sends JSON to /oauth/token."""

    def extract_body(self, request):
        if request.content_type != "application/json" or not request.body:
            return super().extract_body(request)
        data = orjson.loads(request.body)  # the token view has checked that it parses
        items = []
        for key, value in data.items() if isinstance(data, dict) else ():
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            if isinstance(value, (str, int, float)):
                items.append((key, str(value)))
        return items
