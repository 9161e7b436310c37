"""Feeds (RSS 2.0 and Atom, Django's syndication framework) of an account, a hashtag, a public
list and a search: an interface like the pages, reading through the audience gate as the
reader (anonymous, for a feed reader; a signed-in browser's person otherwise, so that a blocked
person finds no more here than on the pages), and of that only public posts: never unlisted,
followers-only or direct ones, nor a protected account's. Conditional GET: an ETag of the
feed's bytes and Last-Modified of its newest item, so a reader that polls gets 304 until
something changes."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page

from chirvir import audience
from chirvir.accounts.models import Account
from chirvir.core.errors import NotFound
from chirvir.core.paging import Page
from chirvir.lists import services as lists
from chirvir.search.services import search
from chirvir.statuses.models import Tag
from chirvir.timelines import reads

ITEMS = 20
TITLE_LENGTH = 80


@dataclass(frozen=True)
class Subject:
    """What a feed is of (an account, a hashtag's key, a list, a query), and who reads it: the
    feed objects serve every request, so the reader travels with the subject."""

    of: object
    reader: Account | None


def _reader(request) -> Account | None:
    return request.user if request.user.is_authenticated else None


def public_only(statuses) -> list:
    """Of what an anonymous reader may see, the public posts: a feed goes anywhere."""
    return [s for s in statuses if audience.goes_anywhere(s)][:ITEMS]


class Posts(Feed):
    """What every feed of posts shares: an item is a post, linked to its page."""

    feed_type = Rss201rev2Feed

    def link(self, subject):
        return settings.SITE_URL + self.page(subject.of)

    def title(self, subject):
        return self.named(subject.of)

    def description(self, subject):
        return self.named(subject.of)

    def item_title(self, status):
        text = status.spoiler_text or status.text
        return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"

    def item_description(self, status):
        if status.spoiler_text:
            return f"<p>{escape(_('Content warning'))}: {escape(status.spoiler_text)}</p>{status.content}"
        return status.content

    def item_link(self, status):
        return f"{settings.SITE_URL}/@{status.account.username}/{status.id}"

    def item_guid(self, status):
        return self.item_link(status)

    def item_pubdate(self, status):
        return status.created_at

    def item_updateddate(self, status):
        return status.edited_at or status.created_at

    def item_author_name(self, status):
        return status.account.display_name or status.account.username

    def item_author_link(self, status):
        return f"{settings.SITE_URL}/@{status.account.username}"


def _active_account(username: str, reader: Account | None) -> Account:
    account = Account.objects.filter(username__iexact=username, is_active=True).first()
    if account is None or account.locked:
        raise Http404  # a protected account has no feed: its posts go only to its followers
    if not audience.may_see_posts_of(audience.Viewer.of(reader), account):
        raise Http404
    return account


class AccountFeed(Posts):
    def get_object(self, request, username):
        reader = _reader(request)
        return Subject(_active_account(username, reader), reader)

    def page(self, account):
        return f"/@{account.username}"

    def named(self, account):
        return _("Posts by %(name)s (@%(username)s)") % {
            "name": account.display_name or account.username, "username": account.username
        }

    def items(self, subject):
        posts = reads.account_statuses(subject.reader, subject.of, Page(limit=2 * ITEMS), exclude_replies=True,
                                       exclude_reblogs=True)
        return public_only(posts)


class TagFeed(Posts):
    def get_object(self, request, name):
        key = Tag.key(name)
        if not key:
            raise Http404
        return Subject(key, _reader(request))

    def page(self, key):
        return f"/tags/{key}"

    def named(self, key):
        return _("Posts tagged #%(tag)s") % {"tag": key}

    def items(self, subject):
        return public_only(reads.hashtag(subject.reader, subject.of, Page(limit=2 * ITEMS)))


class ListFeed(Posts):
    def get_object(self, request, list_id):
        reader = _reader(request)
        try:
            lst = lists.readable_list(reader, list_id)
        except NotFound:
            raise Http404 from None
        if not lst.public:
            raise Http404  # a private list has no feed, even for its owner: feeds go anywhere
        return Subject(lst, reader)

    def page(self, lst):
        return f"/lists/{lst.id}"

    def named(self, lst):
        return _("List “%(title)s” by @%(username)s") % {"title": lst.title, "username": lst.owner.username}

    def items(self, subject):
        return public_only(reads.list_timeline(subject.reader, subject.of, Page(limit=2 * ITEMS)))


class SearchFeed(Posts):
    def get_object(self, request):
        q = request.GET.get("q", "").strip()[:200]
        if not q:
            raise Http404
        return Subject(q, _reader(request))

    def page(self, q):
        return f"/search?{urlencode({'q': q})}"

    def named(self, q):
        return _("Search results for “%(query)s”") % {"query": q}

    def items(self, subject):
        return public_only(search(subject.reader, subject.of, type="statuses", page=Page(limit=2 * ITEMS)).statuses)


def _atom(feed_class):
    return type(f"Atom{feed_class.__name__}", (feed_class,), {"feed_type": Atom1Feed, "subtitle": Posts.description})


def _served(feed_class):
    # conditional_page sets the ETag from the bytes and answers 304 to If-None-Match; the feed
    # itself sets Last-Modified from its newest item.
    return conditional_page(feed_class())


account_rss, account_atom = _served(AccountFeed), _served(_atom(AccountFeed))
tag_rss, tag_atom = _served(TagFeed), _served(_atom(TagFeed))
list_rss, list_atom = _served(ListFeed), _served(_atom(ListFeed))
search_rss, search_atom = _served(SearchFeed), _served(_atom(SearchFeed))
