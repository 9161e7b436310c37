"""Posting a picture with its alt text from the compose box in a real browser (Chromium against a
real `chirvir serve`), and opening it at full size: the page's own policy lets it show."""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.media.test_image_uploads import photo_taken_on_its_side_with_gps


def test_a_picture_with_alt_text_from_the_compose_box(visitor, tmp_path):
    alice = visitor()
    alice.sign_up("alice")
    photo = tmp_path / "harbour.jpg"
    photo.write_bytes(photo_taken_on_its_side_with_gps())
    page = alice.page
    page.get_by_label("What are you doing?").fill("The harbour this morning")
    page.get_by_label("Picture or video").set_input_files(str(photo))
    page.get_by_label("Describe it for people who cannot see it").fill("Fishing boats tied up at dawn")
    page.get_by_role("button", name="Post", exact=True).click()
    posted = page.locator("#timeline article", has_text="The harbour this morning")
    picture = posted.get_by_role("img", name="Fishing boats tied up at dawn")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 30  # shown, upright
    expect(page.get_by_label("Describe it for people who cannot see it")).to_have_value("")
    assert alice.problems == []  # nothing the site's own policy refused on its pages
    # Opened alone, the picture comes under /media/'s policy, which refuses even the inline style
    # of Chromium's own picture viewer (what it logs then is no page of ours).
    with page.expect_response(lambda r: "/media/" in r.url and r.request.resource_type == "document") as opened:
        posted.get_by_title("Full size").click()
    full = opened.value
    assert full.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(full.body())).size == (30, 60) and b"Exif" not in full.body()
