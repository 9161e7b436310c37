"""Mastodon's media resource: upload (/api/v1/media, which answers once the file is written again,
and /api/v2/media, which answers 202 with `url: null` while a video is still processed), and one
upload's state, description and focus (/api/v1/media/:id)."""

from chirvir.api import serializers
from chirvir.api.base import ApiError, api, json_response
from chirvir.media import services


def _upload(request, params, wait: bool):
    media = services.upload_media(
        request.account,
        params.files.get("file"),
        description=params.text("description", ""),
        focus=params.text("focus"),
        wait=wait,
        thumbnail=params.files.get("thumbnail"),
    )
    return json_response(serializers.media_attachment(media), status=200 if media.processed else 202)


@api(methods=("POST",), scopes={"POST": "write:media"})
def create_v1(request, params):
    return _upload(request, params, wait=True)


@api(methods=("POST",), scopes={"POST": "write:media"})
def create_v2(request, params):
    return _upload(request, params, wait=False)


@api(methods=("GET", "PUT"), scopes={"GET": "write:media", "PUT": "write:media"})
def detail(request, params, media_id):
    if request.method == "PUT":
        media = services.update_media(
            request.account, media_id, description=params.text("description"), focus=params.text("focus")
        )
        return json_response(serializers.media_attachment(media))
    media = services.get_media(request.account, media_id)
    if media.error:
        raise ApiError(422, media.error)
    # Mastodon's 206: still being processed, ask again.
    return json_response(serializers.media_attachment(media), status=200 if media.processed else 206)
