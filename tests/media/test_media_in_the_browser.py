"""Posting a picture with its alt text from the compose box in a real browser (Chromium against a
real `chirvir serve`), and opening it at full size on a page of the site's own."""

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
    assert picture.evaluate("img => img.decode().then(() => img.naturalWidth)") == 30  # shown once loaded, upright
    expect(page.get_by_label("Describe it for people who cannot see it")).to_have_value("")
    posted.get_by_title("Full size").click()
    page.wait_for_url("**/media/*")
    full = page.get_by_role("img", name="Fishing boats tied up at dawn")
    expect(full).to_be_visible()
    assert full.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [30, 60]  # upright, whole
    served = page.request.get(full.get_attribute("src"))
    assert served.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.body())).size == (30, 60) and b"Exif" not in served.body()
    assert alice.problems == []  # nothing the pages' policy refused, no script error
