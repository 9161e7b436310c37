"""Trust and safety as an attacker and a person meet it over HTTP: links that lead elsewhere than
they show, the warning page, blocked domains, look-alike usernames, invisible characters, block
and mute from the pages with JavaScript off, and the security headers on every answer."""

import html
import json
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Block, Mute
from chirvir.core.errors import Invalid
from chirvir.oauth import services as oauth
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.conftest import ROOT

SITE = "https://chirvir.social"


@pytest.fixture(autouse=True)
def instance(settings):
    settings.SITE_URL = SITE
    settings.BLOCKED_DOMAINS = ["phishy.net"]


@pytest.fixture
def token_for():
    application, _client_id, _secret = oauth.create_application("Safety tests", scopes="read write follow push")
    return lambda account: oauth.issue_token(application, account, "read write follow push")


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def anchors(page: str, text: str) -> list[str]:
    """The hrefs of the links whose title is the given URL (each outbound link names its target)."""
    return [html.unescape(m[1]) for m in re.finditer(rf'<a href="([^"]*)" title="{re.escape(text)}"', page)]


def test_a_dm_from_a_stranger_opens_its_links_through_the_warning_page(alice, bob):
    statuses.post_status(bob, "@alice log in again at https://example.org/login", visibility="direct")
    page = signed_in(alice).get("/messages").content.decode()
    [href] = anchors(page, "https://example.org/login")
    assert href.startswith("/leaving?url=")
    warning = signed_in(alice).get(href)
    assert warning.status_code == 200
    body = warning.content.decode()
    assert '<strong class="destination-host">example.org</strong>' in body
    assert 'href="https://example.org/login" rel="nofollow noopener noreferrer ugc"' in body
    assert "strong-warning" not in body  # an ordinary host: a plain warning


def test_a_dm_from_someone_you_follow_links_straight_and_says_where(alice, bob):
    accounts.follow(alice, bob)
    statuses.post_status(bob, "@alice the notes: https://example.org/notes", visibility="direct")
    page = signed_in(alice).get("/messages").content.decode()
    assert anchors(page, "https://example.org/notes") == ["https://example.org/notes"]
    assert 'rel="nofollow noopener noreferrer ugc"' in page


@pytest.mark.parametrize(
    "url",
    [
        "https://chirv1r.social/login",  # a typosquat of the host, in its skeleton
        "https://chirvlr.com/login",  # a typosquat of the name on another domain
        "https://chirvir.social.account-check.com/login",  # the host inside another
        "https://xn--chrvir-3ve.social/login",  # punycode: letters from another script
        "https://сhirvir.social/login",  # Cyrillic "с": the same skeleton as the host
    ],
)
def test_a_look_alike_of_the_instance_gets_a_strong_warning_even_from_a_friend(alice, bob, url):
    accounts.follow(alice, bob)
    status = statuses.post_status(bob, f"new site {url}")
    page = signed_in(alice).get(f"/@bob/{status.id}").content.decode()
    [href] = re.findall(r'<a href="(/leaving\?url=[^"]*)"', page)
    warning = signed_in(alice).get(html.unescape(href)).content.decode()
    assert "strong-warning" in warning
    assert "chirvir.social" in warning


def test_an_ordinary_link_in_a_public_post_is_not_sent_through_the_warning(alice, bob):
    status = statuses.post_status(bob, "read https://example.org/article")
    page = Client().get(f"/@bob/{status.id}").content.decode()
    assert anchors(page, "https://example.org/article") == ["https://example.org/article"]


def test_the_warning_page_shows_only_addresses_chirvir_signed(client):
    # As an open redirect it would lend Chirvir's name to any phishing link.
    for forged in ("https://evil.test/", "eyJ1cmwiOiJodHRwczovL2V2aWwudGVzdCJ9:forged"):
        answer = client.get("/leaving", {"url": forged})
        assert answer.status_code == 404
        assert 'href="https://evil.test' not in answer.content.decode()


