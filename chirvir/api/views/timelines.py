"""Mastodon's timelines resource: home, public, hashtag and list."""

from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
from chirvir.lists import services as lists
from chirvir.timelines import reads


def _page(request, found, context):
    # The Link header pages by what was read, hidden statuses too, so the next page goes on past them.
    data = serializers.statuses(found, request.account, context)
    return json_response(data, headers=link_header(request, found))


@api(methods=("GET",), scopes={"GET": "read:statuses"})
def home(request, params):
    return _page(request, reads.home(request.account, params.page()), "home")


@api(methods=("GET",), scopes={"GET": "read:statuses"}, user="optional")
def public(request, params):
    if params.boolean("remote"):
        return json_response([])  # every account is local
    found = reads.public(request.account, params.page(), only_media=params.boolean("only_media"))
    return _page(request, found, "public")


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
    return _page(request, found, "public")



@api(methods=("GET",), scopes={"GET": "read:lists"}, user="optional")
def list_(request, params, list_id):
    """A list's timeline: the owner's, or beyond Mastodon anyone's that may read a public list."""
    lst = lists.readable_list(request.account, list_id)
    return _page(request, reads.list_timeline(request.account, lst, params.page()), "home")
