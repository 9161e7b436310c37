"""Pictures in posts (issue 9): a client app uploads a file it made, describes it, and posts it.
What is served is a picture Chirvir wrote again: upright, without EXIF or GPS, at most 1920 px,
with a preview and a blurhash. A bomb, a truncated file and a page dressed as a picture are
refused with a 422 that says why; a picture is known by its bytes, never by its name."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from chirvir.media.blurhash import ALPHABET
from chirvir.media.models import MediaAttachment
from chirvir.statuses import services as statuses
from tests.media.test_image_uploads import assert_served_as_image_only, jpeg, photo_taken_on_its_side_with_gps
from tests.media.test_image_uploads import png_bomb, served


def upload(client, name: str, data: bytes, version: int = 2, **fields):
    return client.post(f"/api/v{version}/media", {"file": SimpleUploadedFile(name, data), **fields})


def png(size=(40, 20), colour="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def post(client, **data):
    return client.post("/api/v1/statuses", json.dumps(data), content_type="application/json")


def test_a_photo_is_posted_with_its_alt_text_and_served_upright_without_gps(as_alice, client):
    photo = photo_taken_on_its_side_with_gps()
    response = upload(as_alice, "holiday.jpg", photo, description="A teal sea at dawn", focus="0.5,-0.25")
    assert response.status_code == 200
    media = response.json()
    assert media["type"] == "image" and media["description"] == "A teal sea at dawn"
    assert re.search(r"/media/media/[0-9a-f]{32}\.jpg$", media["url"])
    assert media["meta"]["original"] == {"width": 30, "height": 60, "size": "30x60", "aspect": 0.5}
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert len(media["blurhash"]) == 28 and set(media["blurhash"]) <= set(ALPHABET)
    for url in (media["url"], media["preview_url"]):
        response, body = served(client, url)
        assert_served_as_image_only(response, "image/jpeg")
        image = Image.open(io.BytesIO(body))
        assert image.size == (30, 60)  # turned as the camera said
        assert not image.getexif() and b"Exif" not in body and b"Chirvir Camera" not in body

    posted = post(as_alice, status="", media_ids=[media["id"]])  # a picture needs no words
    assert posted.status_code == 200
    shown = client.get(f"/api/v1/statuses/{posted.json()['id']}").json()
    assert [m["id"] for m in shown["media_attachments"]] == [media["id"]]
    assert shown["media_attachments"][0]["description"] == "A teal sea at dawn"


def test_large_pictures_are_shrunk_with_a_preview(as_alice, client):
    media = upload(as_alice, "wide.jpg", jpeg((4000, 1000))).json()
    assert media["meta"]["original"]["size"] == "1920x480" and media["meta"]["small"]["size"] == "640x160"
    assert Image.open(io.BytesIO(served(client, media["url"])[1])).size == (1920, 480)
    assert Image.open(io.BytesIO(served(client, media["preview_url"])[1])).size == (640, 160)


def truncated_jpeg() -> bytes:
    whole = jpeg((300, 300))
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("huge.png", lambda: png_bomb(30000, 30000), "too large: at most 33 million pixels"),
        ("cut.jpg", truncated_jpeg, "damaged or incomplete"),
        ("cat.png", lambda: b"<!doctype html><script>alert(1)</script>", "must be a PNG, JPEG, GIF or WebP image"),
    ],
    ids=["a 30,000 x 30,000 PNG", "a truncated JPEG", "an HTML file named .png"],
)
def test_bad_files_get_a_clear_422_and_nothing_is_kept(as_alice, alice, name, data, message):
    for version in (1, 2):
        response = upload(as_alice, name, data(), version=version)
        assert response.status_code == 422
        assert message in response.json()["error"]
    assert not MediaAttachment.objects.filter(account=alice).exists()


def test_a_png_named_jpg_is_known_by_its_bytes_and_served_as_a_png(as_alice, client):
    media = upload(as_alice, "photo.jpg", png(), version=1).json()
    assert media["url"].endswith(".png")
    response, body = served(client, media["url"])
    assert_served_as_image_only(response, "image/png")
    assert Image.open(io.BytesIO(body)).format == "PNG"


def test_a_post_takes_at_most_four_of_its_authors_own_free_media(as_alice, as_bob):
    mine = [upload(as_alice, f"{i}.png", png()).json()["id"] for i in range(5)]
    bobs = upload(as_bob, "bob.png", png()).json()["id"]
    too_many = post(as_alice, status="five", media_ids=mine)
    assert too_many.status_code == 422 and "at most 4" in too_many.json()["error"]
    assert post(as_alice, status="not mine", media_ids=[bobs]).status_code == 422
    four = post(as_alice, status="four", media_ids=mine[3::-1])
    assert [m["id"] for m in four.json()["media_attachments"]] == mine[3::-1]  # in the order given
    again = post(as_alice, status="again", media_ids=[mine[0]])
    assert again.status_code == 422 and "attached to another post" in again.json()["error"]
    assert post(as_alice, status="", media_ids=[]).status_code == 422  # no words and no media


def test_an_edit_replaces_the_media_and_the_old_ones_go_free(as_alice, alice):
    first, second = (upload(as_alice, f"{i}.png", png()).json()["id"] for i in range(2))
    status = post(as_alice, status="look", media_ids=[first]).json()
    edited = as_alice.put(
        f"/api/v1/statuses/{status['id']}", json.dumps({"status": "look again", "media_ids": [second]}),
        content_type="application/json",
    )
    assert [m["id"] for m in edited.json()["media_attachments"]] == [second]
    assert edited.json()["edited_at"] is not None
    kept = as_alice.put(
        f"/api/v1/statuses/{status['id']}", json.dumps({"status": "words only"}), content_type="application/json"
    )
    assert [m["id"] for m in kept.json()["media_attachments"]] == [second]
    assert MediaAttachment.objects.get(id=first).status_id is None
    assert post(as_alice, status="reused", media_ids=[first]).status_code == 200


def test_alt_text_and_focus_change_until_a_post_takes_the_media(as_alice, as_bob):
    media = upload(as_alice, "a.png", png()).json()
    changed = as_alice.put(f"/api/v1/media/{media['id']}", {"description": "A teal box", "focus": "-1,1"},
                           content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["description"] == "A teal box" and changed.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    assert as_alice.get(f"/api/v1/media/{media['id']}").json()["description"] == "A teal box"
    assert as_bob.get(f"/api/v1/media/{media['id']}").status_code == 404  # not bob's
    bad_focus = as_alice.put(f"/api/v1/media/{media['id']}", json.dumps({"focus": "2,0"}),
                             content_type="application/json")
    assert bad_focus.status_code == 422
    too_long = as_alice.put(f"/api/v1/media/{media['id']}", json.dumps({"description": "x" * 1501}),
                            content_type="application/json")
    assert too_long.status_code == 422 and "1500" in too_long.json()["error"]
    post(as_alice, status="posted", media_ids=[media["id"]])
    later = as_alice.put(f"/api/v1/media/{media['id']}", json.dumps({"description": "too late"}),
                         content_type="application/json")
    assert later.status_code == 404


def test_only_media_keeps_the_posts_with_media(as_alice, alice, client):
    media = upload(as_alice, "a.png", png()).json()
    with_picture = post(as_alice, status="with a picture #art", media_ids=[media["id"]]).json()
    statuses.post_status(alice, "words only #art")
    for path in ("/api/v1/timelines/public", f"/api/v1/accounts/{alice.id}/statuses", "/api/v1/timelines/tag/art"):
        assert len(client.get(path).json()) == 2
        assert [s["id"] for s in client.get(path, {"only_media": "true"}).json()] == [with_picture["id"]]


def test_a_deleted_post_lets_its_media_go_free_for_a_redraft(as_alice):
    media = upload(as_alice, "a.png", png()).json()
    status = post(as_alice, status="first draft", media_ids=[media["id"]]).json()
    deleted = as_alice.delete(f"/api/v1/statuses/{status['id']}").json()
    assert [m["id"] for m in deleted["media_attachments"]] == [media["id"]]
    assert post(as_alice, status="second draft", media_ids=[media["id"]]).status_code == 200


def test_uploading_needs_the_media_scope(api_client, alice):
    reader = api_client(alice, scopes="read")
    assert upload(reader, "a.png", png()).status_code == 403
    assert upload(Client(), "a.png", png()).status_code == 401
