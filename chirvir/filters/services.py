"""Use cases of filters: make, change and remove a person's filters, their keywords and their
posts, and the one matcher per viewer that tells which filters a status meets in a context.
Every reader (the API's timelines, notifications and threads, streaming, the web pages) asks the
matcher through the status serializer, so what a filter does is decided here only."""

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

import regex
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.queries import Prepared
from chirvir.filters.models import Action, Context, Filter, FilterKeyword, FilterStatus
from chirvir.statuses.models import Status
from chirvir.statuses.services import get_status

MAX_TITLE = 256
MAX_KEYWORD = 512
# Scripts written without spaces between words: a "whole word" there can only be found as a part.
UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
# The `regex` module's \w is Unicode's word character, marks included: a Devanagari vowel sign or
# an Arabic harakat is inside a word, where the standard `re` would see a word boundary.
WORD_CHAR = regex.compile(r"\w")


def list_filters(account: Account) -> list[Filter]:
    return list(Filter.objects.filter(account=account).prefetch_related("keywords", "statuses").order_by("id"))


def get_filter(account: Account, filter_id) -> Filter:
    found = Filter.objects.filter(account=account, id=parse_id(filter_id)).prefetch_related("keywords", "statuses")
    found = found.first()
    if found is None:
        raise NotFound(_("That filter does not exist."))
    return found


def _title(title: str | None) -> str:
    title = unicodedata.normalize("NFC", (title or "").strip())
    if not title:
        raise Invalid(_("A filter needs a title."))
    if len(title) > MAX_TITLE:
        raise Invalid(_("A filter's title may be at most %(limit)d characters long.") % {"limit": MAX_TITLE})
    return title


def _context(context) -> list[str]:
    chosen = [c for c in Context.values if c in set(context or [])]
    if not chosen or len(chosen) != len(set(context)):
        raise Invalid(_("Choose where the filter applies: home, notifications, public, thread or account."))
    return chosen


def _action(action: str | None) -> str:
    if action not in Action.values:
        raise Invalid(_("A filter warns, blurs or hides."))
    return action


def _expiry(expires_in) -> timezone.datetime | None:
    """When a filter that lasts `expires_in` seconds from now ends; none (empty) for ever."""
    if expires_in in (None, ""):
        return None
    try:
        seconds = int(expires_in)
    except (TypeError, ValueError):
        raise Invalid(_("expires_in must be a number of seconds.")) from None
    if seconds <= 0:
        raise Invalid(_("expires_in must be a number of seconds."))
    return timezone.now() + timedelta(seconds=min(seconds, 10 * 365 * 86400))


def _keyword(keyword: str | None) -> str:
    keyword = unicodedata.normalize("NFC", (keyword or "").strip())
    if not keyword:
        raise Invalid(_("A keyword may not be empty."))
    if len(keyword) > MAX_KEYWORD:
        raise Invalid(_("A keyword may be at most %(limit)d characters long.") % {"limit": MAX_KEYWORD})
    return keyword


@transaction.atomic
def create_filter(account: Account, title, context, *, filter_action="warn", expires_in=None, keywords=()) -> Filter:
    """A new filter; `keywords` are (keyword, whole_word) pairs."""
    created = Filter.objects.create(
        account=account,
        title=_title(title),
        context=_context(context),
        filter_action=_action(filter_action or Action.WARN),
        expires_at=_expiry(expires_in),
    )
    for keyword, whole_word in keywords:
        FilterKeyword.objects.create(filter=created, keyword=_keyword(keyword), whole_word=whole_word)
    return get_filter(account, created.id)


KEEP = object()


@transaction.atomic
def update_filter(
    account: Account, filter_id, *, title=None, context=None, filter_action=None, expires_in=KEEP, keywords=()
) -> Filter:
    """Change what is given; `keywords` are changes to its keywords: (id or None, keyword,
    whole_word, destroy), as Mastodon's keywords_attributes."""
    found = get_filter(account, filter_id)
    if title is not None:
        found.title = _title(title)
    if context is not None:
        found.context = _context(context)
    if filter_action is not None:
        found.filter_action = _action(filter_action)
    if expires_in is not KEEP:
        found.expires_at = _expiry(expires_in)
    found.save()
    for keyword_id, keyword, whole_word, destroy in keywords:
        if keyword_id is None:
            if not destroy:
                FilterKeyword.objects.create(filter=found, keyword=_keyword(keyword), whole_word=whole_word)
            continue
        row = FilterKeyword.objects.filter(filter=found, id=parse_id(keyword_id)).first()
        if row is None:
            raise NotFound(_("That keyword does not exist."))
        if destroy:
            row.delete()
        else:
            row.keyword = _keyword(keyword) if keyword is not None else row.keyword
            row.whole_word = row.whole_word if whole_word is None else whole_word
            row.save()
    return get_filter(account, found.id)