def test_the_log_in_authorize_and_warning_pages_cannot_be_framed(client, alice):
    from chirvir.core import outbound

    application, client_id, _secret = oauth.create_application("Framed", scopes="read")
    pages = ["/login", outbound.leaving_url("https://example.org/")]
    authorize = f"/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob"
    signed_in(alice).get(authorize)
    for path, who in [*((p, client) for p in pages), (authorize, signed_in(alice))]:
        answer = who.get(path)
        assert answer.status_code == 200, path
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
        assert answer.headers["X-Frame-Options"] == "DENY", path


def test_a_post_linking_to_a_blocked_domain_is_refused_in_the_api_and_on_the_web(alice, token_for):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(alice)}")
    for link in ("https://grabify.link/abc", "http://login.phishy.net/x"):  # shipped list, operator's
        answer = api.post("/api/v1/statuses", {"status": f"free gift {link}"})
        assert answer.status_code == 422
        assert "harmful" in answer.json()["error"]
    web = signed_in(alice)
    web.post("/settings/language", {"language": "de"})
    answer = web.post("/compose", {"status": "Geschenk https://grabify.link/abc", "visibility": "public"})
    assert answer.status_code == 422
    assert "schädlich" in answer.content.decode()
    assert not Status.objects.exists()
    # An edit cannot bring the link in afterwards either.
    status = statuses.post_status(alice, "clean")
    with pytest.raises(Invalid, match="grabify.link"):
        statuses.edit_status(alice, status.id, "now https://grabify.link/abc")


def test_direction_overrides_and_zero_width_characters_are_taken_out_of_posts(alice, bob):
    # "\u202e" would draw "exe.gpj" backwards, as a picture's name; "\u200b" splits a word unseen.
    spoofing = "holiday \u202egpj.exe\u202c pay\u200bpal \u2067x\u2069 नमस्\u200dते"
    status = statuses.post_status(alice, spoofing)
    assert status.text == "holiday gpj.exe paypal x नमस्\u200dते"
    page = Client().get(f"/@alice/{status.id}").content.decode()
    assert "\u202e" not in page and "\u200b" not in page
    accounts.update_profile(alice, note="bio \u202ehidden")
    alice.refresh_from_db()
    assert alice.note == "bio hidden"


@pytest.mark.parametrize("alike", ["pаypal", "paypa1", "PayPaI", "payрal"])
def test_a_username_that_passes_for_another_is_refused_at_sign_up(make_account, token_for, alike):
    make_account("paypal")
    page = Client().post("/signup", {"username": alike, "password": "a long password 7",
                                     "password_again": "a long password 7", "email": ""})
    assert page.status_code == 422
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(None)}")
    answer = api.post("/api/v1/accounts", {"username": alike, "password": "a long password 7",
                                           "email": "x@example.org", "agreement": "true", "locale": "en"})
    assert answer.status_code == 422


def test_a_username_that_only_looks_alike_to_the_signup_check_is_taken_by_no_one(make_account):
    make_account("paypal")
    answer = Client().post("/signup", {"username": "paypa1", "password": "a long password 7",
                                       "password_again": "a long password 7", "email": ""})
    assert "looks too much like @paypal" in answer.content.decode()
    # A name with its own look is welcome.
    assert Client().post("/signup", {"username": "paypals", "password": "a long password 7",
                                     "password_again": "a long password 7", "email": ""}).status_code == 302


def test_block_mute_and_report_from_a_profile_and_a_post_without_javascript(alice, bob):
    status = statuses.post_status(bob, "hello")
    web = signed_in(alice)
    profile = web.get("/@bob").content.decode()
    assert 'action="/@bob/block"' in profile and 'action="/@bob/mute"' in profile
    assert 'href="/@bob/report"' in profile
    post_page = web.get(f"/@bob/{status.id}").content.decode()
    assert f'href="/@bob/report?status={status.id}"' in post_page
    assert 'action="/@bob/mute"' in post_page

    answer = web.post("/@bob/mute", {"duration": "3600", "next": f"/@bob/{status.id}"})
    assert answer.status_code == 302 and answer.url == f"/@bob/{status.id}"
    mute = Mute.objects.get(account=alice, target_account=bob)
    assert timedelta(minutes=59) < mute.expires_at - timezone.now() <= timedelta(hours=1)
    web.post("/@bob/mute", {"duration": "0"})
    assert Mute.objects.get(account=alice, target_account=bob).expires_at is None
    assert web.post("/@bob/mute", {"duration": "12"}).status_code == 302  # refused with a message
    assert Mute.objects.get(account=alice, target_account=bob).expires_at is None

    web.post("/@bob/block", {"next": "/@bob"})
    assert Block.objects.filter(account=alice, target_account=bob).exists()
    listing = web.get("/settings/blocks").content.decode()
    assert 'action="/@bob/unblock"' in listing and 'action="/@bob/unmute"' in listing
    web.post("/@bob/unblock")
    web.post("/@bob/unmute")
    assert not Block.objects.exists() and not Mute.objects.exists()
    assert "You have blocked no one." in web.get("/settings/blocks").content.decode()


