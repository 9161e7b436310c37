"""The pages with JavaScript off: a hashtag page's follow button, the hashtags one follows in the
settings, a profile's featured hashtags and profiles, and the who-to-follow panel at home."""

import pytest

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.tags import services as tags
from chirvir.timelines import reads as timelines


@pytest.fixture
def signed_in(client):
    def sign_in(account):
        client.force_login(account)
        return client

    return sign_in


def text_of(response) -> str:
    return response.content.decode()


def test_follow_and_unfollow_a_hashtag_from_its_page(signed_in, alice, bob):
    client = signed_in(alice)
    page = text_of(client.get("/tags/Chirvir"))
    assert 'action="/tags/chirvir/follow"' in page and ">Follow<" in page
    answer = client.post("/tags/chirvir/follow", {"next": "/tags/chirvir"})
    assert answer.status_code == 302 and answer["Location"] == "/tags/chirvir"
    assert tags.tag_info(alice, "chirvir").following is True
    page = text_of(client.get("/tags/chirvir"))
    assert 'action="/tags/chirvir/unfollow"' in page and 'aria-pressed="true"' in page
    statuses.post_status(bob, "news #chirvir")
    assert [s.text for s in timelines.home(alice)] == ["news #chirvir"]
    assert 'href="/tags/chirvir"' in text_of(client.get("/settings"))  # among the followed hashtags
    client.post("/tags/chirvir/unfollow")
    assert tags.tag_info(alice, "chirvir").following is False


def test_a_visitor_is_asked_to_log_in_and_cannot_follow(client):
    assert "Log in to follow" in text_of(client.get("/tags/chirvir"))
    assert client.post("/tags/chirvir/follow")["Location"].startswith("/login")


def test_the_follow_button_answers_htmx_with_itself(signed_in, alice):
    client = signed_in(alice)
    fragment = text_of(client.post("/tags/chirvir/follow", HTTP_HX_REQUEST="true"))
    assert fragment.startswith('<div class="follow" id="tag-follow">') and "unfollow" in fragment


def test_a_profile_shows_its_featured_hashtags_and_profiles(client, alice, bob):
    statuses.post_status(alice, "reading #books")
    tags.feature_tag(alice, "books")
    accounts.follow(alice, bob)
    accounts.endorse(alice, bob)
    page = text_of(client.get("/@alice"))
    assert "Featured hashtags" in page and 'href="/tags/books"' in page
    assert "Featured profiles" in page and 'href="/@bob"' in page


def test_home_suggests_whom_to_follow_from_the_follow_graph(signed_in, alice, bob, carol, make_account):
    dave = make_account("dave")
    accounts.follow(alice, bob)
    accounts.follow(bob, carol)
    accounts.block(alice, dave)
    accounts.follow(bob, dave)
    client = signed_in(alice)
    page = text_of(client.get("/home"))
    panel = page[page.index('class="trends who-to-follow"') :]
    panel = panel[: panel.index("</aside>")]
    assert "Who to follow" in panel and 'action="/@carol/follow"' in panel
    assert "@dave" not in panel and "@bob" not in panel and "@alice" not in panel
    client.post("/@carol/follow", {"next": "/home"})
    assert "who-to-follow" not in text_of(client.get("/home"))  # nobody left to suggest
