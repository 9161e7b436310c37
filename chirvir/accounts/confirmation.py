"""Confirming an account's e-mail address: a signed link mailed to it, which marks the address
confirmed when opened. With CHIRVIR_REQUIRE_CONFIRMED_EMAIL, posting waits for it (the rule is
post_status's). The link is built from CHIRVIR_URL, never from a request's Host."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, NotAllowed

SALT = "chirvir.accounts.email-confirmation"
LINK_LIFETIME = 3 * 24 * 3600  # seconds


def _token(account: Account) -> str:
    # The address is signed too: a link mailed to an earlier address confirms nothing.
    return signing.dumps({"id": account.pk, "email": account.email}, salt=SALT)


def confirmation_link(account: Account) -> str:
    return f"{settings.SITE_URL}/auth/confirm/{_token(account)}"


def send_confirmation(account: Account) -> None:
    """Mail the account a link that confirms its address, in its language. Refused for an account
    without an address, and once the address is confirmed (Mastodon's words)."""
    if not account.email:
        raise Invalid(_("Your account has no e-mail address."))
    if account.email_confirmed_at is not None:
        raise NotAllowed(_("This method is only available while the e-mail is awaiting confirmation"))
    with translation.override(account.language or settings.LANGUAGE_CODE):
        send_mail(
            _("Confirm your e-mail address for %(title)s") % {"title": settings.INSTANCE_TITLE},
            _("Open this link to confirm your e-mail address on %(title)s:") % {"title": settings.INSTANCE_TITLE}
            + f"\n\n{confirmation_link(account)}\n",
            None,
            [account.email],
        )


def confirm_email(token: str) -> Account:
    """The account whose address the link confirms, now confirmed; Invalid for a link that is
    forged, expired, or for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature as e:
        raise Invalid(_("That confirmation link is not valid or has expired.")) from e
    account = Account.objects.filter(pk=data.get("id"), email=data.get("email"), is_active=True).first()
    if account is None or not account.email:
        raise Invalid(_("That confirmation link is not valid or has expired."))
    if account.email_confirmed_at is None:
        account.email_confirmed_at = timezone.now()
        account.save(update_fields=["email_confirmed_at"])
    return account