def delete_filter(account: Account, filter_id) -> None:
    get_filter(account, filter_id).delete()


def get_keyword(account: Account, keyword_id) -> FilterKeyword:
    found = FilterKeyword.objects.filter(filter__account=account, id=parse_id(keyword_id)).first()
    if found is None:
        raise NotFound(_("That keyword does not exist."))
    return found


def add_keyword(account: Account, filter_id, keyword, whole_word: bool = True) -> FilterKeyword:
    return FilterKeyword.objects.create(
        filter=get_filter(account, filter_id), keyword=_keyword(keyword), whole_word=whole_word
    )


def update_keyword(account: Account, keyword_id, keyword=None, whole_word=None) -> FilterKeyword:
    found = get_keyword(account, keyword_id)
    if keyword is not None:
        found.keyword = _keyword(keyword)
    if whole_word is not None:
        found.whole_word = whole_word
    found.save()
    return found


def remove_keyword(account: Account, keyword_id) -> None:
    get_keyword(account, keyword_id).delete()


def get_filter_status(account: Account, filter_status_id) -> FilterStatus:
    found = FilterStatus.objects.filter(filter__account=account, id=parse_id(filter_status_id)).first()
    if found is None:
        raise NotFound(_("That filtered post does not exist."))
    return found


def add_status(account: Account, filter_id, status_id) -> FilterStatus:
    """Filter one post; a post one may not see cannot be named (it would tell that it exists)."""
    status = get_status(account, status_id)
    found = get_filter(account, filter_id)
    row, _created = FilterStatus.objects.get_or_create(filter=found, status=status)
    return row


def remove_status(account: Account, filter_status_id) -> None:
    get_filter_status(account, filter_status_id).delete()


# Matching


@functools.lru_cache(maxsize=1024)
def _pattern(keywords: tuple[tuple[str, bool], ...]):
    """One compiled expression for a filter's keywords, each its own group so that a match names
    its keyword. Cached by the keywords themselves: an edit is a new key."""
    parts = []
    for keyword, whole_word in keywords:
        part = regex.escape(keyword)
        if whole_word and not UNSPACED.search(keyword):
            if WORD_CHAR.match(keyword[0]):
                part = r"(?<!\w)" + part
            if WORD_CHAR.match(keyword[-1]):
                part += r"(?!\w)"
        parts.append(f"({part})")
    return regex.compile("|".join(parts), regex.IGNORECASE | regex.FULLCASE)


@dataclass
class Result:
    """One filter a status meets: which of its keywords, and whether it names the post itself."""

    filter: Filter
    keyword_matches: list[str] | None = None
    status_matches: list[str] | None = None


@dataclass
class Matcher:
    """A viewer's filters in force for one context, compiled once for all the statuses of a response."""

    viewer_id: int | None = None
    filters: list[tuple[Filter, object, set[int]]] = field(default_factory=list)

    def results(self, status: Status, texts: list[str]) -> list[Result]:
        """The filters this status (a repost: its original) meets. One's own posts meet none, as
        at Mastodon: a filter is about what others write."""
        proper = status.reblog if status.reblog_id else status
        if not self.filters or proper.account_id == self.viewer_id:
            return []
        body = unicodedata.normalize("NFC", "\n".join(t for t in texts if t))
        found = []
        for flt, pattern, named in self.filters:
            keyword_matches = None
            if pattern is not None:
                matched = {m.lastindex - 1 for m in pattern.finditer(body)}
                if matched:
                    keyword_matches = [k.keyword for i, k in enumerate(flt.keywords.all()) if i in matched]
            status_matches = [str(s) for s in dict.fromkeys((status.id, proper.id)) if s in named] or None
            if keyword_matches or status_matches:
                found.append(Result(flt, keyword_matches, status_matches))
        return found

    @staticmethod
    def hides(results: list[Result]) -> bool:
        return any(r.filter.filter_action == Action.HIDE for r in results)


