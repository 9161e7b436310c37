"""Mastodon's tags, followed_tags and featured_tags resources: hashtags one follows (their posts
reach one's home) and those one features on one's profile."""

from chirvir.accounts import services as accounts
from chirvir.api import serializers
from chirvir.api.base import api, json_response, link_header
from chirvir.core.ids import parse_id
from chirvir.core.errors import NotFound
from chirvir.tags import services


@api(methods=("GET",), user="optional")  # public, as Mastodon's
def detail(request, params, hashtag):
    return json_response(serializers.tag_with_history(services.tag_info(request.account, hashtag)))


@api(methods=("POST",), scopes={"POST": "write:follows"})
def follow(request, params, hashtag):
    return json_response(serializers.tag_with_history(services.follow_tag(request.account, hashtag)))


@api(methods=("POST",), scopes={"POST": "write:follows"})
def unfollow(request, params, hashtag):
    return json_response(serializers.tag_with_history(services.unfollow_tag(request.account, hashtag)))


@api(methods=("GET",), scopes={"GET": "read:follows"})
def followed_tags(request, params):
    found = services.followed_tags(request.account, params.page(100))
    shown = [serializers.tag_with_history(services.tag_info(request.account, f.tag.name)) for f in found]
    return json_response(shown, headers=link_header(request, found))


@api(methods=("GET", "POST"), scopes={"GET": "read:accounts", "POST": "write:accounts"})
def featured_tags(request, params):
    if request.method == "POST":
        featured = services.feature_tag(request.account, params.required("name"))
        return json_response(serializers.featured_tag(featured))
    return json_response([serializers.featured_tag(f) for f in services.featured_tags(request.account)])


@api(methods=("DELETE",), scopes={"DELETE": "write:accounts"})
def featured_tag(request, params, featured_tag_id):
    wanted = parse_id(featured_tag_id)
    if wanted is None:
        raise NotFound("Record not found")
    services.unfeature_tag(request.account, wanted)
    return json_response({})


@api(methods=("GET",), scopes={"GET": "read:accounts"})
def featured_tag_suggestions(request, params):
    found = services.suggested_tags(request.account)
    return json_response([serializers.tag_with_history(services.tag_info(request.account, t.name)) for t in found])


@api(methods=("GET",), scopes={"GET": "read:accounts"}, user="optional")
def featured_tags_of(request, params, account_id):
    account = accounts.get_account(account_id)
    return json_response([serializers.featured_tag(f) for f in services.featured_tags(account)])
