"""Mastodon's paging by ID: newest first; max_id/since_id bound a page, min_id asks for the
page just above an ID (oldest first when fetched, returned newest first)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chirvir.core.errors import Invalid

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT

    def __post_init__(self):
        if self.limit < 1:
            raise Invalid(_("The limit must be a positive number."))


def paginate(queryset, page: Page, field: str = "id") -> list:
    """One page of a queryset ordered by an ID-valued field, newest first."""
    return in_order(page, list(page_of(queryset, page, field)))


def page_of(queryset, page: Page, field: str = "id"):
    """The queryset of one page, as the database returns it (with min_id, oldest first: `in_order`)."""
    if page.max_id is not None:
        queryset = queryset.filter(**{f"{field}__lt": page.max_id})
    if page.since_id is not None:
        queryset = queryset.filter(**{f"{field}__gt": page.since_id})
    if page.min_id is not None:
        return queryset.filter(**{f"{field}__gt": page.min_id}).order_by(field)[: page.limit]
    return queryset.order_by(f"-{field}")[: page.limit]


def in_order(page: Page, rows: list) -> list:
    """The rows of `page_of`, newest first."""
    if page.min_id is not None:
        rows.reverse()
    return rows


def read_kept(queryset, page: Page, keep: Callable[[object], bool]) -> list:
    """One page of the rows that `keep` accepts: reads on past the rows it drops (those the
    audience gate hides) until the page is full or the rows run out."""
    result = []
    cursor = page
    while True:
        rows = paginate(queryset, cursor)
        result += [row for row in rows if keep(row)]
        if len(result) >= page.limit or len(rows) < page.limit or page.min_id is not None:
            return result[: page.limit]
        cursor = Page(max_id=rows[-1].id, since_id=page.since_id, limit=page.limit)