# Every read of a timeline asks it, and most viewers have no filter at all: compiled once
# (chirvir/core/queries.py), the time now an argument.
_IN_FORCE = Prepared(lambda viewer, now: Filter.objects.filter(account_id=viewer).in_force(now))


def matcher(viewer: Account | None, context: str | None) -> Matcher:
    """The viewer's filters for this context (none without a viewer or a context), expired ones left out."""
    if viewer is None or not viewer.is_authenticated or context is None:
        return Matcher()
    compiled = []
    in_force = _IN_FORCE(viewer.id, timezone.now())
    prefetch_related_objects(in_force, "keywords", "statuses")
    for flt in in_force:
        if context not in flt.context:
            continue
        keywords = tuple((k.keyword, k.whole_word) for k in flt.keywords.all())
        named = {s.status_id for s in flt.statuses.all()}
        compiled.append((flt, _pattern(keywords) if keywords else None, named))
    return Matcher(viewer.id, compiled)


# Version 1 of the API, as Mastodon maps it: a v1 filter is one keyword of a v2 filter, under the
# keyword's ID; `irreversible` is the "hide" action.


def list_keywords(account: Account) -> list[FilterKeyword]:
    return list(FilterKeyword.objects.filter(filter__account=account).select_related("filter").order_by("id"))


def create_filter_v1(account: Account, phrase, context, *, irreversible=False, whole_word=True, expires_in=None):
    """A filter titled by its one keyword."""
    created = create_filter(
        account,
        phrase,
        context,
        filter_action=Action.HIDE if irreversible else Action.WARN,
        expires_in=expires_in,
        keywords=[(phrase, whole_word)],
    )
    return created.keywords.all()[0]


@transaction.atomic
def update_filter_v1(
    account: Account, keyword_id, *, phrase=None, context=None, irreversible=None, whole_word=None, expires_in=KEEP
) -> FilterKeyword:
    keyword = update_keyword(account, keyword_id, phrase, whole_word)
    action = None if irreversible is None else (Action.HIDE if irreversible else Action.WARN)
    update_filter(account, keyword.filter_id, context=context, filter_action=action, expires_in=expires_in)
    return get_keyword(account, keyword.id)


@transaction.atomic
def delete_filter_v1(account: Account, keyword_id) -> None:
    """Remove the keyword, and its filter with it once the filter holds nothing else."""
    keyword = get_keyword(account, keyword_id)
    flt = keyword.filter
    keyword.delete()
    if not flt.keywords.exists() and not flt.statuses.exists():
        flt.delete()


def read(
    viewer: Account | None, statuses, context: str, media: dict | None = None
) -> tuple[list[Status], dict[int, list[Result]]]:
    """The statuses the viewer reads in `context` (those a filter hides left out), and what each
    of the rest meets; for pages, which have the statuses' media loaded (or give them in `media`,
    by the ID of the post that carries them)."""
    found = matcher(viewer, context)
    results = {}
    for s in statuses:
        proper = s.reblog if s.reblog_id else s
        carried = media[proper.id] if media is not None else proper.media_attachments.all()
        texts = [proper.text, proper.spoiler_text, *(m.description for m in carried)]
        results[s.id] = found.results(s, texts)
    return [s for s in statuses if not Matcher.hides(results[s.id])], results


@transaction.atomic
def save_filter(account: Account, filter_id, title, context, filter_action, expires_in, keywords, whole_word) -> Filter:
    """A filter as the settings page writes it: new (no `filter_id`) or changed, its keywords
    replaced by these (one `whole_word` for all of them)."""
    keywords = [k for k in dict.fromkeys(_keyword(k) for k in keywords if k.strip())]
    if filter_id is None:
        return create_filter(
            account, title, context, filter_action=filter_action, expires_in=expires_in,
            keywords=[(k, whole_word) for k in keywords],
        )
    found = update_filter(account, filter_id, title=title, context=context, filter_action=filter_action,
                          expires_in=expires_in)
    found.keywords.all().delete()
    for k in keywords:
        FilterKeyword.objects.create(filter=found, keyword=k, whole_word=whole_word)
    return get_filter(account, found.id)
