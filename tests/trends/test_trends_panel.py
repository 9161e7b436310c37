"""The trends panel on the home and public pages: the trending hashtags, each linking to its
page, in the reader's language; no panel when nothing trends."""

from django.test import Client

from chirvir.statuses import services as statuses
from chirvir.trends import services as trends


def test_the_panel_links_each_trending_hashtag_to_its_page(make_account, alice):
    for n in range(3):
        statuses.post_status(make_account(f"fan{n}"), "#Chirvir and #Ядро")
    visitor = Client()
    assert b'class="trends"' not in visitor.get("/public").content  # nothing trends before the refresh

    trends.refresh_trends()
    public = visitor.get("/public").content.decode()
    assert '<h2 id="trends-title">Trending hashtags</h2>' in public
    assert 'href="/tags/chirvir"' in public and "#ядро" in public

    visitor.force_login(alice)
    home = visitor.get("/home").content.decode()
    assert 'href="/tags/chirvir"' in home
    visitor.post("/language", {"language": "kk", "next": "/home"})
    assert "Танымал хэштегтер" in visitor.get("/home").content.decode()
