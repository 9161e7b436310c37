"""Text far over its limit is refused on its length alone: a post, a content warning, a display
name and a bio of near a megabyte answer 422 through the API, and the composer's counter measures one,
without NFC or the URL scan ever reading them."""

import json
import unicodedata

import pytest

from chirvir.core import text
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status

MEGABYTE_OF_DOTS = "a." * 500_000  # 60-100 CPU-seconds to refuse before the cap
CREDENTIALS = "/api/v1/accounts/update_credentials"
JSON = "application/json"


@pytest.fixture
def longest_read(monkeypatch):
    """The length of the longest text that NFC or the URL scan was given during the test."""
    seen = [0]
    normalize, urls = unicodedata.normalize, text._urls

    def normalizing(form, s):
        seen[0] = max(seen[0], len(s))
        return normalize(form, s)

    def scanning(s):
        seen[0] = max(seen[0], len(s))
        return urls(s)

    monkeypatch.setattr(unicodedata, "normalize", normalizing)
    monkeypatch.setattr(text, "_urls", scanning)
    return lambda: seen[0]


def post_json(client, path, payload):
    return client.post(path, json.dumps(payload), content_type=JSON)


def test_a_megabyte_post_is_refused_unread_with_the_length_rules_message(as_alice, longest_read):
    refused = as_alice.post("/api/v1/statuses", {"status": MEGABYTE_OF_DOTS})
    assert refused.status_code == 422
    assert refused.json()["error"] == "Your post is 1000000 characters long; the limit is 140."
    assert longest_read() < 1000 and not Status.objects.exists()


def test_an_edit_of_a_megabyte_is_refused_unread(as_alice, longest_read):
    post = post_json(as_alice, "/api/v1/statuses", {"status": "short"}).json()
    refused = as_alice.put(f"/api/v1/statuses/{post['id']}", json.dumps({"status": MEGABYTE_OF_DOTS}), JSON)
    assert refused.status_code == 422 and "1000000 characters long" in refused.json()["error"]
    assert longest_read() < 1000 and Status.objects.get().text == "short"


def test_a_long_post_that_fits_is_still_read_and_posted(as_alice):
    # Five URLs of 4,000 characters each count 23: 20,000 characters as written that fit in 140.
    urls = [f"https://example.com/{i}/" + "a" * 3980 for i in range(5)]
    made = post_json(as_alice, "/api/v1/statuses", {"status": " ".join(urls)})
    assert made.status_code == 200 and Status.objects.get().text == " ".join(urls)


def test_a_megabyte_content_warning_is_refused_unread(as_alice, longest_read):
    refused = as_alice.post("/api/v1/statuses", {"status": "hi", "spoiler_text": "\u0301" * 1_000_000})
    assert refused.status_code == 422
    assert refused.json()["error"] == "The content warning is at most 500 characters."
    assert longest_read() < 1000 and not Status.objects.exists()


@pytest.mark.parametrize(
    "field, message",
    [("display_name", "Display name is at most 30 characters."), ("note", "Bio is at most 500 characters.")],
)
def test_a_long_name_or_bio_is_refused_unread(as_alice, alice, longest_read, field, message):
    long = json.dumps({field: "e\u0301" * 400_000}, ensure_ascii=False)  # 800,000 code points
    refused = as_alice.patch(CREDENTIALS, long, JSON)
    assert (refused.status_code, refused.json()["error"]) == (422, message)
    assert longest_read() < 1000
    alice.refresh_from_db()
    assert (alice.display_name, alice.note) == ("Alice", "")


@pytest.mark.parametrize(
    "field, limit, message",
    [("display_name", 30, "Display name is at most 30 characters."), ("note", 500, "Bio is at most 500 characters.")],
)
def test_a_name_or_bio_is_measured_after_nfc(as_alice, field, limit, message):
    # Written decomposed, a name of 30 letters is 60 code points: it fits; 31 do not.
    fits = as_alice.patch(CREDENTIALS, json.dumps({field: "e\u0301" * limit}), JSON)
    assert fits.status_code == 200
    over = as_alice.patch(CREDENTIALS, json.dumps({field: "e\u0301" * (limit + 1)}), JSON)
    assert (over.status_code, over.json()["error"]) == (422, message)


def test_the_composers_counter_measures_a_megabyte_unread(longest_read):
    counted = statuses.measure(MEGABYTE_OF_DOTS)
    assert (counted.weighted_length, counted.max_length, counted.valid) == (1_000_000, 140, False)
    assert longest_read() < 1000
