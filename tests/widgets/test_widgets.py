"""Widgets, embeds and oEmbed (issue 12, item 5), through Django's test client as another site
and its readers reach them: an account's widget and a post's embed show public posts only, never
a protected account's, in the language and theme asked; they alone may be framed by other sites;
oEmbed answers as Mastodon's does; the script tag and the snippet builder."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses

SECRET = ("zqunlisted", "zqprivate", "zqdirect", "zqreply")


@pytest.fixture
def posts(alice, bob):
    accounts.follow(bob, alice)
    made = {
        "public": statuses.post_status(alice, "Sunrise over the harbour #sea"),
        "unlisted": statuses.post_status(alice, "zqunlisted harbour", visibility="unlisted"),
        "private": statuses.post_status(alice, "zqprivate harbour", visibility="private"),
        "direct": statuses.post_status(alice, "@bob zqdirect harbour", visibility="direct"),
    }
    asked = statuses.post_status(bob, "What is the harbour like?")
    made["reply"] = statuses.post_status(alice, "@bob zqreply harbour", in_reply_to_id=asked.id)
    return made


def framable(response):
    policy = response.headers["Content-Security-Policy"]
    return "frame-ancestors *" in policy and "X-Frame-Options" not in response.headers


def test_the_widget_shows_the_latest_public_posts_only(alice, bob, posts):
    for client in (Client(), _signed_in(bob)):  # a follower's browser sees no more in a widget
        response = client.get("/@alice/widget")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Sunrise over the harbour" in page
        for secret in SECRET:
            assert secret not in page
        assert framable(response)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def _signed_in(account):
    client = Client()
    client.force_login(account)
    return client


def test_a_protected_account_has_no_widget_and_its_posts_no_embed(alice, bob, posts):
    accounts.update_profile(alice, locked=True)
    for client in (Client(), _signed_in(bob)):  # bob is an approved follower: still nothing
        response = client.get("/@alice/widget")
        assert response.status_code == 404
        assert "Sunrise" not in response.content.decode()
        embed = client.get(f"/@alice/{posts['public'].id}/embed")
        assert embed.status_code == 404
        assert "Sunrise" not in embed.content.decode()
    assert Client().get("/@alice/widget/posts").status_code == 404
    assert Client().get("/@alice/embed").status_code == 404
    assert Client().get("/api/oembed", {"url": f"{settings.SITE_URL}/@alice/{posts['public'].id}"}).status_code == 404


def test_the_live_fragment_gives_only_newer_public_posts(alice, posts):
    newer = statuses.post_status(alice, "The fishing boats are back")
    statuses.post_status(alice, "zqprivate later", visibility="private")
    page = Client().get(f"/@alice/widget/posts?since_id={posts['public'].id}").content.decode()
    assert "The fishing boats are back" in page and f'data-id="{newer.id}"' in page
    assert "Sunrise" not in page and "zqprivate" not in page


def test_a_post_embed_is_of_public_posts_only(alice, bob, posts):
    response = Client().get(f"/@alice/{posts['public'].id}/embed")
    assert response.status_code == 200 and framable(response)
    assert "Sunrise over the harbour" in response.content.decode()
    for kind in ("unlisted", "private", "direct", "reply"):
        if kind == "reply":
            continue  # a public reply is public: the embed shows it (the widget leaves replies out)
        for client in (Client(), _signed_in(bob)):  # bob follows alice and is mentioned in the direct one
            answer = client.get(f"/@alice/{posts[kind].id}/embed")
            assert answer.status_code == 404, kind
            assert f"zq{kind}" not in answer.content.decode()


def test_only_the_widget_and_embed_pages_may_be_framed(alice, posts):
    client = Client()
    for address in ("/", "/@alice", f"/@alice/{posts['public'].id}", "/login", "/@alice/embed", "/public"):
        response = client.get(address)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], address
        assert response.headers["X-Frame-Options"] == "DENY", address


def test_the_frame_ancestors_follow_the_setting(alice, posts, settings):
    settings.WIDGET_FRAME_ANCESTORS = ["https://blog.example", "https://news.example"]
    response = Client().get("/@alice/widget")
    assert "frame-ancestors https://blog.example https://news.example" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("ja", "ltr"), ("hi", "ltr")])
def test_the_widget_speaks_the_language_asked(alice, posts, language, direction):
    page = Client().get(f"/@alice/widget?lang={language}").content.decode()
    assert f'<html lang="{language}" dir="{direction}"' in page


def test_the_widget_takes_the_browsers_language_else(alice, posts):
    page = Client().get("/@alice/widget", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    page = Client().get("/@alice/widget?lang=xx", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de" dir="ltr"' in page


def test_the_widget_theme(alice, posts):
    assert 'data-theme="dark"' in Client().get("/@alice/widget?theme=dark").content.decode()
    assert 'data-theme="light"' in Client().get("/@alice/widget?theme=light").content.decode()
    assert "data-theme" not in Client().get("/@alice/widget?theme=<x>").content.decode()


def test_oembed_of_a_public_post_answers_as_mastodon_does(alice, posts):
    url = f"{settings.SITE_URL}/@alice/{posts['public'].id}"
    response = Client().get("/api/oembed", {"url": url, "maxwidth": "300", "maxheight": "200"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["type"] == "rich" and body["version"] == "1.0"
    assert body["author_name"] == "Alice" and body["author_url"] == f"{settings.SITE_URL}/@alice"
    assert body["provider_name"] == settings.INSTANCE_TITLE and body["provider_url"] == f"{settings.SITE_URL}/"
    assert body["width"] == 300 and body["height"] == 200 and body["cache_age"] > 0
    assert f'src="{url}/embed"' in body["html"] and body["html"].startswith("<iframe ")
    profile = json.loads(Client().get("/api/oembed", {"url": f"{settings.SITE_URL}/@alice"}).content)
    assert f'src="{settings.SITE_URL}/@alice/widget"' in profile["html"]


def test_oembed_refuses_what_is_not_public_and_xml(alice, posts):
    for kind in ("unlisted", "private", "direct"):
        answer = Client().get("/api/oembed", {"url": f"{settings.SITE_URL}/@alice/{posts[kind].id}"})
        assert answer.status_code == 404, kind
    elsewhere = ("https://elsewhere.example/@alice", f"{settings.SITE_URL}/@nobody", f"{settings.SITE_URL}/settings", "")
    for url in elsewhere:
        assert Client().get("/api/oembed", {"url": url}).status_code == 404, url
    url = f"{settings.SITE_URL}/@alice/{posts['public'].id}"
    assert Client().get("/api/oembed", {"url": url, "format": "xml"}).status_code == 501


def test_a_public_post_page_names_its_oembed_and_others_do_not(alice, bob, posts):
    page = Client().get(f"/@alice/{posts['public'].id}").content.decode()
    assert 'type="application/json+oembed"' in page and "/api/oembed?url=" in page
    page = _signed_in(bob).get(f"/@alice/{posts['private'].id}").content.decode()
    assert "zqprivate" in page and "json+oembed" not in page


def test_the_script_tag_and_the_snippet_builder(alice, posts):
    script = Client().get("/widget.js?user=alice")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert b"/widget" in b"".join(script.streaming_content)
    profile = Client().get("/@alice").content.decode()
    assert 'href="/@alice/embed"' in profile
    builder = Client().get("/@alice/embed?theme=dark&lang=ar")
    assert builder.status_code == 200
    page = builder.content.decode()
    assert f"{settings.SITE_URL}/widget.js?user=alice&amp;theme=dark&amp;lang=ar" in page
    assert f"{settings.SITE_URL}/@alice/widget?theme=dark&amp;lang=ar" in page


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_the_widgets_words_are_translated(alice, language):
    empty = Client().get(f"/@alice/widget?lang={language}").content.decode()
    assert "There are no public posts to show." not in empty
    builder = Client().get("/@alice/embed", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for english in ("Embed on another site", "Copy this code into your web page:", "The reader's choice", "Theme"):
        assert english not in builder, english


def test_a_frame_ancestors_setting_that_could_end_the_directive_stops_start_up():
    env = {**os.environ, "CHIRVIR_WIDGET_FRAME_ANCESTORS": "https://blog.example; script-src *"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    started = subprocess.run([sys.executable, "-m", "chirvir.cli", "check"], env=env, capture_output=True, text=True)
    assert started.returncode != 0
    assert "CHIRVIR_WIDGET_FRAME_ANCESTORS" in started.stderr


def test_a_silenced_account_has_no_widget_even_for_its_follower(alice, bob, posts):
    from django.utils import timezone

    alice.silenced_at = timezone.now()  # a moderator limited it: its posts reach its followers only
    alice.save(update_fields=["silenced_at"])
    for client in (Client(), _signed_in(bob)):
        assert client.get("/@alice/widget").status_code == 404
        assert client.get(f"/@alice/{posts['public'].id}/embed").status_code == 404
