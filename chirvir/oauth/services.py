"""OAuth's use cases: register a client app, issue, find and revoke tokens, and tell who is
calling (a bearer token, or a signed-in browser's session) as Credentials. The API and the
streaming interfaces both authenticate here, and map Unauthorized to their own answers.

Every end of a sign-in (a token revoked, an account suspended, a browser logged out) is
announced on the event bus, so that live streams opened with it close in every process."""

import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken, set_token_value
from oauth2_provider.settings import oauth2_settings

from chirvir.accounts import activity
from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, Unauthorized
from chirvir.core.queries import Prepared
from chirvir.events import bus as events
from chirvir.oauth.models import AppProfile, TokenUse, UsedCode
from chirvir.oauth.scopes import covers, describe, parse_scopes

OOB = "urn:ietf:wg:oauth:2.0:oob"
INVALID = "The access token is invalid"
REVOKED = "The access token was revoked"
# Sent with `token_ids` when tokens are revoked, so that what other domains keep for a token (a
# push subscription) ends with it, while OAuth knows nothing of them.
tokens_revoked = Signal()


@dataclass(frozen=True)
class Credentials:
    account: "Account | None"  # None for an app token (client_credentials)
    scopes: frozenset[str]
    application: Application | None  # None for a browser's session
    # What they came from, so that a live stream can hear that they ended, and check again.
    token_id: int | None = None
    session_key: str | None = field(default=None, repr=False)


def token_of(headers, query, *, websocket: bool = False) -> str | None:
    """The token a client sent, where Mastodon looks for it: `Authorization: Bearer`, else the
    legacy `?access_token=`, else (WebSocket only, as browsers send it) Sec-WebSocket-Protocol.
    `headers` and `query` are any case-insensitive mapping and query dict (Django's or Starlette's)."""
    kind, _space, raw = headers.get("authorization", "").partition(" ")
    if kind.lower() == "bearer":
        return raw.strip()
    if "access_token" in query:
        return query["access_token"]
    if websocket and headers.get("sec-websocket-protocol"):
        return headers["sec-websocket-protocol"].strip()
    return None


def authenticate(request) -> Credentials | None:
    """The caller of a Django request, by its token (token_of); None when none is sent."""
    return authenticate_token(token_of(request.headers, request.GET))


def authenticate_token(raw: str | None) -> Credentials | None:
    """The credentials of a raw token; None for no token. Unauthorized for an unknown token, one
    of a suspended account, or a revoked one (told apart, as Mastodon tells them)."""
    if raw is None:
        return None
    found = _TOKEN(hashlib.sha256(raw.encode()).hexdigest())
    token = found[0] if found else None
    refusal = _refusal(token)
    if refusal:
        raise Unauthorized(refusal)
    _used(token.pk)
    if token.user is not None:
        activity.note_activity(token.user)
    return Credentials(
        account=token.user, scopes=frozenset(token.scope.split()), application=token.application, token_id=token.pk
    )


# Every API request asks it: compiled once (chirvir/core/queries.py), read afresh each time.
_TOKEN = Prepared(
    lambda checksum: AccessToken.objects.select_related("user", "application").filter(token_checksum=checksum)[:1]
)
USE_RECORDED_EVERY = 60.0  # seconds: "last used" on the connected apps page is as fine as a minute
_uses_recorded: dict[int, float] = {}  # token id -> when this process last wrote its use


def _used(token_id: int) -> None:
    now = time.monotonic()
    if now - _uses_recorded.get(token_id, -USE_RECORDED_EVERY) < USE_RECORDED_EVERY:
        return
    if len(_uses_recorded) > 100_000:  # a process that has seen very many tokens starts afresh
        _uses_recorded.clear()
    _uses_recorded[token_id] = now
    TokenUse.objects.update_or_create(access_token_id=token_id, defaults={"last_used": timezone.now()})


def _refusal(token: AccessToken | None) -> str | None:
    """Why this token lets nobody in, or None when it does."""
    if token is None or token.application is None or (token.user is not None and not token.user.is_active):
        return INVALID
    if token.is_expired():
        return REVOKED
    return None


