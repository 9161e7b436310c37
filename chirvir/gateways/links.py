"""Linking an address on a channel (a phone, a Jabber ID) to an account: the account asks, a code
goes to the address, and the link counts only once the address sends that code back, before it
expires and within a few tries. One home for the rule, for every channel."""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, TooMany
from chirvir.gateways.models import Link

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
CODE_TRIES = 5  # wrong answers before the code is void
CODE_INTERVAL = timedelta(minutes=1)  # between two codes an account asks for: no texting a stranger in bulk


def linked(channel: str, address: str) -> Link | None:
    """The confirmed link of an address, if any: who speaks from it."""
    return (
        Link.objects.filter(channel=channel, address=address, confirmed_at__isnull=False)
        .select_related("account")
        .first()
    )


def link_of(account: Account, channel: str) -> Link | None:
    return Link.objects.filter(account=account, channel=channel).first()


@transaction.atomic
def start_linking(account: Account, channel: str, address: str) -> str:
    """Ask to link an address: any earlier link of the account on the channel is replaced by a
    waiting one, at most one code a minute. Returns the new code, for the channel to send to the address (and only there)."""
    if Link.objects.filter(channel=channel, address=address, confirmed_at__isnull=False).exclude(account=account).exists():
        raise Invalid(_("That address is already linked to another account."))
    recent = timezone.now() - CODE_INTERVAL
    if Link.objects.filter(account=account, channel=channel, code_sent_at__gt=recent).exists():
        raise TooMany(_("A code was sent a moment ago. Wait a minute before asking for another."))
    code = "".join(secrets.choice("0123456789") for _i in range(CODE_DIGITS))
    Link.objects.filter(account=account, channel=channel).delete()
    Link.objects.create(
        account=account, channel=channel, address=address, code_hash=make_password(code), code_sent_at=timezone.now()
    )
    return code


def confirm(channel: str, address: str, text: str) -> Link | None:
    """The link that this message from an address confirms, if the message is its code (sent in
    the last CODE_LIFETIME, with fewer than CODE_TRIES wrong answers); None otherwise, and a wrong
    answer counts against every code waiting for the address."""
    answer = text.strip()
    fresh = timezone.now() - CODE_LIFETIME
    waiting = Link.objects.filter(
        channel=channel, address=address, confirmed_at__isnull=True, code_sent_at__gte=fresh, attempts__lt=CODE_TRIES
    ).select_related("account")
    waiting = list(waiting)
    if not waiting or not answer.isdigit() or len(answer) != CODE_DIGITS:
        return None
    for link in waiting:
        if check_password(answer, link.code_hash):
            try:
                with transaction.atomic():
                    Link.objects.filter(id=link.id).update(confirmed_at=timezone.now(), code_hash="", attempts=0)
            except IntegrityError:
                return None  # another account confirmed the address first
            link.refresh_from_db()
            return link
    Link.objects.filter(id__in=[link.id for link in waiting]).update(attempts=F("attempts") + 1)
    return None


def waiting_for_code(channel: str, address: str) -> bool:
    """Whether some account is waiting for this address to send back a code."""
    return Link.objects.filter(channel=channel, address=address, confirmed_at__isnull=True).exists()


def unlink(account: Account, channel: str) -> None:
    Link.objects.filter(account=account, channel=channel).delete()


MAX_DAILY_CAP = 500


def set_limits(link: Link, quiet_from, quiet_until, daily_cap: int) -> Link:
    """A link's quiet hours (both times, or neither) and its daily cap of followees' posts."""
    if (quiet_from is None) != (quiet_until is None):
        raise Invalid(_("Give both ends of the quiet hours, or neither."))
    if not 0 <= daily_cap <= MAX_DAILY_CAP:
        raise Invalid(_("The daily limit is between 0 and %(most)d messages.") % {"most": MAX_DAILY_CAP})
    Link.objects.filter(id=link.id).update(quiet_from=quiet_from, quiet_until=quiet_until, daily_cap=daily_cap)
    link.refresh_from_db()
    return link
