"""The gateway's addresses and tokens, made and read in one place: an account's secret posting
address, the reply address of one notified post (post as a reply by writing to it), and the
signed unsubscribe token (in the one-click link and in the mailto address alike)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from chirvir.accounts.models import Account
from chirvir.gateways.email.models import MailSettings

KINDS = ("follow", "follow_request", "direct", "mention")  # the switches, as MailSettings names them
ALL = "all"
POSTING = re.compile(r"post-([a-z0-9]{24})")
REPLY = re.compile(r"reply-([0-9]{1,20})-([0-9]{1,20})-([0-9a-f]{24})")
UNSUBSCRIBE = re.compile(r"([0-9]{1,20})-([a-z_]{3,16})-([0-9a-f]{24})")


def enabled() -> bool:
    """The gateway is off unless CHIRVIR_MAIL_DOMAIN names the domain whose mail it receives."""
    return bool(settings.MAIL_DOMAIN)


def settings_of(account: Account) -> MailSettings:
    found, _created = MailSettings.objects.get_or_create(account=account)
    return found


def posting_address(account: Account) -> str:
    return f"post-{settings_of(account).secret}@{settings.MAIL_DOMAIN}"


def _mac(purpose: str, value: str) -> str:
    return salted_hmac(f"chirvir.mailgateway.{purpose}", value, algorithm="sha256").hexdigest()[:24]


def reply_address(account: Account, status_id: int) -> str:
    """Writing here posts as `account`, in reply to the status: signed with the account's posting
    secret, so that a new posting address revokes every reply address too."""
    mac = _mac("reply", f"{account.pk}:{status_id}:{settings_of(account).secret}")
    return f"reply-{account.pk}-{status_id}-{mac}@{settings.MAIL_DOMAIN}"


def unsubscribe_token(account: Account, kind: str = ALL) -> str:
    return f"{account.pk}-{kind}-{_mac('unsubscribe', f'{account.pk}:{kind}')}"


def unsubscribe_address(account: Account, kind: str = ALL) -> str:
    return f"unsubscribe-{unsubscribe_token(account, kind)}@{settings.MAIL_DOMAIN}"


def unsubscribe_url(account: Account, kind: str = ALL) -> str:
    return f"{settings.SITE_URL}/mail/unsubscribe/{unsubscribe_token(account, kind)}"


def read_unsubscribe_token(token: str) -> tuple[Account, str] | None:
    """The account and kind a token stops, or None for anything not signed by this server."""
    match = UNSUBSCRIBE.fullmatch(token or "")
    if not match or match.group(2) not in (*KINDS, ALL):
        return None
    account_id, kind, mac = match.groups()
    if not constant_time_compare(mac, _mac("unsubscribe", f"{account_id}:{kind}")):
        return None
    account = Account.objects.filter(pk=account_id, is_active=True).first()
    return (account, kind) if account is not None else None


@dataclass(frozen=True)
class Recipient:
    """What an address that `chirvir smtpd` receives is for."""

    account: Account
    action: str  # "post", "reply" or "unsubscribe"
    in_reply_to_id: int | None = None
    kind: str = ALL  # what to unsubscribe from


def recipient(address: str) -> Recipient | None:
    """Whom a mail to `address` is for, or None: another domain, an unknown, revoked or forged
    address, or a suspended account."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    if not at or not enabled() or domain != settings.MAIL_DOMAIN:
        return None
    if match := POSTING.fullmatch(local):
        found = MailSettings.objects.filter(secret=match.group(1), account__is_active=True).select_related("account")
        row = found.first()
        return Recipient(row.account, "post") if row else None
    if match := REPLY.fullmatch(local):
        account_id, status_id, mac = match.groups()
        row = MailSettings.objects.filter(pk=account_id, account__is_active=True).select_related("account").first()
        if row is None or not constant_time_compare(mac, _mac("reply", f"{account_id}:{status_id}:{row.secret}")):
            return None
        return Recipient(row.account, "reply", in_reply_to_id=int(status_id))
    if local.startswith("unsubscribe-") and (found := read_unsubscribe_token(local.removeprefix("unsubscribe-"))):
        return Recipient(found[0], "unsubscribe", kind=found[1])
    return None


def renew_posting_address(account: Account) -> str:
    """A new secret: the old posting address, and every reply address made from it, stop working."""
    row = settings_of(account)
    row.secret = MailSettings._meta.get_field("secret").default()
    row.save(update_fields=["secret"])
    return posting_address(account)


def unsubscribe(account: Account, kind: str = ALL) -> None:
    """Turn off one kind of notification e-mail, or all of them."""
    kinds = KINDS if kind == ALL else (kind,)
    MailSettings.objects.filter(account=account).update(**{k: False for k in kinds})


def choose_notifications(account: Account, **switches: bool) -> None:
    """Turn each kind of notification e-mail on or off (KINDS); those not named stay as they are."""
    row = settings_of(account)
    for kind in KINDS:
        if kind in switches:
            setattr(row, kind, bool(switches[kind]))
    row.save(update_fields=list(KINDS))
