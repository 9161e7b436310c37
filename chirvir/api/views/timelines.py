"""Mastodon's timelines resource: home, public and hashtag."""

from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
from chirvir.timelines import reads


def _page(request, found):
    return json_response(serializers.statuses(found, request.account), headers=link_header(request, found))


@api(methods=("GET",), scopes={"GET": "read:statuses"})
def home(request, params):
    return _page(request, reads.home(request.account, params.page()))


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def public(request, params):
    if params.boolean("remote"):
        return json_response([])  # every account is local
    return _page(request, reads.public(request.account, params.page(), only_media=params.boolean("only_media")))


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def tag(request, params, hashtag):
    if params.boolean("remote"):
        return json_response([])
    found = reads.hashtag(
        request.account,
        hashtag,
        params.page(),
        any_of=params.array("any"),
        all_of=params.array("all"),
        none_of=params.array("none"),
        only_media=params.boolean("only_media"),
    )
    return _page(request, found)
