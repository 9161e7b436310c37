"""Linking a Jabber address to an account, over XMPP: the account enters its JID on the settings
page, the bot sends it a code by chat, and the code sent back (by chat, or on the page) confirms
it. The rules of codes are gateways.links'; this only speaks them over XMPP."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid
from chirvir.gateways import links
from chirvir.gateways.models import Channel, Link
from chirvir.gateways.xmpp import connection, tasks


def settings_url() -> str:
    return f"{settings.SITE_URL}/settings/xmpp"


def ask_to_link(account: Account, jid: str) -> str:
    """Start linking a JID to the account and queue the chat message that carries its code;
    returns the bare JID. Any earlier link of the account's on XMPP is replaced."""
    try:
        address = connection.bare(jid)
    except ValueError:
        raise Invalid(_("That is not a Jabber address (name@server).")) from None
    if address == connection.bare(settings.XMPP_JID):
        raise Invalid(_("That is not a Jabber address (name@server)."))
    code = links.start_linking(account, Channel.XMPP, address)
    with translation.override(account.language or settings.LANGUAGE_CODE):
        text = _(
            "Your Chirvir code is %(code)s. Send it back to me here, or enter it on %(url)s, to link this "
            "address to @%(username)s."
        ) % {"code": code, "url": settings_url(), "username": account.username}
    transaction.on_commit(lambda: tasks.xmpp_code_job(address, text))
    return address


def confirm_on_page(account: Account, code: str) -> Link | None:
    """The account's link, confirmed by the code it entered on the page; None for a wrong code."""
    waiting = links.link_of(account, Channel.XMPP)
    if waiting is None or waiting.confirmed_at is not None:
        return None
    confirmed = links.confirm(Channel.XMPP, waiting.address, code)
    return confirmed if confirmed is not None and confirmed.account_id == account.id else None


def welcome(link: Link) -> str:
    with translation.override(link.account.language or settings.LANGUAGE_CODE):
        return _(
            "This address is now linked to @%(username)s. Add me as a contact; anything you send me is posted, "
            "and HELP lists the commands."
        ) % {"username": link.account.username}
