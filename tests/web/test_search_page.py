"""The search page: the box in the navigation leads to people, hashtags and posts that match, as
far as the reader may see them, with older posts a link away and the query kept."""

from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses


def test_the_search_page_shows_people_hashtags_and_posts(alice, bob, carol):
    accounts.update_profile(bob, display_name="Бақыт Bob")
    statuses.post_status(bob, "Бақыт fresh bread #бақыт")
    statuses.post_status(bob, "Бақыт for friends only", visibility="private")
    page = Client().get("/search", {"q": "бақыт"}).content.decode()
    assert 'role="search"' in page and 'value="бақыт"' in page
    assert "@bob" in page and "#бақыт" in page and "fresh bread" in page
    assert "for friends only" not in page
    accounts.follow(carol, bob)
    client = Client()
    client.force_login(carol)
    assert "for friends only" in client.get("/search", {"q": "бақыт"}).content.decode()


def test_older_posts_are_a_link_away_with_the_query_kept(alice):
    posted = [statuses.post_status(alice, f"kite {i}") for i in range(21)]
    page = Client().get("/search", {"q": "kite"}).content.decode()
    assert f"q=kite&amp;max_id={posted[1].id}" in page
    older = Client().get("/search", {"q": "kite", "max_id": posted[1].id}).content.decode()
    assert "kite 0" in older and "kite 20" not in older


def test_an_empty_search_shows_the_box_and_nothing_else():
    response = Client().get("/search")
    assert response.status_code == 200 and "Search for posts, people and hashtags." in response.content.decode()


def test_the_search_page_speaks_the_readers_language():
    page = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/search").content.decode()
    assert "ابحث عن المنشورات والأشخاص والوسوم." in page and 'aria-label="' in page
    page = Client(HTTP_ACCEPT_LANGUAGE="kk").get("/search", {"q": "x"}).content.decode()
    assert "Іздеуіңізге сәйкес жазба жоқ." in page
