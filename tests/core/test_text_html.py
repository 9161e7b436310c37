"""chirvir.core.text.render_html: Mastodon-shaped, escaped HTML for a post."""

import unicodedata

from chirvir.core import text

SITE = "https://chirvir.example"


def mention_url(username):
    return None if username == "nobody" else f"{SITE}/@{username}"


def hashtag_url(tag):
    return f"{SITE}/tags/{tag.lower()}"


def render(s):
    return text.render_html(s, mention_url=mention_url, hashtag_url=hashtag_url)


def link(url, prefix, visible, hidden="", cut=False):
    return (
        f'<a href="{url}" title="{url}" target="_blank" rel="nofollow noopener noreferrer ugc" translate="no">'
        f'<span class="invisible">{prefix}</span><span class="{"ellipsis" if cut else ""}">{visible}</span>'
        f'<span class="invisible">{hidden}</span></a>'
    )


def test_plain_text_is_one_paragraph():
    assert render("hello world") == "<p>hello world</p>"


def test_markup_in_the_text_is_escaped():
    assert render("<script>alert('hi')</script>") == (
        "<p>&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;</p>"
    )
    assert render('say "cheese" & <b>smile</b>') == (
        "<p>say &quot;cheese&quot; &amp; &lt;b&gt;smile&lt;/b&gt;</p>"
    )
    assert render("&amp; is already an entity") == "<p>&amp;amp; is already an entity</p>"


def test_paragraphs_and_line_breaks():
    assert render("one\ntwo\n\nthree") == "<p>one<br />two</p><p>three</p>"
    assert render("one\r\ntwo\r\n\r\n\r\nthree") == "<p>one<br />two</p><p>three</p>"
    assert render("\n\none\n\n\n\ntwo\n") == "<p>one</p><p>two</p>"
    assert render("") == ""
    assert render(" \n\n ") == ""


def test_mentions_link_when_the_user_is_known():
    assert render("hi @alice!") == (
        '<p>hi <span class="h-card" translate="no"><a href="https://chirvir.example/@alice" '
        'class="u-url mention">@<span>alice</span></a></span>!</p>'
    )
    assert render("hi @nobody") == "<p>hi @nobody</p>"


def test_hashtags_link():
    assert render("#Chirvir rocks") == (
        '<p><a href="https://chirvir.example/tags/chirvir" class="mention hashtag" rel="tag">'
        "#<span>Chirvir</span></a> rocks</p>"
    )


def test_urls_link_with_mastodon_display_parts():
    assert render("see https://example.com/short") == "<p>see " + link(
        "https://example.com/short", "https://", "example.com/short"
    ) + "</p>"
    long = "https://www.example.com/a/long/path/that/does/not/fit?q=1&x=2"
    assert render(long) == "<p>" + link(
        "https://www.example.com/a/long/path/that/does/not/fit?q=1&amp;x=2",
        "https://www.",
        "example.com/a/long/path/that/d",
        "oes/not/fit?q=1&amp;x=2",
        cut=True,
    ) + "</p>"


def test_a_long_host_is_shown_whole_and_the_full_address_is_its_title():
    # A phisher's host made long so that the cut hides where it leads: the host is never cut.
    url = "https://chirvir.example.login-verify-account-secure.evil.com/login"
    html = render(url)
    assert '<span class="ellipsis">chirvir.example.login-verify-account-secure.evil.com</span>' in html
    assert f'title="{url}"' in html and 'rel="nofollow noopener noreferrer ugc"' in html


def test_a_url_without_scheme_gets_http_in_the_href_only():
    assert render("example.com/page") == "<p>" + link(
        "http://example.com/page", "", "example.com/page"
    ) + "</p>"


def test_a_url_wins_over_the_hashtag_inside_it():
    html = render("https://example.com/#frag")
    assert 'class="mention hashtag"' not in html
    assert 'href="https://example.com/#frag"' in html


def test_cashtags_stay_text():
    assert render("buying $ACME today") == "<p>buying $ACME today</p>"


def test_hrefs_from_callbacks_are_escaped():
    html = text.render_html("@alice", mention_url=lambda u: 'x" onclick="evil()', hashtag_url=str)
    assert 'href="x&quot; onclick=&quot;evil()"' in html


def test_arabic_and_hindi_pass_through():
    arabic = "مرحبا بالعالم، هذه رسالة قصيرة"
    hindi = "नमस्ते दुनिया, यह एक छोटा संदेश है।"
    assert render(arabic) == f"<p>{arabic}</p>"
    assert render(hindi) == f"<p>{hindi}</p>"
    assert render(f"{arabic} #عربي") == (
        f"<p>{arabic} "
        '<a href="https://chirvir.example/tags/عربي" class="mention hashtag" rel="tag">#<span>عربي</span></a></p>'
    )


def test_output_is_nfc():
    decomposed = "\u0627\u0653 \u0928\u093c e\u0301"  # آ, ऩ and é, each decomposed
    html = render(decomposed)
    assert html == "<p>\u0622 \u0929 \u00e9</p>"
    assert unicodedata.is_normalized("NFC", html)
