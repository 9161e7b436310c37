"""Texts as an SMS network carries them: GSM-7 where every character is in the GSM basic set or
its extension table (two septets each), UCS-2 otherwise; 160 septets or 70 UCS-2 units in one
part, 153 or 67 in each part of a concatenated message."""

from chirvir.gateways.sms.encoding import GSM7, UCS2, Encoded, encode


def test_gsm_text_fits_160_septets_then_153_a_part():
    assert encode("a" * 160) == Encoded(GSM7, 160, 1)
    assert encode("a" * 161) == Encoded(GSM7, 161, 2)
    assert encode("a" * 306) == Encoded(GSM7, 306, 2)
    assert encode("a" * 307) == Encoded(GSM7, 307, 3)


def test_the_basic_set_covers_greek_capitals_and_accents():
    assert encode("ΔΦΓΛΩΠΨΣΘΞ èéùìò ÄÖÑÜ äöñüà £¥§¿¡").coding == GSM7


def test_extension_characters_take_two_septets():
    assert encode("€" * 80) == Encoded(GSM7, 160, 1)
    assert encode("[x]" * 32 + "€") == Encoded(GSM7, 162, 2)


def test_anything_else_is_ucs2_70_then_67_a_part():
    assert encode("न" * 70) == Encoded(UCS2, 70, 1)
    assert encode("न" * 71) == Encoded(UCS2, 71, 2)
    assert encode("न" * 134) == Encoded(UCS2, 134, 2)
    assert encode("न" * 140) == Encoded(UCS2, 140, 3)
    assert encode("ç").coding == UCS2  # only the capital Ç is in the GSM set
    assert encode("привет").coding == UCS2 and encode("مرحبا").coding == UCS2 and encode("Қазақ").coding == UCS2


def test_characters_beyond_the_basic_plane_count_as_two_units():
    assert encode("😀" * 35) == Encoded(UCS2, 70, 1)
