"""Delivering a notification by Web Push: which subscriptions want it (alerts and policy), the
payload Mastodon sends (in the recipient's language), its encryption (RFC 8291 aes128gcm, or
Mastodon's older aesgcm for subscriptions that are not `standard`), the VAPID signature
(RFC 8292), and one bounded POST to the push service, whose answer says what happens next."""

import os
import time

import certifi
import http_ece
import orjson
import urllib3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from py_vapid import jwt

from chirvir.accounts.models import Follow
from chirvir.core.errors import Invalid
from chirvir.notifications.models import Notification
from chirvir.push import endpoints, services, vapid
from chirvir.push.models import Policy, PushSubscription

# What the push service may take and give: Web Push carries at most 4 KiB; its answer is read up
# to a limit; connect and read each have a deadline, so a slow service holds no worker for long.
MAX_BODY_CHARS = 140
MAX_ANSWER = 64 * 1024
TIMEOUT = urllib3.Timeout(connect=5, read=10)
TTL = 48 * 3600  # how long the push service may keep it for an offline device, as Mastodon

SENT, GONE, RETRY, FAILED, SKIPPED = "sent", "gone", "retry", "failed", "skipped"


def _allowed_by_policy(subscription: PushSubscription, notification: Notification) -> bool:
    recipient, sender = notification.account_id, notification.from_account_id
    if subscription.policy == Policy.ALL:
        return True
    if subscription.policy == Policy.FOLLOWED:
        return Follow.objects.filter(account_id=recipient, target_account_id=sender).exists()
    if subscription.policy == Policy.FOLLOWER:
        return Follow.objects.filter(account_id=sender, target_account_id=recipient).exists()
    return False


def subscriptions_for(notification_id: int) -> list[int]:
    """The recipient's subscriptions that asked for this kind of notification from this sender."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return []
    return [
        s.pk
        for s in PushSubscription.objects.filter(account_id=notification.account_id)
        if s.alerts.get(notification.type) and _allowed_by_policy(s, notification)
    ]


def _phrase(type_: str) -> str:
    # The words of the notifications page, so that a push reads as the page does.
    return {
        "mention": _("mentioned you"),
        "follow": _("followed you"),
        "follow_request": _("asked to follow you"),
        "reblog": _("reposted your post"),
        "favourite": _("liked your post"),
        "update": _("edited a post you reposted"),
        "quote": _("quoted your post"),
        "quoted_update": _("edited a post you quoted"),
        "poll": "· " + _("The poll has ended."),
    }.get(type_, "")


def _icon(account) -> str:
    if not account.avatar:
        return ""
    url = account.avatar.url
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def payload(subscription: PushSubscription, notification: Notification) -> dict:
    """Mastodon's push payload, in the recipient's language: the app shows title and body as they
    come, and may fetch the notification by its id with the token."""
    recipient, sender, status = subscription.account, notification.from_account, notification.status
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        title = f"{sender.display_name or sender.username} {_phrase(notification.type)}".strip()
    if status is not None:
        body = status.spoiler_text or status.text
    else:
        body = f"@{sender.username}"
    return {
        "access_token": services.unseal_token(subscription),
        "preferred_locale": language,
        "notification_id": str(notification.id),
        "notification_type": notification.type,
        "icon": _icon(sender),
        "title": _cut(title, 100),
        "body": _cut(" ".join(body.split()), MAX_BODY_CHARS),
    }


def _point(key) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def encrypt(subscription: PushSubscription, data: bytes, target: endpoints.Target) -> tuple[bytes, dict]:
    """The body and headers of one push: encrypted for the subscription's keys with a key pair
    made for this message alone, and signed with the server's VAPID key for this push service."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    salt = os.urandom(16)
    keys = dict(salt=salt, private_key=ephemeral, dh=vapid.b64decode(subscription.key_p256dh))
    keys["auth_secret"] = vapid.b64decode(subscription.key_auth)
    default_port = {"https": 443, "http": 80}[target.scheme]
    origin = f"{target.scheme}://{target.host}" + ("" if target.port == default_port else f":{target.port}")
    contact = f"mailto:{settings.CONTACT_EMAIL}" if settings.CONTACT_EMAIL else settings.SITE_URL
    claims = {"aud": origin, "exp": int(time.time()) + 12 * 3600, "sub": contact}
    token, server_public = jwt.sign(claims, vapid.server_key().private_key), vapid.public_key()
    headers = {"Content-Type": "application/octet-stream", "TTL": str(TTL), "Urgency": "normal"}
    if subscription.standard:
        body = http_ece.encrypt(data, version="aes128gcm", **keys)
        headers.update({"Content-Encoding": "aes128gcm", "Authorization": f"vapid t={token},k={server_public}"})
    else:
        body = http_ece.encrypt(data, version="aesgcm", **keys)
        headers.update(
            {
                "Content-Encoding": "aesgcm",
                "Encryption": f"salt={vapid.b64url(salt)}",
                "Crypto-Key": f"dh={vapid.b64url(_point(ephemeral.public_key()))};p256ecdsa={server_public}",
                "Authorization": f"WebPush {token}",
            }
        )
    return body, headers


def _post(target: endpoints.Target, body: bytes, headers: dict) -> int:
    """POST to the checked address itself (never a second lookup of the name), no redirects
    followed, within TIMEOUT, reading at most MAX_ANSWER of the answer; returns its status."""
    tls = target.scheme == "https"
    extra = {"server_hostname": target.host, "assert_hostname": target.host, "cert_reqs": "CERT_REQUIRED",
             "ca_certs": certifi.where()} if tls else {}
    pool_class = urllib3.HTTPSConnectionPool if tls else urllib3.HTTPConnectionPool
    host = f"[{target.host}]" if ":" in target.host else target.host
    default_port = 443 if tls else 80
    headers = {**headers, "Host": host if target.port == default_port else f"{host}:{target.port}"}
    with pool_class(target.address, target.port, timeout=TIMEOUT, retries=False, maxsize=1, **extra) as pool:
        response = pool.urlopen(
            "POST", target.path, body=body, headers=headers, redirect=False, assert_same_host=False,
            preload_content=False,
        )
        try:
            response.read(MAX_ANSWER)
            return response.status
        finally:
            response.release_conn()


def send(subscription_id: int, notification_id: int) -> str:
    """Push one notification to one subscription. The push service's 404 or 410 means the
    subscription is gone (deleted here too); 429, 5xx and no answer are worth another try; a
    token revoked, or an endpoint now on a private address, ends the subscription."""
    subscription = PushSubscription.objects.select_related("account").filter(pk=subscription_id).first()
    notification = (
        Notification.objects.select_related("from_account", "status").filter(pk=notification_id).first()
    )
    if subscription is None or notification is None:
        return SKIPPED
    if not services.token_usable(subscription):
        subscription.delete()
        return GONE
    try:
        target = endpoints.resolve(subscription.endpoint)
    except endpoints.Refused:
        subscription.delete()
        return GONE
    except Invalid:
        return RETRY  # a name that does not resolve now may tomorrow
    data = orjson.dumps(payload(subscription, notification))
    body, headers = encrypt(subscription, data, target)
    try:
        status = _post(target, body, headers)
    except (urllib3.exceptions.HTTPError, OSError):
        return RETRY
    if status in (404, 410):
        subscription.delete()
        return GONE
    if status == 429 or status >= 500:
        return RETRY
    return SENT if 200 <= status < 300 else FAILED
