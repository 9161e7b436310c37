import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chirvir.accounts import services
from chirvir.core.errors import Invalid
from tests.conftest import fresh


def png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "purple").save(buffer, "PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def test_profile_in_any_script(alice):
    services.update_profile(
        alice,
        display_name="Әлия",
        note="Алматыдан сәлем! مرحبا من الرياض. नमस्ते।",
        location="Алматы",
        website="https://example.kz/",
        language="kk",
    )
    alice = fresh(alice)
    assert alice.display_name == "Әлия"
    assert "नमस्ते" in alice.note
    assert (alice.location, alice.website, alice.language) == ("Алматы", "https://example.kz/", "kk")


def test_an_avatar_is_stored_under_the_data_directory(alice, settings):
    services.update_profile(alice, avatar=png())
    path = fresh(alice).avatar.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert Image.open(path).size == (8, 8)


def test_an_avatar_that_is_not_an_image_is_refused(alice):
    with pytest.raises(Invalid, match="PNG, JPEG"):
        services.update_profile(alice, avatar=SimpleUploadedFile("x.png", b"<script>", content_type="image/png"))
    assert not fresh(alice).avatar


@pytest.mark.parametrize(
    "change,message",
    [
        ({"display_name": "x" * 31}, "at most 30"),
        ({"note": "x" * 501}, "at most 500"),
        ({"website": "javascript:alert(1)"}, "http or https"),
        ({"language": "xx"}, "not translated"),
    ],
)
def test_bad_profile_changes_are_refused_and_nothing_changes(alice, change, message):
    with pytest.raises(Invalid, match=message):
        services.update_profile(alice, **change)
    assert fresh(alice).display_name == "Alice"


def test_a_protected_account_can_be_turned_on_and_off(alice):
    services.update_profile(alice, locked=True)
    assert fresh(alice).locked
    services.update_profile(alice, locked=False)
    assert not fresh(alice).locked


def test_a_bad_header_stores_neither_image(alice):
    with pytest.raises(Invalid, match="The header"):
        services.update_profile(alice, avatar=png(), header=SimpleUploadedFile("h.png", b"nope"))
    assert not fresh(alice).avatar
