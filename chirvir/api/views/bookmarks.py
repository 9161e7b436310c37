"""Mastodon's bookmarks and favourites lists (paged by the bookmark or like, not the status)."""

from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
from chirvir.timelines import reads


def _rows(request, rows):
    return json_response(
        serializers.statuses([r.status for r in rows], request.account), headers=link_header(request, rows)
    )


@api(methods=("GET",), scopes={"GET": "read:bookmarks"})
def bookmarks(request, params):
    return _rows(request, reads.bookmarks(request.account, params.page()))


@api(methods=("GET",), scopes={"GET": "read:favourites"})
def favourites(request, params):
    return _rows(request, reads.favourites(request.account, params.page()))
