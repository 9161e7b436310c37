"""Media from real clients against a live server: Mastodon.py's media_post and toot's
`post --media FILE --description`, as apps and people use them, and a video through a real
`chirvir serve` whose job consumer writes it again after the upload is answered (202, url null),
heard on the public:media stream once posted."""

import io
import json

import httpx
import pytest
from PIL import Image

from chirvir.statuses.models import Status
from tests.media.clips import clip, needs_ffmpeg
from tests.media.test_image_uploads import photo_taken_on_its_side_with_gps
from tests.streaming.conftest import Community
from tests.servers import serving


def test_mastodon_py_uploads_describes_and_posts_a_photo(mastodon_for, alice, tmp_path):
    app = mastodon_for(alice)
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(photo_taken_on_its_side_with_gps())
    media = app.media_post(str(photo), description="The harbour at noon", focus=(0.2, -0.4))
    assert media.type == "image" and media.url and media.description == "The harbour at noon"
    changed = app.media_update(media, description="The harbour at noon, from the hill")
    assert changed.description == "The harbour at noon, from the hill"
    status = app.status_post("Harbour", media_ids=[media])
    shown = app.status(status.id).media_attachments[0]
    assert shown.id == media.id and shown.description == "The harbour at noon, from the hill"
    served = httpx.get(shown.url)
    assert served.headers["content-type"] == "image/jpeg" and b"Exif" not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (30, 60)
    assert [s.id for s in app.timeline_public(only_media=True)] == [status.id]


def test_toot_posts_a_photo_with_its_description(toot, live_server, make_account, tmp_path):
    make_account("alice", email="alice@example.com")
    toot("login_cli", "--instance", live_server.url, "--email", "alice@example.com", "--password", "a long password 7")
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(photo_taken_on_its_side_with_gps())
    posted = toot("post", "--media", str(photo), "--description", "Boats in a row", "Boats!")
    assert "Toot posted" in posted
    status = Status.objects.get(text="Boats!")
    [media] = status.media_attachments.all()
    assert media.description == "Boats in a row" and media.file.name.endswith(".jpg")
    assert b"Exif" not in media.file.read()


@needs_ffmpeg
@pytest.mark.slow
def test_a_video_is_processed_after_the_upload_and_heard_on_the_media_stream(tmp_path):
    (tmp_path / "server").mkdir()
    with serving(tmp_path / "server", CHIRVIR_RATE_LIMIT="0") as base:
        community = Community(base, tmp_path / "server")
        alice = community.join("alice")
        data = clip(tmp_path, "waves.mp4")
        answered = httpx.post(
            f"{base}/api/v2/media",
            headers={"Authorization": f"Bearer {alice.token}"},
            files={"file": ("waves.mp4", data, "video/mp4")},
            data={"description": "Waves"},
        )
        assert answered.status_code == 202 and answered.json()["url"] is None
        media = alice.api.media_post(str(tmp_path / "waves.mp4"), description="More waves", synchronous=True)
        assert media.type == "video" and media.url.endswith(".mp4") and media.preview_url.endswith(".jpg")
        first = alice.api.media(answered.json()["id"])  # processed by now, behind the second
        assert first.url and first.meta.original.duration > 0.9
        with community.sse("public", only_media="true") as stream:
            alice.api.status_post("words only")
            with_video = alice.api.status_post("the sea", media_ids=[first])
            event, payload = stream.next_event()
            assert event == "update" and json.loads(payload)["id"] == str(with_video.id)
            assert json.loads(payload)["media_attachments"][0]["type"] == "video"
