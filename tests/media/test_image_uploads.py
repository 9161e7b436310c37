"""Uploaded pictures can only ever be pictures (issue 8). An attacker uploads a file whose bytes
are also a script or a page, under a name like pic.js; what Chirvir stores is an image it wrote
again, under a name it chose, served as that image with nosniff and a policy that runs nothing.
Every test goes through HTTP: the Mastodon API as a client app sends, the settings form as a
browser posts."""

import io
import re
import struct
import zlib

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from mastodon import Mastodon
from PIL import ExifTags, Image, PngImagePlugin

from chirvir.accounts import services as accounts
from tests.conftest import fresh
from tests.servers import serving

MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
SCRIPT = b"=alert(document.domain);"
POLICY = "default-src 'none'; sandbox"


def gif_that_is_also_javascript() -> bytes:
    """A GIF that a browser also runs as JavaScript: `GIF89a/*...*/=alert(...);/*...*/`. The logical
    screen's width is the bytes "/*", which opens a comment that a comment block closes."""
    screen = b"GIF89a" + b"/*" + struct.pack("<H", 1) + b"\x00\x00\x00"  # no global colour table
    comment = b"\x21\xfe" + bytes([len(b"*/" + SCRIPT + b"/*")]) + b"*/" + SCRIPT + b"/*" + b"\x00"
    frame = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x80" + b"\xff\x00\x00\x00\x00\xff"
    pixels = b"\x02\x02\x44\x01\x00"  # LZW: one pixel of colour 0
    return screen + comment + frame + pixels + b"\x3b" + b"*/"


