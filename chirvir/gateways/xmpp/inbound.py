"""What the bot answers a chat message: from a linked JID, the command language's replies (a post,
FOLLOW, ON...); from a JID waiting on a code, the code's check; from anyone else, where to link.
The sender is the JID the server stamped on the message (it refuses a client's forged `from`)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from chirvir.gateways import commands, links
from chirvir.gateways.models import Channel
from chirvir.gateways.xmpp import connection, linking


def answer(sender: str, body: str) -> list[str]:
    try:
        address = connection.bare(sender)
    except ValueError:
        return []
    text = (body or "")[: commands.MAX_TEXT + 1]  # cut before anything reads it
    if (link := links.linked(Channel.XMPP, address)) is not None:
        return commands.run(link, text)
    with translation.override(settings.LANGUAGE_CODE):
        if len(text) > commands.MAX_TEXT:
            return [_("That message is too long.")]
        if (link := links.confirm(Channel.XMPP, address, text)) is not None:
            return [linking.welcome(link)]
        if links.waiting_for_code(Channel.XMPP, address):
            return [_("That is not the code I sent. Send the six digits of my last message, or ask for a new code.")]
        return [
            _("This address is not linked to a Chirvir account. Link it on %(url)s.") % {"url": linking.settings_url()}
        ]


def may_subscribe(sender: str) -> bool:
    """Whether a JID may add the bot as a contact (and so see it online): a linked one only."""
    try:
        return links.linked(Channel.XMPP, connection.bare(sender)) is not None
    except ValueError:
        return False
