"""Use cases of push subscriptions: subscribe (one per access token; a second replaces the
first), read, change what is wanted, unsubscribe, and the end of a token's subscription."""

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken

from chirvir.core.errors import Invalid, NotFound
from chirvir.oauth.services import Credentials
from chirvir.push import endpoints
from chirvir.push.models import ALERTS, Policy, PushSubscription
from chirvir.push.vapid import b64decode, b64url


def _token_key() -> bytes:
    return hashlib.sha256(b"chirvir push token\x00" + settings.SECRET_KEY.encode()).digest()


def seal_token(raw: str, token_id: int) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_token_key()).encrypt(nonce, raw.encode(), str(token_id).encode())


def unseal_token(subscription: PushSubscription) -> str:
    """The raw token for the payload; "" when the secret key changed since it was sealed."""
    sealed = bytes(subscription.sealed_token)
    try:
        opened = AESGCM(_token_key()).decrypt(sealed[:12], sealed[12:], str(subscription.access_token_id).encode())
        return opened.decode()
    except (InvalidTag, ValueError):
        return ""


def _keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The app's keys in base64url, once shown to be a P-256 point and a 16-byte secret."""
    try:
        point, secret = b64decode(p256dh), b64decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, TypeError):
        raise Invalid(_("The subscription's p256dh key is not a P-256 public key.")) from None
    if len(secret) != 16:
        raise Invalid(_("The subscription's auth secret must be 16 bytes."))
    return b64url(point), b64url(secret)


def _alerts(wanted: dict | None, earlier: dict | None = None) -> dict:
    """Each alert Mastodon knows, on only where asked for; those not named keep what they were."""
    wanted = wanted or {}
    return {name: bool(wanted.get(name, (earlier or {}).get(name, False))) for name in ALERTS}


def _policy(policy: str | None, earlier: str = Policy.ALL) -> str:
    if policy in (None, ""):
        return earlier
    if policy not in Policy.values:
        raise Invalid(_("The policy must be all, followed, follower or none."))
    return policy


@transaction.atomic
def subscribe(
    credentials: Credentials, raw_token: str, endpoint: str, p256dh: str, auth: str, *,
    alerts: dict | None = None, policy: str | None = None, standard: bool = False,
) -> PushSubscription:
    """Subscribe the token to push notifications at `endpoint` (replacing its subscription, if it
    had one): the endpoint must be one Chirvir may call (push/endpoints.py)."""
    endpoints.resolve(endpoint)
    p256dh, auth = _keys(p256dh, auth)
    PushSubscription.objects.filter(access_token_id=credentials.token_id).delete()
    return PushSubscription.objects.create(
        access_token_id=credentials.token_id,
        account=credentials.account,
        endpoint=endpoint,
        key_p256dh=p256dh,
        key_auth=auth,
        alerts=_alerts(alerts),
        policy=_policy(policy),
        standard=standard,
        sealed_token=seal_token(raw_token, credentials.token_id),
    )


def get_subscription(credentials: Credentials) -> PushSubscription:
    found = PushSubscription.objects.filter(access_token_id=credentials.token_id).first()
    if found is None:
        raise NotFound("Record not found")  # Mastodon's words, which apps look for
    return found


def update_subscription(credentials: Credentials, *, alerts: dict | None, policy: str | None) -> PushSubscription:
    """Change which notifications are pushed and from whom; the endpoint and keys stay."""
    subscription = get_subscription(credentials)
    subscription.alerts = _alerts(alerts, subscription.alerts)
    subscription.policy = _policy(policy, subscription.policy)
    subscription.save(update_fields=["alerts", "policy"])
    return subscription


def unsubscribe(credentials: Credentials) -> None:
    PushSubscription.objects.filter(access_token_id=credentials.token_id).delete()


def drop_for_tokens(sender=None, token_ids=(), **kwargs) -> None:
    """Tokens were revoked (oauth.services.tokens_revoked): their subscriptions end with them."""
    PushSubscription.objects.filter(access_token_id__in=token_ids).delete()


def token_usable(subscription: PushSubscription) -> bool:
    """Whether the subscription's token still lets its account in (not revoked, not suspended)."""
    token = AccessToken.objects.select_related("user").filter(pk=subscription.access_token_id).first()
    return token is not None and not token.is_expired() and token.user is not None and token.user.is_active
