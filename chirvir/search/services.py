"""Search: posts by the words they hold, accounts by the start of their names, hashtags by the
start of theirs, each only as far as the audience gate lets the searcher see. Posts and accounts
are indexed in the transaction that stores, edits or deletes them, so the index never lags them.
Nothing is looked up on other servers: Chirvir does not federate, so `resolve` finds only what
is here already."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from chirvir.accounts.models import Account, Block
from chirvir.audience import Viewer, can_see, visible_q
from chirvir.core import replicas
from chirvir.core.paging import Page, read_kept
from chirvir.search import tokens
from chirvir.search.index import index
from chirvir.statuses.models import Status, StatusTag, Tag

TYPES = ("accounts", "hashtags", "statuses")
MAX_READ = 10_000  # matching posts one search reads at most (see _walk_matches)


def index_status(status) -> None:
    """Index a post (never a repost: it has no words of its own) under its text and content
    warning. Called again after an edit, it replaces what the post was indexed under."""
    index().put("status", status.id, tokens.terms(f"{status.spoiler_text}\n{status.text}"))


def unindex_status(status_id: int) -> None:
    index().remove("status", status_id)


def index_account(account) -> None:
    """Index an account under the words of its username ("ada_lovelace" is found by "love")
    and of its display name."""
    words = f"{account.username.replace('_', ' ')} {account.display_name}"
    index().put("account", account.id, tokens.terms(words))


def unindex_account(account_id: int) -> None:
    index().remove("account", account_id)


@dataclass(frozen=True)
class Results:
    accounts: list[Account] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    hashtags: list[Tag] = field(default_factory=list)


@replicas.may_lag
def search(
    account: Account | None,
    q: str,
    *,
    type: str | None = None,
    following: bool = False,
    account_id: int | None = None,
    page: Page = Page(),
    offset: int = 0,
) -> Results:
    """What the viewer may see that matches `q`, of one type or of all three: `page.limit` of
    each, after skipping `offset`. Posts come newest first and page by ID (`max_id`, `min_id`);
    `account_id` keeps the posts of one author, `following` the accounts the viewer follows. An
    unknown type finds nothing, as on Mastodon."""
    viewer = Viewer.of(account)
    q = (q or "").strip()
    wanted = TYPES if type is None else (type,) if type in TYPES else ()
    accounts = (
        _accounts(viewer, q, limit=page.limit, offset=offset, following=following) if "accounts" in wanted else []
    )
    posts = _statuses(viewer, q, page=page, offset=offset, account_id=account_id) if "statuses" in wanted else []
    hashtags = _hashtags(viewer, q, limit=page.limit, offset=offset) if "hashtags" in wanted else []
    return Results(accounts=accounts, statuses=posts, hashtags=hashtags)


def _local_username(q: str) -> str | None:
    """The username that `q` names as an address ("@ada", "ada@this.host"), if it is one here."""
    name, _at, domain = q.lstrip("@").partition("@")
    if domain and domain.lower() not in {settings.DOMAIN.lower(), urlsplit(settings.SITE_URL).netloc.lower()}:
        return None
    return name or None


def _accounts(viewer: Viewer, q: str, *, limit: int = 40, offset: int = 0, following: bool = False):
    """Accounts whose username or display name has words starting with those of `q`, in any
    script. The account that `q` names exactly comes first, as clients expect (toot picks its
    match by `acct`), then usernames that start with it, then the most followed. Suspended
    accounts, and those blocking or blocked by the viewer, are never found, but for an account
    the viewer blocks that `q` names exactly: else no one could find whom they blocked to unblock
    them (toot's `unblock` searches first), and Mastodon's exact match ignores blocks too."""
    q = q.strip()
    username = _local_username(q)
    if username is None:
        return []  # an address on another server: nothing is fetched from there
    query = tokens.query(username if "@" in q.lstrip("@") else q, prefix=True)
    if not query:
        return []
    sql, params = index().matching("account", query)
    found = Account.objects.filter(Q(id__in=RawSQL(sql, params)) | Q(username__iexact=username))
    own_block = Block.objects.filter(account_id=viewer.id, target_account__username__iexact=username)
    named = set(own_block.values_list("target_account_id", flat=True)) if viewer.id else set()
    found = found.filter(is_active=True).exclude(id__in=viewer.blocked - named)
    if following:
        found = found.filter(id__in=viewer.following)
    rank = Case(
        When(username__iexact=username, then=Value(0)),
        When(username__istartswith=username, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ranked = found.annotate(rank=rank).order_by("rank", "-followers_count", Lower("username"))
    return list(ranked[offset : offset + limit])


def _status_by_url(viewer: Viewer, q: str) -> list[Status]:
    """The local post that `q` is the address of, its `url` or its `uri` (clients resolve a
    pasted link this way)."""
    if not q.startswith((f"{settings.SITE_URL}/@", f"{settings.SITE_URL}/users/")):
        return []
    _prefix, _slash, last = q.rstrip("/").rpartition("/")
    if not last.isdigit():
        return []
    found = Status.objects.gated().filter(id=int(last)).first()
    return [found] if found is not None and can_see(viewer, found) else []


def _hashtag_terms(q: str) -> tuple[list[str], str]:
    """`q` parted as Mastodon's search parts it: each "#word" names a hashtag the post must
    carry, exactly (so "#hashtag" does not find a post tagged #hashtag_x, whose words the index
    would otherwise split at "_"); the other words are looked for in the text."""
    tags, words = [], []
    for word in q.split():
        (tags if word.startswith("#") and len(word) > 1 else words).append(word)
    return [Tag.key(tag[1:]) for tag in tags], " ".join(words)


def _statuses(viewer: Viewer, q: str, *, page: Page = Page(), offset: int = 0, account_id: int | None = None):
    """Posts holding every word of `q` (a run of Chinese or Japanese matches where it appears
    inside a longer one) and every hashtag it names, newest first; reposts are not results, their
    originals are. The gate decides what is seen, and the authors the viewer mutes are left out,
    as on timelines."""
    if by_url := _status_by_url(viewer, q):
        return by_url
    tags, words = _hashtag_terms(q)
    query = tokens.query(words)
    if not query and not tags:
        return []
    found = Status.objects.filter(visible_q(viewer)).exclude(account_id__in=viewer.muting).gated()
    for tag in tags:
        found = found.filter(Exists(StatusTag.objects.filter(status=OuterRef("pk"), tag__name=tag)))
    wanted = page.limit + offset
    if not query:
        # Hashtags alone: the posts carrying them, read newest first as a tag's timeline is.
        found = found if account_id is None else found.filter(account_id=account_id)
        cursor = Page(max_id=page.max_id, since_id=page.since_id, min_id=page.min_id, limit=wanted)
        return read_kept(found, cursor, lambda s: can_see(viewer, s))[offset:]
    if account_id is not None:
        # One author's posts, walked through their own index, each checked against the matches.
        sql, params = index().matching("status", query)
        found = found.filter(account_id=account_id, id__in=RawSQL(sql, params))
        cursor = Page(max_id=page.max_id, since_id=page.since_id, min_id=page.min_id, limit=wanted)
        return read_kept(found, cursor, lambda s: can_see(viewer, s))[offset:]
    return _walk_matches(viewer, query, found, page, wanted)[offset:]


def _walk_matches(viewer: Viewer, query, found, page: Page, wanted: int) -> list[Status]:
    """Pages of matching IDs read from the index in order (newest first, or oldest first above
    `min_id`), each kept as far as the gate lets the viewer see it, until `wanted` are kept: a
    common word costs the pages it takes, not every post that holds it. At most MAX_READ matches
    are read for one search, so a word in many posts the viewer may not see has bounded work."""
    ascending = page.min_id is not None
    below, above = page.max_id, page.min_id if ascending else page.since_id
    kept: list[Status] = []
    chunk = min(max(2 * wanted, 100), 1000)
    for _ in range(MAX_READ // chunk):
        ids = index().ids("status", query, below=below, above=above, ascending=ascending, limit=chunk)
        rows = {s.id: s for s in found.filter(id__in=ids)}
        kept += [rows[i] for i in ids if i in rows and can_see(viewer, rows[i])]
        if len(kept) >= wanted or len(ids) < chunk:
            break
        below, above = (below, ids[-1]) if ascending else (ids[-1], above)
    kept = kept[:wanted]
    return kept[::-1] if ascending else kept


def _hashtags(viewer: Viewer, q: str, *, limit: int = 20, offset: int = 0) -> list[Tag]:
    """Hashtags whose name starts with `q` (without its "#"), the exact one first, then the
    shortest; only those on a post the viewer may see, so a tag of private posts stays private."""
    key = Tag.key(q.strip().lstrip("#"))
    if not key or any(ch.isspace() for ch in key):
        return []
    seen = StatusTag.objects.filter(tag=OuterRef("pk")).filter(visible_q(viewer, "status__"))
    found = Tag.objects.filter(name__startswith=key).filter(Exists(seen))
    rank = Case(When(name=key, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(found.annotate(rank=rank).order_by("rank", "name")[offset : offset + limit])
