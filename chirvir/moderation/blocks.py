"""What moderators block before anyone signs up or connects: e-mail domains, canonical e-mail
addresses, and IP addresses or networks (with a severity: approval, no sign-up, no access at all).
Sign-up asks `check_sign_up`; the no_access middleware asks `refused_everything`. The admin API and
Django's admin both call these, so a rule exists once."""

import hashlib
import ipaddress
import threading
import time
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.core.errors import Invalid, NotAllowed, NotFound
from chirvir.moderation.models import CanonicalEmailBlock, EmailDomainBlock, IpBlock, IpSeverity

# How long a process trusts its copy of the no_access list: a new block reaches every process
# within this many seconds, and an ordinary request costs no query.
CACHE_SECONDS = 5
MAX_COMMENT = 2000


def _get(model, block_id):
    try:
        return model.objects.get(pk=int(str(block_id)))
    except (ValueError, OverflowError, model.DoesNotExist):
        raise NotFound("Record not found") from None


# E-mail domains


def email_domain_blocks():
    return EmailDomainBlock.objects.order_by("-id")


def get_email_domain_block(block_id) -> EmailDomainBlock:
    return _get(EmailDomainBlock, block_id)


def block_email_domain(domain: str) -> EmailDomainBlock:
    """Refuse sign-ups at this domain and under it. A domain is a host name: labels of letters,
    digits and hyphens (punycode for others), at least two of them."""
    domain = (domain or "").strip().lower().lstrip("@").rstrip(".")
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(_label(label) for label in labels):
        raise Invalid("domain must be a host name, e.g. spam.example")
    if EmailDomainBlock.objects.filter(domain=domain).exists():
        raise Invalid("This domain is blocked already")
    return EmailDomainBlock.objects.create(domain=domain)


def _label(label: str) -> bool:
    if not 0 < len(label) <= 63 or "-" in (label[0], label[-1]):
        return False
    return label.isascii() and label.replace("-", "").isalnum()


# Canonical e-mail addresses


