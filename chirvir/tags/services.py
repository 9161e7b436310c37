"""Following and featuring hashtags. A followed hashtag's public posts reach the follower's home
(the rule is timelines/delivery.py's, with every other way a post goes there); a featured one is
shown on the account's profile with how often the account used it."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.audience import OPEN
from chirvir.core import text
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.paging import Page, paginate
from chirvir.statuses.models import StatusTag, Tag
from chirvir.tags.models import FeaturedTag, TagFollow
from chirvir.timelines.tasks import tag_unmerge_job
from chirvir.trends.services import tag_history

# As Mastodon caps them; the instance document says the same number (accounts.max_featured_tags).
MAX_FEATURED_TAGS = 10
SUGGESTED_TAGS = 10


def _key(name: str) -> str:
    """A hashtag's key from a name as a client or a page sends it (with or without its "#"),
    refused when it is no hashtag at all."""
    name = (name or "").strip().removeprefix("#").removeprefix("＃")
    if not name or not text.is_valid_hashtag(name):
        raise NotFound(_("That is not a hashtag."))
    return Tag.key(name)


def find_tag(name: str) -> Tag:
    """The hashtag by name; one never used is a new, unsaved Tag (it exists once followed,
    featured or posted)."""
    key = _key(name)
    return Tag.objects.filter(name=key).first() or Tag(name=key)


def _stored(name: str) -> Tag:
    key = _key(name)
    try:
        with transaction.atomic():
            return Tag.objects.get_or_create(name=key)[0]
    except IntegrityError:  # made at the same moment by another request or a post
        return Tag.objects.get(name=key)


@dataclass(frozen=True)
class TagInfo:
    """A hashtag as its Tag entity shows it to a viewer."""

    tag: Tag
    history: list[dict]
    following: bool | None  # None for a visitor


def tag_info(viewer: Account | None, name: str) -> TagInfo:
    tag = find_tag(name)
    following = None
    if viewer is not None:
        following = tag.pk is not None and TagFollow.objects.filter(account=viewer, tag=tag).exists()
    return TagInfo(tag=tag, history=tag_history(tag.name), following=following)


def follow_tag(account: Account, name: str) -> TagInfo:
    """Follow a hashtag: its public posts from now on reach the account's home. Following again
    changes nothing."""
    tag = _stored(name)
    TagFollow.objects.get_or_create(account=account, tag=tag)
    return tag_info(account, tag.name)


def unfollow_tag(account: Account, name: str) -> TagInfo:
    """Stop following a hashtag: its posts stop arriving, and those at home leave it, but the
    posts of accounts one follows or that carry another hashtag one follows (as on Mastodon)."""
    tag = find_tag(name)
    if tag.pk is not None:
        with transaction.atomic():
            deleted, _rows = TagFollow.objects.filter(account=account, tag=tag).delete()
            if deleted:
                transaction.on_commit(lambda: tag_unmerge_job(account.id, tag.id))
    return tag_info(account, tag.name)


def followed_tags(account: Account, page: Page = Page(limit=100)) -> list[TagFollow]:
    """The hashtags the account follows, newest follow first, paged by the follow's ID."""
    return paginate(TagFollow.objects.filter(account=account).select_related("tag"), page)


@dataclass(frozen=True)
class Featured:
    """A featured hashtag with the account's use of it (Mastodon's FeaturedTag)."""

    featured: FeaturedTag
    statuses_count: int
    last_status_at: datetime | None


def _uses(account: Account):
    """The account's own posts with hashtags that anyone may read (public and unlisted)."""
    return StatusTag.objects.filter(status__account=account, status__visibility__in=OPEN, status__reblog__isnull=True)


def featured_tags(account: Account) -> list[Featured]:
    """The hashtags an account features, oldest first, as its profile shows them."""
    rows = list(FeaturedTag.objects.filter(account=account).select_related("tag").order_by("id"))
    counts = {
        row["tag_id"]: row
        for row in _uses(account)
        .filter(tag_id__in=[r.tag_id for r in rows])
        .values("tag_id")
        .annotate(n=Count("status_id"), last=Max("status__created_at"))
    }
    return [
        Featured(r, counts.get(r.tag_id, {}).get("n", 0), counts.get(r.tag_id, {}).get("last")) for r in rows
    ]


@transaction.atomic
def feature_tag(account: Account, name: str) -> Featured:
    """Feature a hashtag on the account's profile: at most MAX_FEATURED_TAGS; featuring one
    again gives back the one there is."""
    tag = _stored(name)
    Account.objects.select_for_update().filter(pk=account.pk).first()  # one count at a time
    existing = FeaturedTag.objects.filter(account=account, tag=tag).first()
    if existing is None:
        if FeaturedTag.objects.filter(account=account).count() >= MAX_FEATURED_TAGS:
            raise Invalid(f"Validation failed: You can feature at most {MAX_FEATURED_TAGS} hashtags")
        existing = FeaturedTag.objects.create(account=account, tag=tag)
    return next(f for f in featured_tags(account) if f.featured.id == existing.id)


def unfeature_tag(account: Account, featured_tag_id: int) -> None:
    deleted, _rows = FeaturedTag.objects.filter(account=account, id=featured_tag_id).delete()
    if not deleted:
        raise NotFound(_("That featured hashtag does not exist."))


def suggested_tags(account: Account) -> list[Tag]:
    """The hashtags the account uses most in its posts that it does not feature yet."""
    featured = FeaturedTag.objects.filter(account=account).values("tag_id")
    top = (
        _uses(account)
        .exclude(tag_id__in=featured)
        .values("tag_id")
        .annotate(n=Count("status_id"))
        .order_by("-n", "tag_id")[:SUGGESTED_TAGS]
    )
    ids = [row["tag_id"] for row in top]
    by_id = Tag.objects.in_bulk(ids)
    return [by_id[i] for i in ids]
