"""The command language of the message channels (SMS and XMPP), after Twitter's SMS commands:
one function, `run`, takes what a linked address sent and returns the replies to send back, in
the account's language. Every rule it meets (posting, following, who may see what) is a service's.

Commands are case-insensitive; any other text is a post:
  d username text       a direct message        @username text   a reply to their latest post
  FOLLOW / LEAVE name   follow or unfollow       ON / OFF         followees' posts at all
  ON / OFF name         one followee's posts     GET name         their latest post
  WHOIS name            who they are             STOP / START     nothing more at all / again
  HELP
A command word with the wrong arguments ("FOLLOW", "GET a b") gets its usage back, not a post.
"""

import regex
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account, FollowRequest
from chirvir.core.errors import DomainError
from chirvir.core.paging import Page
from chirvir.gateways.models import Link, LinkFollowee
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.timelines import reads

# Far beyond any post: the longest text worth reading as one, cut off before anything parses it.
MAX_TEXT = 2000
_USERNAME = r"@?([A-Za-z0-9_]{1,30})"
_WORD = regex.compile(r"\s*(\S+)(?:\s+(.*))?", regex.DOTALL)
_ONE_NAME = regex.compile(rf"{_USERNAME}\s*")
_NAME_AND_TEXT = regex.compile(rf"{_USERNAME}\s+(\S.*)", regex.DOTALL)
_REPLY = regex.compile(r"@([A-Za-z0-9_]{1,30})\s+(\S.*)", regex.DOTALL)
NAMED = {"follow", "leave", "get", "whois"}  # a username must follow
TOGGLES = {"on", "off"}  # alone, or with a username
ALONE = {"stop", "start"}


def run(link: Link, text: str) -> list[str]:
    """Do what a confirmed link's message says and return the replies to send back. While the link
    is stopped, only START is heard and nothing else is answered. A message that fails posts
    nothing and says why."""
    account = link.account
    with translation.override(account.language or "en"):
        text = (text or "")[: MAX_TEXT + 1]
        if len(text) > MAX_TEXT:
            return [] if link.stopped else [_("That message is too long.")]
        word, rest = _split(text)
        if link.stopped and word != "start":
            return []
        try:
            return _command(link, account, word, rest, text.strip())
        except DomainError as e:
            return [str(e)]


def _split(text: str) -> tuple[str, str]:
    match = _WORD.match(text)
    if not match:
        return "", ""
    return match.group(1).lower(), (match.group(2) or "").strip()


def _command(link: Link, account: Account, word: str, rest: str, text: str) -> list[str]:
    if not text or (word == "help" and not rest):
        return [_help()]
    if word in ALONE and not rest:
        return _alone(link, word)
    if word in TOGGLES:
        return _toggle(link, account, word == "on", rest)
    if word in NAMED:
        name = _ONE_NAME.fullmatch(rest)
        if name is None:
            return [_usage(word)]
        return _named(link, account, word, _account_named(name.group(1)))
    if word == "d":
        if _NAME_AND_TEXT.fullmatch(rest) is None:
            return [_("To send a direct message: d username text")]
        statuses.post_status(account, text)
        return [_("Direct message sent.")]
    reply = _REPLY.fullmatch(text)
    if reply:
        return _reply(account, _account_named(reply.group(1)), text)
    statuses.post_status(account, text)
    return [_("Posted.")]


def _help() -> str:
    return _(
        "Send any text to post it. d NAME text: direct message. @NAME text: reply. FOLLOW/LEAVE NAME. "
        "ON/OFF: all updates. ON/OFF NAME: one account's posts. GET NAME: latest post. WHOIS NAME. "
        "STOP: nothing more. START: again."
    )


def _usage(word: str) -> str:
    return {
        "follow": _("To follow someone: FOLLOW username"),
        "leave": _("To stop following someone: LEAVE username"),
        "get": _("To read someone's latest post: GET username"),
        "whois": _("To learn who someone is: WHOIS username"),
    }[word]


def _account_named(username: str) -> Account:
    account = Account.objects.filter(username__iexact=username, is_active=True).first()
    if account is None:
        raise DomainError(_("Nobody is called %(name)s here.") % {"name": username})
    return account


def _alone(link: Link, word: str) -> list[str]:
    # STOP is obeyed at once and answered with silence: nothing more goes to the address.
    Link.objects.filter(id=link.id).update(stopped=word == "stop")
    link.stopped = word == "stop"
    return [] if link.stopped else [_("Welcome back: messages to this address are on again.")]


def _toggle(link: Link, account: Account, on: bool, rest: str) -> list[str]:
    if not rest:
        Link.objects.filter(id=link.id).update(updates_on=on)
        return [_("Updates are on.") if on else _("Updates are off.")]
    name = _ONE_NAME.fullmatch(rest)
    if name is None:
        return [_("To get one account's posts here: ON username (OFF username to stop)")]
    followee = _account_named(name.group(1))
    if not on:
        LinkFollowee.objects.filter(link=link, followee=followee).delete()
        return [_("You will no longer get posts of %(name)s here.") % {"name": followee.username}]
    relation = accounts.relation(account, followee)
    if not (relation.following or relation.requested):
        return [_("You don't follow %(name)s. Send FOLLOW %(name)s first.") % {"name": followee.username}]
    LinkFollowee.objects.get_or_create(link=link, followee=followee)
    return [_("You will get posts of %(name)s here.") % {"name": followee.username}]


def _named(link: Link, account: Account, word: str, target: Account) -> list[str]:
    if word == "follow":
        done = accounts.follow(account, target)
        if isinstance(done, FollowRequest):
            return [_("You asked to follow %(name)s.") % {"name": target.username}]
        return [_("You follow %(name)s now.") % {"name": target.username}]
    if word == "leave":
        with transaction.atomic():
            accounts.unfollow(account, target)
            LinkFollowee.objects.filter(link=link, followee=target).delete()
        return [_("You no longer follow %(name)s.") % {"name": target.username}]
    if word == "get":
        latest = _latest(account, target)
        if latest is None:
            return [_("%(name)s has no post you can see.") % {"name": target.username}]
        return [f"{target.username}: {latest.text}"]
    bio = " ".join(part for part in (target.display_name, target.location, target.note) if part)
    counts = _("%(followers)s followers, %(following)s following, %(posts)s posts") % {
        "followers": target.followers_count, "following": target.following_count, "posts": target.statuses_count,
    }
    return [f"{target.username}: {bio} ({counts})" if bio else f"{target.username} ({counts})"]


def _latest(account: Account, target: Account) -> Status | None:
    found = reads.account_statuses(account, target, Page(limit=1), exclude_reblogs=True)
    return found[0] if found else None


def _reply(account: Account, target: Account, text: str) -> list[str]:
    latest = _latest(account, target)
    statuses.post_status(account, text, in_reply_to_id=latest.id if latest else None)
    return [_("Reply sent.") if latest else _("Posted.")]