def authenticate_session(session_key: str | None) -> Credentials | None:
    """A signed-in browser on our own pages, by its Django session key: read-only credentials
    of its account, or None when the session is unknown, signed out, or the account's suspended."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    user = get_user(SimpleNamespace(session=store))
    if not user.is_authenticated or not user.is_active:
        return None
    return Credentials(account=user, scopes=frozenset({"read"}), application=None, session_key=session_key)


def lapsed(held: Iterable[Credentials]) -> list[Credentials]:
    """Those of these credentials that no longer let anyone in: their token was revoked or
    deleted, their account suspended, their session ended or its password changed. Live
    streams ask this now and then, for the ends that bypassed the services below."""
    held = list(held)
    token_ids = {c.token_id for c in held if c.token_id is not None}
    tokens = AccessToken.objects.select_related("user", "application").filter(pk__in=token_ids)
    usable = {token.pk for token in tokens if _refusal(token) is None}
    gone = []
    for credentials in held:
        if credentials.token_id is not None:
            if credentials.token_id not in usable:
                gone.append(credentials)
        elif credentials.session_key is not None:
            now = authenticate_session(credentials.session_key)
            if now is None or now.account != credentials.account:
                gone.append(credentials)
    return gone


def ended(credentials: Credentials, announcement: dict) -> bool:
    """Whether an end announced on the bus (events.ENDED) is that of these credentials."""
    return (
        (credentials.token_id is not None and credentials.token_id in announcement.get("tokens", ()))
        or (credentials.account is not None and credentials.account.pk == announcement.get("account"))
        or (credentials.session_key is not None and _digest(credentials.session_key) == announcement.get("session"))
    )


def _announce_end(announcement: dict) -> None:
    events.publish([events.ENDED], events.ENDED, announcement)


def _digest(session_key: str) -> str:
    # The bus is a table many processes read: it carries no session key, which is a password.
    return hashlib.sha256(session_key.encode()).hexdigest()


def end_sign_ins(account) -> None:
    """An account suspended: close every live connection its tokens and browsers opened. Its
    tokens stay, refused while it is inactive (as an account waiting for approval holds one)."""
    _announce_end({"account": account.pk})


def signed_out(session_key: str) -> None:
    """A browser logged out: close the live connections its session opened."""
    _announce_end({"session": _digest(session_key)})


def allows(credentials: Credentials, scope: str) -> bool:
    """Whether the credentials grant `scope`; "a|b" asks for either."""
    return any(covers(credentials.scopes, wanted) for wanted in scope.split("|"))


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
    """Revoke an access or refresh token and its partner, and close the live streams opened with
    it. Tokens live a century (settings), so an access token kept with its expiry set to now is
    one we know was revoked, and its holder is told so."""
    if isinstance(token, RefreshToken):
        RefreshToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=timezone.now())
        token = token.access_token
        if token is None:
            return
    _revoke_access_tokens([token.pk])


@dataclass(frozen=True)
class ConnectedApp:
    application: Application
    scopes: list[tuple[str, str]]  # (scope, what it lets the app do, in words)
    authorised: datetime  # its first token the account still holds
    last_used: datetime | None


def connected_apps(account) -> list[ConnectedApp]:
    """The apps that hold live tokens for the account, the most recently authorised first: what
    each may do (all its tokens' scopes together), since when, and when it last used one."""
    tokens = AccessToken.objects.filter(user=account, expires__gt=timezone.now()).select_related("application")
    by_app: dict[int, list[AccessToken]] = {}
    for token in tokens:
        if token.application is not None:
            by_app.setdefault(token.application_id, []).append(token)
    uses = dict(
        TokenUse.objects.filter(access_token_id__in=[t.pk for t in tokens]).values_list("access_token_id", "last_used")
    )
    apps = []
    for held in by_app.values():
        scopes = []
        for token in held:
            scopes += [scope for scope in token.scope.split() if scope not in scopes]
        used = [uses[t.pk] for t in held if t.pk in uses]
        apps.append(
            ConnectedApp(
                application=held[0].application,
                scopes=describe(scopes),
                authorised=min(t.created for t in held),
                last_used=max(used) if used else None,
            )
        )
    return sorted(apps, key=lambda app: app.authorised, reverse=True)


def revoke_tokens(account, application=None) -> int:
    """Revoke every token the account gave apps (or `application` alone): each stops at once, in
    every process, and the streams opened with them close. Returns how many were live."""
    live = AccessToken.objects.filter(user=account, expires__gt=timezone.now())
    if application is not None:
        live = live.filter(application=application)
    ids = list(live.values_list("pk", flat=True))
    if ids:
        with transaction.atomic():
            _revoke_access_tokens(ids)
    return len(ids)


def _revoke_access_tokens(ids: list[int]) -> None:
    now = timezone.now()
    AccessToken.objects.filter(pk__in=ids, expires__gt=now).update(expires=now)
    RefreshToken.objects.filter(access_token_id__in=ids, revoked__isnull=True).update(revoked=now)
    tokens_revoked.send(sender=AccessToken, token_ids=ids)
    _announce_end({"tokens": ids})


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def remember_code(application, code: str, raw_token: str, code_expires) -> None:
    """The token endpoint gave this token for this authorization code: remember which, until the
    code would have expired, in case the code comes again (see revoke_code_tokens)."""
    now = timezone.now()
    UsedCode.objects.filter(expires__lte=now).delete()  # a few rows at most, each ten minutes
    token = AccessToken.objects.filter(token_checksum=hashlib.sha256(raw_token.encode()).hexdigest()).first()
    if token is None:
        return
    refresh = RefreshToken.objects.filter(access_token=token).first()
    UsedCode.objects.create(
        code_hash=_code_hash(code),
        application=application,
        access_token_id=token.pk,
        token_family=refresh.token_family if refresh else None,
        expires=code_expires,
    )


@transaction.atomic
def revoke_code_tokens(application, code: str) -> None:
    """An authorization code presented again, after it was exchanged: someone else may hold it,
    so revoke every token it gave, and those its refresh token gave since (RFC 6749 4.1.2)."""
    used = UsedCode.objects.filter(code_hash=_code_hash(code), application=application, expires__gt=timezone.now())
    ids, families = set(), set()
    for row in used:
        ids.add(row.access_token_id)
        if row.token_family:
            families.add(row.token_family)
    if families:
        family = RefreshToken.objects.filter(token_family__in=families)
        ids |= {token_id for token_id in family.values_list("access_token_id", flat=True) if token_id}
        family.filter(revoked__isnull=True).update(revoked=timezone.now())
    if ids:
        _revoke_access_tokens(sorted(ids))


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
