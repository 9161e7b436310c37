"""Feeds (issue 12, item 4): RSS 2.0 and Atom of an account, a hashtag, a public list and a
search, read by a real feed reader's parser (feedparser); only public posts ever; conditional
GET; the pages name their feeds for autodiscovery."""

import feedparser
import pytest
from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.lists import services as lists
from chirvir.statuses import services as statuses


def read(client, address, **headers):
    response = client.get(address, **headers)
    assert response.status_code == 200, (address, response.status_code)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return response, parsed


@pytest.fixture
def posts(alice, bob):
    accounts.follow(bob, alice)
    made = {
        "public": statuses.post_status(alice, "Sunrise over the harbour #sea"),
        "hindi": statuses.post_status(alice, "समुद्र पर सूर्योदय #sea"),
        "unlisted": statuses.post_status(alice, "zqunlisted harbour #sea", visibility="unlisted"),
        "private": statuses.post_status(alice, "zqprivate harbour #sea", visibility="private"),
        "direct": statuses.post_status(alice, "@bob zqdirect harbour #sea", visibility="direct"),
    }
    asked = statuses.post_status(bob, "What is the harbour like?")
    made["reply"] = statuses.post_status(alice, "@bob zqreply harbour", in_reply_to_id=asked.id)
    return made


SECRET = ("zqunlisted", "zqprivate", "zqdirect")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_an_accounts_feed_holds_its_public_posts_only(kind, alice, posts):
    response, feed = read(Client(), f"/@alice.{kind}")
    assert response["Content-Type"].startswith("application/rss+xml" if kind == "rss" else "application/atom+xml")
    assert feed.feed.title == "Posts by Alice (@alice)"
    assert feed.feed.link.endswith("/@alice")
    titles = [e.title for e in feed.entries]
    assert titles == ["समुद्र पर सूर्योदय #sea", "Sunrise over the harbour #sea"]  # newest first, no reply
    first = feed.entries[1]
    assert first.link.endswith(f"/@alice/{posts['public'].id}") and "harbour" in first.summary
    assert not any(s in response.content.decode() for s in (*SECRET, "zqreply"))


def test_a_protected_or_deactivated_account_has_no_feed(alice, bob, posts):
    statuses.post_status(bob, "Bob's public post")
    accounts.update_profile(alice, locked=True)
    assert Client().get("/@alice.rss").status_code == 404
    assert Client().get("/@nobody.rss").status_code == 404
    bob.is_active = False
    bob.save()
    assert Client().get("/@bob.atom").status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_hashtag_list_and_search_feeds(kind, alice, bob, posts):
    _response, tag = read(Client(), f"/tags/sea.{kind}")
    assert {e.title for e in tag.entries} == {"Sunrise over the harbour #sea", "समुद्र पर सूर्योदय #sea"}
    public_list = lists.create_list(bob, "Harbour people", public=True)
    lists.add_members(bob, public_list.id, [alice.id])
    response, listed = read(Client(), f"/lists/{public_list.id}.{kind}")
    assert listed.feed.title == "List “Harbour people” by @bob"
    assert {e.title for e in listed.entries} >= {"Sunrise over the harbour #sea", "समुद्र पर सूर्योदय #sea"}
    assert not any(s in response.content.decode() for s in SECRET)
    private_list = lists.create_list(bob, "Mine")
    assert Client().get(f"/lists/{private_list.id}.{kind}").status_code == 404
    response, found = read(Client(), f"/search.{kind}?q=harbour")
    assert {e.title for e in found.entries} == {"Sunrise over the harbour #sea", "What is the harbour like?",
                                                "@bob zqreply harbour"}
    assert not any(s in response.content.decode() for s in SECRET)
    assert Client().get(f"/search.{kind}").status_code == 404  # no query, no feed


def test_a_reader_that_polls_gets_304_until_something_changes(alice, posts):
    client = Client()
    first = client.get("/@alice.rss")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    again = client.get("/@alice.rss", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    assert client.get("/@alice.rss", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    statuses.post_status(alice, "Noon over the harbour")
    changed = client.get("/@alice.rss", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    statuses.delete_status(alice, posts["hindi"].id)  # a deletion changes the feed too
    assert client.get("/@alice.rss", HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_pages_name_their_feeds_for_autodiscovery(alice, bob, posts):
    client = Client()
    profile = client.get("/@alice").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="RSS" href="/@alice.rss">' in profile
    assert 'href="/@alice.atom"' in profile
    assert 'href="/tags/sea.rss"' in client.get("/tags/sea").content.decode()
    assert 'href="/search.rss?q=harbour"' in client.get("/search?q=harbour").content.decode()
    public_list = lists.create_list(bob, "Harbour people", public=True)
    assert f'href="/lists/{public_list.id}.rss"' in client.get(f"/lists/{public_list.id}").content.decode()
    accounts.update_profile(alice, locked=True)
    assert ".rss" not in client.get("/@alice").content.decode()  # a protected account names none


def test_a_feed_speaks_the_readers_language(alice, posts):
    _response, feed = read(Client(), "/@alice.rss", HTTP_ACCEPT_LANGUAGE="ru")
    assert feed.feed.title != "Posts by Alice (@alice)" and "@alice" in feed.feed.title


def test_a_signed_in_reader_blocked_by_the_author_finds_nothing_here_either(alice, bob, posts):
    accounts.block(alice, bob)
    browser = Client()
    browser.force_login(bob)
    assert browser.get("/@alice.rss").status_code == 404
    _response, tag = read(browser, "/tags/sea.rss")
    assert tag.entries == []
    assert [e.title for e in read(Client(), "/tags/sea.rss")[1].entries]  # a reader not signed in sees them


def test_a_content_warning_is_text_in_the_feed_never_markup(alice):
    statuses.post_status(alice, "The plot of the film", spoiler_text="<script>alert(1)</script> spoilers")
    response, feed = read(Client(), "/@alice.rss")
    assert "<script>" not in feed.entries[0].summary and "alert(1)" in feed.entries[0].summary
    assert b"&amp;lt;script&amp;gt;" in response.content  # escaped as text, then as XML


def test_a_protected_accounts_posts_stay_out_of_a_followers_hashtag_feed(alice, bob, posts):
    accounts.update_profile(alice, locked=True)  # bob already follows her: he may read her posts
    client = Client()
    client.force_login(bob)
    for kind in ("rss", "atom"):
        _response, feed = read(client, f"/tags/sea.{kind}")
        assert not any("Sunrise" in entry.title for entry in feed.entries), kind
