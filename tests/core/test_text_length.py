"""How chirvir.core.text.count weighs a post: limits in several scripts, URLs, NFC, configs."""

import unicodedata

import pytest

from chirvir.core import text

V1 = text.load_config("v1")

# Natural sentences, repeated to length; each is NFC already, so NFC cannot change the count.
SAMPLES = {
    # Vowel signs (ा ि ी े) and the virama (्) are code points of their own.
    "hindi": "नमस्ते दुनिया, यह हिन्दी में लिखा गया एक छोटा संदेश है। ",
    "kazakh": "Сәлем әлем! Бұл қысқа хабарлама қазақ тілінде жазылған, оқығаныңызға рақмет. ",
    "arabic": "مَرْحَبًا بِالْعَالَم، هذه رسالة قصيرة مكتوبة باللغة العربية. ",
    "indonesian": "Selamat pagi, apa kabar? Saya sedang belajar menulis pesan pendek di sini. ",
}


def _exactly(sample: str, length: int) -> str:
    s = (sample * (length // len(sample) + 1))[:length]
    assert len(s) == length and unicodedata.is_normalized("NFC", s)
    return s


@pytest.mark.parametrize("language", SAMPLES)
def test_140_code_points_fit_in_v1_and_141_do_not(language):
    fits = text.count(_exactly(SAMPLES[language], 140), V1)
    assert (fits.weighted_length, fits.max_length, fits.valid) == (140, 140, True)
    over = text.count(_exactly(SAMPLES[language], 141), V1)
    assert (over.weighted_length, over.valid) == (141, False)


def test_v1_counts_a_devanagari_vowel_sign_as_a_character():
    assert text.count("कि", V1).weighted_length == 2


def test_a_url_counts_as_23():
    url = "https://example.com/" + "a" * 100
    assert text.count(url, V1).weighted_length == 23
    assert text.count(f"see {url} now", V1).weighted_length == 4 + 23 + 4
    assert text.count("read example.com", V1).weighted_length == 5 + 23


def test_text_is_counted_after_nfc():
    decomposed = "e\u0301"  # é as e + combining acute
    counted = text.count(decomposed, V1)
    assert counted.weighted_length == 1
    # Ranges are into the text as given, in UTF-16 units.
    assert counted.display_range == counted.valid_range == (0, 1)
    assert text.count(decomposed * 140, V1).valid


def test_max_chars_overrides_the_limit():
    config = text.load_config("v1", max_chars=500)
    assert config.max_weighted_length == 500
    assert text.count("a" * 500, config).valid
    assert not text.count("a" * 501, config).valid
    assert text.load_config("v1", max_chars=500) is config
    assert text.load_config("v1").max_weighted_length == 140


def test_v2_and_v3_weigh_cjk_and_emoji_double():
    v2, v3 = text.load_config("v2"), text.load_config("v3")
    for config in (v2, v3):
        assert config.max_weighted_length == 280
        assert text.count("漢字", config).weighted_length == 4
        assert text.count("ab", config).weighted_length == 2
        assert text.count("हिन्दी", config).weighted_length == 6
        assert text.count("漢" * 140, config).valid
        assert not text.count("漢" * 141, config).valid
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦
    assert text.count(family, v2).weighted_length == 4 * 2 + 3  # each code point
    assert text.count(family, v3).weighted_length == 2  # one emoji
    assert text.count("\U0001f44d\U0001f3fd", v3).weighted_length == 2  # 👍🏽, skin tone


def test_blank_or_invalid_text_is_not_valid():
    assert not text.count("", V1).valid
    assert not text.count(" \n\u3000", V1).valid
    assert not text.count("ok\ufffe", V1).valid
    assert text.count("ok", V1).valid


def test_permillage_and_ranges():
    counted = text.count("a" * 150, V1)
    assert counted.permillage == 150 * 1000 // 140
    assert counted.display_range == (0, 149)
    assert counted.valid_range == (0, 139)


def test_unknown_config_is_an_error():
    with pytest.raises(ValueError):
        text.load_config("v9")


def test_a_url_is_at_most_4096_code_points_as_written():
    # IDNA drops soft hyphens: this host is "example.com" in punycode, yet 5,000 characters long.
    hidden = "https://ex" + "\u00ad" * 5000 + "ample.com"
    assert text.extract_urls(hidden) == []
    assert text.count(hidden, V1).weighted_length == len(hidden)
    fits = "https://example.com/" + "a" * (4096 - 8 - 20)
    assert text.extract_urls(fits) == [fits] and text.count(fits, V1).weighted_length == 23


def test_only_a_grapheme_cluster_as_short_as_an_emoji_weighs_as_one():
    v3 = text.load_config("v3")
    assert text.count("👩🏻\u200d❤️\u200d💋\u200d👨🏼", v3).weighted_length == 2  # ten code points
    # A thumbs-up carrying a hundred combining accents is not one emoji: each mark counts.
    assert text.count("👍" + "\u0301" * 100, v3).weighted_length == 2 + 100


def test_the_cap_is_the_longest_text_that_can_fit():
    # 140 characters, or six URLs of 4,096 code points and two characters: 24,578 < 24,716.
    assert text.max_length(V1) == 140 + 140 // 23 * 4096
    assert text.max_length(text.load_config("v2")) == 280 + 12 * 4096
    urls = " ".join(f"https://example.com/{i}/" + "a" * 4060 for i in range(5))
    assert len(urls) > 20_000 and text.count(urls, V1).weighted_length == 5 * 23 + 4


def test_text_longer_than_the_cap_is_refused_uncounted(monkeypatch):
    scanned = []
    monkeypatch.setattr(text, "_urls", lambda s: scanned.append(s) or [])
    longest = text.max_length(V1)
    over = text.count("a." * longest, V1)
    assert (over.weighted_length, over.valid, over.valid_range) == (2 * longest, False, (0, -1))
    # Written decomposed, NFC halves it: over the cap only once normalised, and still refused.
    assert not text.count("e\u0301" * (longest + 1), V1).valid
    assert scanned == []
    assert text.count("a." * 70, V1).valid and scanned == ["a." * 70]


def test_too_long_allows_for_what_nfc_composes():
    assert not text.too_long("\u03b1\u0313\u0300\u0345" * 30, 30)  # 120 code points, 30 after NFC
    assert text.too_long("a" * 121, 30)