def canonical_email(email: str) -> str:
    """Mastodon's canonical form: lower case; in the local part the dots go and a +tag is cut, so
    a.b+spam@example.com and ab@example.com are one address."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.replace('.', '').split('+')[0]}@{domain}"


def email_hash(email: str) -> str:
    return hashlib.sha256(canonical_email(email).encode()).hexdigest()


def canonical_email_blocks():
    return CanonicalEmailBlock.objects.order_by("-id")


def get_canonical_email_block(block_id) -> CanonicalEmailBlock:
    return _get(CanonicalEmailBlock, block_id)


def block_canonical_email(*, email: str = "", canonical_email_hash: str = "") -> CanonicalEmailBlock:
    """Block an address (every spelling of it) by the address, or by the hash of its canonical form."""
    if email and "@" in email:
        digest = email_hash(email)
    elif canonical_email_hash:
        digest = canonical_email_hash.strip().lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise Invalid("canonical_email_hash must be a SHA-256 in hexadecimal")
    else:
        raise Invalid("Give an email, or a canonical_email_hash")
    if CanonicalEmailBlock.objects.filter(canonical_email_hash=digest).exists():
        raise Invalid("This address is blocked already")
    return CanonicalEmailBlock.objects.create(canonical_email_hash=digest)


def canonical_blocks_of(email: str):
    """The blocks an address falls under (Mastodon's /test)."""
    return canonical_email_blocks().filter(canonical_email_hash=email_hash(email or ""))


def email_blocked(email: str) -> bool:
    """Whether sign-up refuses this address: its domain, or the address itself, is blocked."""
    return bool(email) and (EmailDomainBlock.covers(email) or canonical_blocks_of(email).exists())


# IP addresses and networks


def ip_blocks():
    return IpBlock.objects.order_by("-id")


def get_ip_block(block_id) -> IpBlock:
    return _get(IpBlock, block_id)


def _network(ip: str) -> str:
    try:
        return str(ipaddress.ip_network((ip or "").strip(), strict=False))
    except ValueError:
        raise Invalid("ip must be an IP address or a network in CIDR notation, e.g. 192.0.2.0/24") from None


def _fields(block: IpBlock, ip=None, severity=None, comment=None, expires_in=None) -> IpBlock:
    if ip is not None:
        block.ip = _network(ip)
    if severity is not None:
        if severity not in IpSeverity.values:
            raise Invalid("severity must be one of " + ", ".join(IpSeverity.values))
        block.severity = severity
    if comment is not None:
        if len(comment) > MAX_COMMENT:
            raise Invalid(f"comment is at most {MAX_COMMENT} characters")
        block.comment = comment.strip()
    if expires_in is not None:
        if not 0 < expires_in <= 10 * 365 * 86400:
            raise Invalid("expires_in must be a number of seconds, more than 0 and at most ten years")
        block.expires_at = timezone.now() + timedelta(seconds=expires_in)
    block.updated_at = timezone.now()
    return block


def block_ip(ip: str, severity: str, comment: str = "", expires_in: int | None = None) -> IpBlock:
    if not ip or not severity:
        raise Invalid("ip and severity are required")
    block = _fields(IpBlock(), ip, severity, comment, expires_in)
    if IpBlock.objects.filter(ip=block.ip).exists():
        raise Invalid("This address or network is blocked already: change that block")
    block.save()
    forget_cached_blocks()
    return block


def change_ip_block(block: IpBlock, *, ip=None, severity=None, comment=None, expires_in=None) -> IpBlock:
    block = _fields(block, ip, severity, comment, expires_in)
    if IpBlock.objects.filter(ip=block.ip).exclude(pk=block.pk).exists():
        raise Invalid("Another block has this address or network")
    block.save()
    forget_cached_blocks()
    return block


def unblock_ip(block: IpBlock) -> None:
    block.delete()
    forget_cached_blocks()


def _live_blocks():
    return IpBlock.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


def severity_for(address: str) -> str | None:
    """The strongest live block covering an address (no_access over sign_up_block over approval)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    found = {b.severity for b in _live_blocks() if _covers(b.ip, ip)}
    for severity in (IpSeverity.NO_ACCESS, IpSeverity.SIGN_UP_BLOCK, IpSeverity.APPROVAL):
        if severity in found:
            return severity
    return None


def _covers(network: str, ip) -> bool:
    try:
        return ip in ipaddress.ip_network(network, strict=False)
    except (ValueError, TypeError):
        return False


_cache = {"until": 0.0, "networks": []}
_cache_lock = threading.Lock()


def forget_cached_blocks() -> None:
    """This process reads the list again at its next request (others within CACHE_SECONDS)."""
    _cache["until"] = 0.0


def refused_everything(address: str) -> bool:
    """Whether a no_access block covers the address: one query per process every few seconds."""
    now = time.monotonic()
    if now >= _cache["until"]:
        with _cache_lock:
            if now >= _cache["until"]:
                blocks = _live_blocks().filter(severity=IpSeverity.NO_ACCESS)
                networks = []
                for block in blocks:
                    try:
                        networks.append(ipaddress.ip_network(block.ip, strict=False))
                    except ValueError:
                        continue
                _cache["networks"] = networks
                _cache["until"] = now + CACHE_SECONDS
    networks = _cache["networks"]
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


# Sign-up


def check_sign_up(email: str, address: str) -> bool:
    """Refuse a sign-up that a block covers (NotAllowed for its address, Invalid for its e-mail
    address); answer whether it must wait for a moderator's approval (an approval block)."""
    severity = severity_for(address) if address else None
    if severity in (IpSeverity.NO_ACCESS, IpSeverity.SIGN_UP_BLOCK):
        raise NotAllowed(_("This server is not accepting new accounts."))
    if email and EmailDomainBlock.covers(email):
        raise Invalid(_("Sign-ups with an e-mail address at this domain are not allowed."))
    if email and canonical_blocks_of(email).exists():
        raise Invalid(_("Sign-ups with this e-mail address are not allowed."))
    return severity == IpSeverity.APPROVAL