def png_that_is_also_a_page() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "<html><body><script src=/media/avatars/pic.js></script>")
    out = io.BytesIO()
    Image.new("RGB", (30, 10), "teal").save(out, "PNG", pnginfo=text)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A black 1-bit PNG of the declared size, a few hundred kilobytes at most, made row by row
    without ever holding the picture: what it decodes to is width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    squeeze = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    rows_at_once = 1000
    data = b"".join(squeeze.compress(row * rows_at_once) for _ in range(height // rows_at_once))
    data += squeeze.compress(row * (height % rows_at_once)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def jpeg(size=(60, 30), exif=None) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(out, "JPEG", exif=exif or Image.Exif(), quality=95)
    return out.getvalue()


def photo_taken_on_its_side_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show it rotated 90° clockwise
    exif[ExifTags.Base.Make] = "Chirvir Camera"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (43.0, 15.0, 0.0)}
    return jpeg((60, 30), exif)


def upload(client, **files):
    """PATCH update_credentials with files given as field=(file name, bytes)."""
    parts = {field: SimpleUploadedFile(name, data) for field, (name, data) in files.items()}
    body = encode_multipart("BoUnDaRy", parts)
    return client.patch("/api/v1/accounts/update_credentials", data=body, content_type=MULTIPART)


def served(client, url):
    response = client.get(re.sub(r"^https?://[^/]+", "", url))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response, body


def assert_served_as_image_only(response, content_type):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == POLICY


def test_a_script_named_pic_js_and_a_page_named_cat_html_become_pictures(as_alice):
    polyglot, page = gif_that_is_also_javascript(), png_that_is_also_a_page()
    assert Image.open(io.BytesIO(polyglot)).format == "GIF"  # the attack's file is a real GIF
    response = upload(as_alice, avatar=("pic.js", polyglot), header=("cat.html", page))
    assert response.status_code == 200
    me = response.json()
    assert re.search(r"/media/avatars/[0-9a-f]{32}\.png$", me["avatar"]), me["avatar"]
    assert re.search(r"/media/headers/[0-9a-f]{32}\.png$", me["header"]), me["header"]
    for url, uploaded, payload in ((me["avatar"], polyglot, SCRIPT), (me["header"], page, b"<script")):
        response, body = served(as_alice, url)
        assert_served_as_image_only(response, "image/png")
        assert body != uploaded and payload not in body
        assert Image.open(io.BytesIO(body)).format == "PNG"


def test_a_file_that_is_not_an_image_is_refused(as_alice, alice):
    response = upload(as_alice, avatar=("me.png", b"<script>alert(1)</script>"))
    assert response.status_code == 422
    assert "PNG, JPEG, GIF or WebP" in response.json()["error"]
    assert not fresh(alice).avatar


def test_a_bmp_is_refused_though_pillow_reads_it(as_alice, alice):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "BMP")
    assert upload(as_alice, avatar=("me.png", out.getvalue())).status_code == 422


@pytest.mark.parametrize("size", [(30000, 30000), (8000, 8000)], ids=["past Pillow's own limit", "past Chirvir's"])
def test_a_decompression_bomb_is_refused_not_a_server_error(as_alice, alice, size):
    bomb = png_bomb(*size)
    assert len(bomb) < 300_000
    for field in ("avatar", "header"):
        response = upload(as_alice, **{field: ("bomb.png", bomb)})
        assert response.status_code == 422
        assert "too large" in response.json()["error"]
    alice = fresh(alice)
    assert not alice.avatar and not alice.header


def test_a_truncated_jpeg_is_refused(as_alice, alice):
    whole = jpeg((200, 200))
    response = upload(as_alice, avatar=("me.jpg", whole[: len(whole) // 2]))
    assert response.status_code == 422
    assert "damaged or incomplete" in response.json()["error"]
    assert not fresh(alice).avatar


def test_a_photo_is_served_upright_with_no_gps_or_other_exif(as_alice):
    photo = photo_taken_on_its_side_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    me = upload(as_alice, header=("holiday.jpg", photo)).json()
    assert me["header"].endswith(".jpg")
    response, body = served(as_alice, me["header"])
    assert_served_as_image_only(response, "image/jpeg")
    image = Image.open(io.BytesIO(body))
    assert image.size == (30, 60)  # turned as the camera said
    assert not image.getexif() and b"Exif" not in body and b"Chirvir Camera" not in body


def test_a_phone_photo_with_a_second_picture_inside_is_served_as_a_jpeg(as_alice):
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (40, 20))])
    me = upload(as_alice, header=("IMG_0001.JPG", out.getvalue())).json()
    response, body = served(as_alice, me["header"])
    assert_served_as_image_only(response, "image/jpeg")
    written = Image.open(io.BytesIO(body))
    assert written.format == "JPEG" and getattr(written, "n_frames", 1) == 1


def test_avatars_and_headers_are_shrunk_to_mastodons_sizes(as_alice):
    me = upload(as_alice, avatar=("big.jpg", jpeg((1200, 800))), header=("wide.jpg", jpeg((3000, 1500)))).json()
    assert Image.open(io.BytesIO(served(as_alice, me["avatar"])[1])).size == (400, 400)
    assert Image.open(io.BytesIO(served(as_alice, me["header"])[1])).size == (1000, 500)


def test_a_replaced_avatar_is_removed(as_alice, alice):
    upload(as_alice, avatar=("one.jpg", jpeg()))
    first = fresh(alice).avatar.name
    upload(as_alice, avatar=("two.jpg", jpeg()))
    second = fresh(alice).avatar.name
    assert first != second and default_storage.exists(second) and not default_storage.exists(first)
    assert served(as_alice, f"/media/{first}")[0].status_code == 404


@pytest.mark.parametrize(
    "name",
    ["anything.html", "avatars/pic.js", "avatars/page.svg", "avatars/missing.png", "avatars/..%2f..%2fsecret.png"],
)
def test_media_answers_only_for_images_and_with_a_plain_404(name):
    for stored in ("anything.html", "avatars/pic.js", "avatars/page.svg"):
        if not default_storage.exists(stored):
            default_storage.save(stored, ContentFile(b"<html><script>alert(1)</script>"))
    response = Client().get(f"/media/{name}")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8" and b"<" not in response.content
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == POLICY


def test_the_settings_form_uses_the_same_processing(alice):
    browser = Client()
    browser.force_login(alice)
    polyglot = _named("pic.js", gif_that_is_also_javascript())
    saved = browser.post("/settings/profile", {"display_name": "Alice", "avatar": polyglot})
    assert saved.status_code == 302
    name = fresh(alice).avatar.name
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.png", name)
    assert_served_as_image_only(served(browser, f"/media/{name}")[0], "image/png")
    bomb = _named("bomb.png", png_bomb(8000, 8000))
    refused = browser.post("/settings/profile", {"display_name": "Alice", "header": bomb})
    assert refused.status_code == 422
    assert "too large" in refused.content.decode()
    assert not fresh(alice).header


def _named(name: str, data: bytes) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def test_the_form_says_why_in_the_accounts_language(alice):
    accounts.update_profile(alice, language="kk")
    browser = Client()
    browser.force_login(alice)
    whole = jpeg((200, 200))
    refused = browser.post("/settings/profile", {"avatar": _named("me.jpg", whole[: len(whole) // 2])})
    assert refused.status_code == 422
    assert "Профиль суреті: файл бүлінген немесе толық емес." in refused.content.decode()


@pytest.mark.slow
def test_a_real_server_serves_the_attackers_upload_as_a_picture_only(tmp_path):
    """The attack as it was made: against `chirvir serve`, over HTTP, with the file names chosen."""
    with serving(tmp_path, CHIRVIR_RATE_LIMIT="0") as base:
        client_id, client_secret = Mastodon.create_app("Attacker", api_base_url=base)
        token = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base).create_account(
            "mallory", "a long password 7", "mallory@example.com", agreement=True
        )
        polyglot, page = gif_that_is_also_javascript(), png_that_is_also_a_page()
        me = httpx.patch(
            f"{base}/api/v1/accounts/update_credentials",
            headers={"Authorization": f"Bearer {token}"},
            files={"avatar": ("pic.js", polyglot, "text/javascript"), "header": ("cat.html", page, "text/html")},
        ).json()
        for url, uploaded in ((me["avatar"], polyglot), (me["header"], page)):
            served = httpx.get(url)
            assert_served_as_image_only(served, "image/png")
            assert served.content != uploaded and Image.open(io.BytesIO(served.content)).format == "PNG"
        # A script that reached the media folder some other way is not served either.
        (tmp_path / "media" / "avatars" / "pic.js").write_bytes(polyglot)
        for name in ("avatars/pic.js", "anything.html"):
            missing = httpx.get(f"{base}/media/{name}")
            assert missing.status_code == 404 and missing.headers["Content-Type"] == "text/plain; charset=utf-8"
