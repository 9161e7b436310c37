"""Media on the pages, with JavaScript off: the compose box is a multipart form that takes a
picture or video with its alt text; timelines show the preview with that text, linked to the
full size, and a video in a player."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.statuses.models import Status
from tests.media.clips import clip, needs_ffmpeg
from tests.media.test_attachments import png
from tests.media.test_image_uploads import photo_taken_on_its_side_with_gps, served


def signed_in(account) -> Client:
    browser = Client()
    browser.force_login(account)
    return browser


def test_a_photo_posted_from_the_compose_box_shows_with_its_alt_text(alice):
    browser = signed_in(alice)
    home = browser.get("/home").content.decode()
    assert 'enctype="multipart/form-data"' in home and 'type="file" name="media"' in home
    photo = SimpleUploadedFile("holiday.jpg", photo_taken_on_its_side_with_gps())
    posted = browser.post("/compose", {"status": "At the harbour", "media": photo, "description": "Boats at dawn"})
    assert posted.status_code == 302
    [media] = Status.objects.get(text="At the harbour").media_attachments.all()
    page = Client().get("/public").content.decode()
    image = re.search(r'<a class="media-item" href="([^"]+)"[^>]*><img src="([^"]+)" alt="Boats at dawn"', page)
    assert image, page
    status = media.status
    assert image[1] == f"/@alice/{status.id}/media/{media.id}" and image[2] == f"/media/{media.thumbnail.name}"
    full_size = Client().get(image[1]).content.decode()
    assert f'<img src="/media/{media.file.name}" alt="Boats at dawn"' in full_size
    assert "<figcaption dir=\"auto\">Boats at dawn</figcaption>" in full_size
    full, body = served(Client(), f"/media/{media.file.name}")
    assert full["Content-Type"] == "image/jpeg" and b"Exif" not in body


def test_the_full_size_page_keeps_to_the_posts_audience(alice, bob):
    browser = signed_in(alice)
    photo = SimpleUploadedFile("a.png", png())
    browser.post("/compose", {"status": "for friends", "visibility": "private", "media": photo})
    [media] = Status.objects.get(text="for friends").media_attachments.all()
    path = f"/@alice/{media.status_id}/media/{media.id}"
    assert browser.get(path).status_code == 200
    assert Client().get(path).status_code == 404 and signed_in(bob).get(path).status_code == 404
    assert browser.get(f"/@bob/{media.status_id}/media/{media.id}").status_code == 404


def test_a_picture_needs_no_words_but_a_page_named_png_is_refused(alice):
    browser = signed_in(alice)
    assert browser.post("/compose", {"status": "", "media": SimpleUploadedFile("a.png", png())}).status_code == 302
    assert Status.objects.filter(account=alice, text="").count() == 1
    page = SimpleUploadedFile("cat.png", b"<html><script>alert(1)</script>")
    refused = browser.post("/compose", {"status": "look", "media": page})
    assert refused.status_code == 422
    assert "must be a PNG, JPEG, GIF or WebP image" in refused.content.decode()
    assert browser.post("/compose", {"status": ""}).status_code == 422  # neither words nor media


@needs_ffmpeg
def test_a_video_plays_in_the_timeline(alice, tmp_path):
    browser = signed_in(alice)
    video = SimpleUploadedFile("waves.mp4", clip(tmp_path, "waves.mp4", size="160x120"))
    assert browser.post("/compose", {"status": "Waves", "media": video, "description": "Waves"}).status_code == 302
    [media] = Status.objects.get(text="Waves").media_attachments.all()
    page = Client().get(f"/@{alice.username}").content.decode()
    assert f'poster="/media/{media.thumbnail.name}"' in page
    assert f'<source src="/media/{media.file.name}" type="video/mp4">' in page and "<video" in page


def test_the_compose_box_says_why_in_the_accounts_language(alice):
    accounts.update_profile(alice, language="kk")
    refused = signed_in(alice).post("/compose", {"status": "", "media": SimpleUploadedFile("a.png", b"<html>")})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Сурет немесе бейне" in page and "Көре алмайтындар үшін сипаттаңыз" in page
    assert "Сурет: PNG, JPEG, GIF немесе WebP пішіміндегі сурет болуы керек." in page


def test_a_pages_pictures_come_in_order_and_its_filters_read_their_descriptions(alice, bob):
    """Home shows each post's pictures in their order (read in one query for the page), and a
    filter whose word is only in a picture's description hides that post there."""
    accounts.follow(bob, alice)
    author = signed_in(alice)
    for text, described in (("Lunch", "A bowl of broccoli soup"), ("The sea", "Waves")):
        upload = SimpleUploadedFile("p.png", png())
        assert author.post("/compose", {"status": text, "media": upload, "description": described}).status_code == 302
    reader = signed_in(bob)
    home = reader.get("/home").content.decode()
    assert 'alt="A bowl of broccoli soup"' in home and 'alt="Waves"' in home
    assert home.index('alt="Waves"') < home.index('alt="A bowl of broccoli soup"')  # newest first
    made = reader.post("/settings/filters", {
        "new-title": "Vegetables", "new-keywords": "broccoli", "new-whole_word": "on",
        "new-context": ["home"], "new-filter_action": "hide", "new-expires_in": "",
    })
    assert made.status_code == 302
    home = reader.get("/home").content.decode()
    assert "Lunch" not in home and "broccoli" not in home
    assert "The sea" in home and 'alt="Waves"' in home