def test_block_and_mute_need_the_csrf_token(alice, bob):
    web = Client(enforce_csrf_checks=True)
    web.force_login(alice)
    assert web.post("/@bob/block").status_code == 403
    assert web.post("/@bob/mute", {"duration": "0"}).status_code == 403
    assert not Block.objects.exists() and not Mute.objects.exists()


def test_every_answer_carries_the_security_headers(client, alice):
    for path in ("/", "/login", "/api/v1/instance", "/public", "/health"):
        answer = client.get(path)
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "same-origin", path
        assert "camera=()" in answer.headers["Permissions-Policy"], path
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_hsts_is_sent_when_served_over_https(settings, tmp_path):
    # The setting follows CHIRVIR_URL, read once as the settings load.
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    env = {"DJANGO_SETTINGS_MODULE": "chirvir.settings", "PATH": "/usr/bin:/bin"}
    seconds = {
        url: subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT,
                            env={**env, "CHIRVIR_URL": url, "CHIRVIR_DATA_DIR": str(tmp_path)},
                            capture_output=True, text=True, check=True).stdout.strip()
        for url in ("https://chirvir.example", "http://127.0.0.1:8000")
    }
    assert int(seconds["https://chirvir.example"]) >= 180 * 24 * 3600
    assert seconds["http://127.0.0.1:8000"] == "0"
    settings.SECURE_HSTS_SECONDS = int(seconds["https://chirvir.example"])
    assert "max-age=" in Client().get("/", secure=True).headers["Strict-Transport-Security"]
    # Behind a reverse proxy that ends TLS the request arrives over http: the header goes all the same.
    assert "max-age=" in Client().get("/api/v1/instance").headers["Strict-Transport-Security"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in Client().get("/").headers


def test_the_api_content_of_a_post_names_the_real_destination(alice, token_for):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(alice)}")
    posted = api.post("/api/v1/statuses", {"status": "see https://example.org/a/very/long/path/to/somewhere"}).json()
    assert 'title="https://example.org/a/very/long/path/to/somewhere"' in posted["content"]
    assert 'rel="nofollow noopener noreferrer ugc"' in posted["content"]
    assert json.dumps(posted)  # stays plain JSON


def test_a_profile_link_to_a_look_alike_opens_through_the_warning_page(alice, client):
    accounts.update_profile(alice, website="https://chirvlr.com/login",
                            profile_fields=[("Shop", "https://chirv1r.social/")])
    page = client.get("/@alice").content.decode()
    assert anchors(page, "https://chirvlr.com/login")[0].startswith("/leaving?url=")
    assert anchors(page, "https://chirv1r.social/")[0].startswith("/leaving?url=")


def test_a_link_whose_text_shows_another_domain_opens_through_the_warning_page():
    # Posts are plain text (a link's text is its address), so no page makes such a link today; the
    # rule runs over every rendered link, for the markup that will (a bio's or a field's link text).
    from chirvir.core import outbound

    html_in = ('<p><a href="https://evil.com/login" rel="nofollow">paypal.com/login</a> '
               '<a href="https://www.example.org/x" rel="nofollow">example.org/x</a></p>')
    out = outbound.guard(html_in)
    assert '<a href="/leaving?url=' in out and "paypal.com/login</a>" in out
    assert '<a href="https://www.example.org/x" rel="nofollow">example.org/x</a>' in out
