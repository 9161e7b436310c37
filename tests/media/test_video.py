"""Video and sound in posts (issue 9), through Debian's ffmpeg: a clip the test makes is checked
by its bytes, written again as MP4 (H.264, AAC) or MP3 without its metadata, told with its size
and duration, a video with a poster frame, and served as that type with byte ranges. Without
ffmpeg, video is refused with a message that says so, and the instance document offers none."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from chirvir.media.models import MediaAttachment
from tests.media.clips import SECRET, clip, needs_ffmpeg, probe
from tests.media.test_attachments import png, post, upload
from tests.media.test_image_uploads import POLICY, served


@needs_ffmpeg
def test_a_clip_is_served_as_mp4_with_its_duration_and_poster_and_without_its_metadata(as_alice, tmp_path):
    response = upload(as_alice, "holiday.mp4", clip(tmp_path, "holiday.mp4"), version=1, description="Waves")
    assert response.status_code == 200
    media = response.json()
    assert media["type"] == "video" and media["url"].endswith(".mp4") and media["description"] == "Waves"
    meta = media["meta"]
    assert (meta["width"], meta["height"], meta["fps"]) == (320, 240, 25)
    assert 0.9 <= meta["duration"] <= 1.2 and meta["length"].startswith("0:00:01")
    assert meta["small"]["size"] == "320x240" and media["blurhash"]

    client = Client()
    whole, body = served(client, media["url"])
    assert whole.status_code == 200 and whole["Content-Type"] == "video/mp4"
    assert whole["X-Content-Type-Options"] == "nosniff" and whole["Content-Security-Policy"] == POLICY
    found = probe(body, tmp_path)
    assert SECRET.encode() not in body and b"43.25" not in body
    assert "title" not in found["format"].get("tags", {}) and "location" not in found["format"].get("tags", {})
    assert [s["codec_name"] for s in found["streams"]] == ["h264", "aac"]

    part = client.get(re.sub(r"^https?://[^/]+", "", media["url"]), HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 0-99/{len(body)}"
    assert part.content == body[:100] and part["Content-Type"] == "video/mp4"

    poster, still = served(client, media["preview_url"])
    assert poster["Content-Type"] == "image/jpeg" and Image.open(io.BytesIO(still)).size == (320, 240)

    posted = post(as_alice, status="the sea", media_ids=[media["id"]]).json()
    assert posted["media_attachments"][0]["type"] == "video"


@needs_ffmpeg
@pytest.mark.parametrize(
    ("name", "kind", "served_as"),
    [("clip.webm", "video", "video/mp4"), ("tone.ogg", "audio", "audio/mpeg"), ("tone.mp3", "audio", "audio/mpeg")],
)
def test_webm_video_and_sounds_are_taken_too(as_alice, tmp_path, name, kind, served_as):
    data = clip(tmp_path, name, size="160x120", audio_only=kind == "audio")
    media = upload(as_alice, f"renamed-{name}.png", data).json()  # the name says picture; the bytes say otherwise
    assert media["type"] == kind and 0.9 <= media["meta"]["duration"] <= 1.2
    response, body = served(Client(), media["url"])
    assert response["Content-Type"] == served_as and SECRET.encode() not in body


@needs_ffmpeg
def test_a_video_goes_alone_in_a_post(as_alice, tmp_path):
    video = upload(as_alice, "a.mp4", clip(tmp_path, "a.mp4", size="160x120")).json()
    picture = upload(as_alice, "b.png", png()).json()
    mixed = post(as_alice, status="both", media_ids=[picture["id"], video["id"]])
    assert mixed.status_code == 422 and "cannot share a post" in mixed.json()["error"]


@needs_ffmpeg
def test_bad_clips_get_a_clear_422(as_alice, alice, tmp_path):
    whole = clip(tmp_path, "cut.mp4", size="160x120")
    cut = upload(as_alice, "cut.mp4", whole[: len(whole) // 3])
    assert cut.status_code == 422 and "damaged or incomplete" in cut.json()["error"]
    huge = upload(as_alice, "huge.mp4", clip(tmp_path, "huge.mp4", size="2560x1440", seconds=0.2))
    assert huge.status_code == 422 and "too large: at most 1920 x 1080" in huge.json()["error"]
    assert not MediaAttachment.objects.filter(account=alice).exists()


def test_without_ffmpeg_video_is_refused_with_a_clear_message(as_alice, monkeypatch, tmp_path):
    mp4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
    monkeypatch.setenv("PATH", str(tmp_path))  # nowhere to find ffmpeg
    refused = upload(as_alice, "clip.mp4", mp4)
    assert refused.status_code == 422
    assert refused.json()["error"] == "This server cannot take video or audio: ffmpeg is not installed on it."
    media = Client().get("/api/v2/instance").json()["configuration"]["media_attachments"]
    assert media["supported_mime_types"] == ["image/jpeg", "image/png", "image/gif", "image/webp"]
    assert media["video_size_limit"] == media["video_matrix_limit"] == 0
    assert upload(as_alice, "still.png", png()).status_code == 200  # pictures need no ffmpeg


@needs_ffmpeg
def test_the_instance_document_offers_what_uploads_take(as_alice):
    media = Client().get("/api/v2/instance").json()["configuration"]["media_attachments"]
    assert {"video/mp4", "video/webm", "audio/mpeg", "audio/ogg"} <= set(media["supported_mime_types"])
    assert media["video_size_limit"] == 32 * 1024 * 1024 and media["video_matrix_limit"] == 1920 * 1080
    assert media["image_size_limit"] == 8 * 1024 * 1024 and media["description_limit"] == 1500
    v1 = Client().get("/api/v1/instance").json()["configuration"]
    assert v1["media_attachments"]["supported_mime_types"] == media["supported_mime_types"]
    assert v1["statuses"]["max_media_attachments"] == 4
    too_big = upload(as_alice, "big.mp4", b"\x00\x00\x00\x20ftypisom" + b"\x00" * (media["video_size_limit"] + 1))
    assert too_big.status_code == 422 and "smaller than 32 MB" in too_big.json()["error"]


@needs_ffmpeg
def test_a_playlist_dressed_as_a_video_never_reaches_ffmpeg(as_alice, alice):
    """ffmpeg would follow an HLS playlist or a concat list to other files; by its bytes this is
    neither a video nor a picture, so it is refused before ffmpeg sees it."""
    playlist = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
    for name in ("clip.mp4", "clip.m3u8"):
        refused = upload(as_alice, name, playlist)
        assert refused.status_code == 422 and "must be a PNG, JPEG, GIF or WebP image" in refused.json()["error"]
    assert not MediaAttachment.objects.filter(account=alice).exists()


@needs_ffmpeg
def test_a_range_past_the_end_is_refused(as_alice, tmp_path):
    media = upload(as_alice, "a.mp4", clip(tmp_path, "a.mp4", size="160x120")).json()
    path = re.sub(r"^https?://[^/]+", "", media["url"])
    size = len(served(Client(), media["url"])[1])
    past = Client().get(path, HTTP_RANGE=f"bytes={size}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{size}"
    tail = Client().get(path, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and tail["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"


@needs_ffmpeg
def test_an_animated_gif_becomes_a_silent_looping_video(as_alice):
    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "green", "blue", "white")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    media = upload(as_alice, "dance.gif", out.getvalue()).json()
    assert media["type"] == "gifv" and media["url"].endswith(".mp4") and media["preview_url"].endswith(".jpg")
    assert (media["meta"]["width"], media["meta"]["height"]) == (64, 48)
    still = io.BytesIO()
    frames[0].save(still, "GIF")
    assert upload(as_alice, "still.gif", still.getvalue()).json()["type"] == "image"  # one frame: a picture


@needs_ffmpeg
@pytest.mark.parametrize("version", [1, 2])
def test_a_video_shows_the_thumbnail_its_uploader_chose(as_alice, tmp_path, version):
    """toot's `post --media clip.webm --thumbnail still.png`, as Mastodon takes it: the chosen
    picture, written again by the picture rules, is the preview, not the video's first frame."""
    chosen = SimpleUploadedFile("still.png", png(size=(64, 48), colour="purple"))
    response = upload(as_alice, "holiday.mp4", clip(tmp_path, "holiday.mp4"), version=version, thumbnail=chosen)
    assert response.status_code in (200, 202)
    media = MediaAttachment.objects.get(id=response.json()["id"])
    assert media.thumbnail.name.endswith(".png") and media.meta["small"]["size"] == "64x48"
    with media.thumbnail.open("rb") as stored:
        assert Image.open(stored).getpixel((10, 10)) == (128, 0, 128)
    assert as_alice.get(f"/api/v1/media/{media.id}").json()["preview_url"].endswith(".png")
