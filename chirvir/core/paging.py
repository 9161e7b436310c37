"""Mastodon's paging by ID: newest first; max_id/since_id bound a page, min_id asks for the
page just above an ID (oldest first when fetched, returned newest first). Interfaces clamp a
requested limit to MAX_LIMIT; services may read wider pages for themselves."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from chirvir.core.errors import Invalid

DEFAULT_LIMIT = 20
MAX_LIMIT = 40


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT

    def __post_init__(self):
        if self.limit < 1:
            raise Invalid(_("The limit must be a positive number."))

    def contains(self, id_: int) -> bool:
        return (
            (self.max_id is None or id_ < self.max_id)
            and (self.since_id is None or id_ > self.since_id)
            and (self.min_id is None or id_ > self.min_id)
        )

    def take(self, ids_desc: list[int]) -> list[int]:
        """The page's IDs out of candidates sorted newest first."""
        inside = [i for i in ids_desc if self.contains(i)]
        if self.min_id is not None:
            return inside[-self.limit :]
        return inside[: self.limit]


def paginate(queryset, page: Page, field: str = "id") -> list:
    """One page of a queryset ordered by an ID-valued field, newest first."""
    if page.max_id is not None:
        queryset = queryset.filter(**{f"{field}__lt": page.max_id})
    if page.since_id is not None:
        queryset = queryset.filter(**{f"{field}__gt": page.since_id})
    if page.min_id is not None:
        rows = list(queryset.filter(**{f"{field}__gt": page.min_id}).order_by(field)[: page.limit])
        rows.reverse()
        return rows
    return list(queryset.order_by(f"-{field}")[: page.limit])
