"""The pages with JavaScript off: every action is a plain form post that lands back on a page
showing its result. Driven through Django's test client; the browser tests drive the same
pages with JavaScript on."""

import io
import re
from collections import Counter

import pytest
from django.test import Client
from PIL import Image

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.conftest import fresh

PASSWORD = "a long password 7"


@pytest.fixture
def signed_in(client):
    def sign_in(account):
        client.force_login(account)
        return client

    return sign_in


def text_of(response) -> str:
    return response.content.decode()


def test_the_front_page_says_what_chirvir_is_and_shows_public_posts(client, alice):
    statuses.post_status(alice, "Making chai in Almaty #tea")
    statuses.post_status(alice, "Only for my followers", visibility="private")
    page = text_of(client.get("/"))
    assert "what are you doing?" in page.lower()
    assert "Making chai in Almaty" in page
    assert "Only for my followers" not in page
    assert 'href="/signup"' in page and 'href="/login"' in page


def test_a_newcomer_signs_up_and_lands_on_home_signed_in(client):
    response = client.post(
        "/signup",
        {"username": "dina", "email": "dina@example.org", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/home"
    home = client.get("/home")
    assert home.status_code == 200
    assert "What are you doing?" in text_of(home)
    assert Account.objects.get(username="dina").email == "dina@example.org"


def test_sign_up_explains_what_is_wrong(client, alice):
    taken = client.post("/signup", {"username": "ALICE", "password": PASSWORD, "password_again": PASSWORD})
    assert taken.status_code == 422
    assert "taken" in text_of(taken)
    differ = client.post("/signup", {"username": "emil", "password": PASSWORD, "password_again": "something else 9"})
    assert "The two passwords differ." in text_of(differ)
    weak = client.post("/signup", {"username": "emil", "password": "123", "password_again": "123"})
    assert weak.status_code == 422 and "too short" in text_of(weak)
    assert not Account.objects.filter(username="emil").exists()


def test_log_in_and_out(client, alice):
    response = client.post("/login", {"username": "Alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/home"
    assert client.get("/home").status_code == 200
    client.post("/logout")
    assert client.get("/home")["Location"].startswith("/login")


def test_posting_from_home_shows_the_post(signed_in, alice):
    client = signed_in(alice)
    response = client.post("/compose", {"status": "Hello from the web #first", "visibility": "public", "next": "/home"})
    assert response.status_code == 302 and response["Location"] == "/home"
    page = text_of(client.get("/home"))
    assert "Hello from the web" in page
    assert 'href="http://testserver/tags/first"' in page or "/tags/first" in page


def test_a_post_over_the_limit_is_refused_with_the_reason_and_the_draft_kept(signed_in, alice):
    client = signed_in(alice)
    draft = "स" * 141
    response = client.post("/compose", {"status": draft, "visibility": "public"})
    assert response.status_code == 422
    assert "Your post is 141 characters long; the limit is 140." in text_of(response)
    assert draft in text_of(response)
    assert not Status.objects.exists()


@pytest.mark.parametrize(
    "draft",
    ["नमस्ते दुनिया, आप कैसे हैं? " * 5, "👩‍👩‍👧‍👦🇰🇿 café " * 9, "d bob see you at six", "read https://example.org/a/very/long/path/indeed ok"],
)
def test_the_counter_counts_as_the_server_does(signed_in, alice, bob, draft):
    counted = signed_in(alice).post("/compose/count", {"status": draft}).json()
    rule = statuses.measure(draft)
    assert counted == {
        "length": rule.weighted_length,
        "limit": 140,
        "remaining": 140 - rule.weighted_length,
        "valid": rule.valid,
    }


def test_like_repost_and_delete_with_plain_forms(signed_in, alice, bob):
    post = statuses.post_status(bob, "Like me")
    client = signed_in(alice)
    assert client.post(f"/statuses/{post.id}/like", {"next": "/public"})["Location"] == "/public"
    assert fresh(post).favourites_count == 1
    assert 'aria-pressed="true"' in text_of(client.get("/public"))
    client.post(f"/statuses/{post.id}/repost")
    assert fresh(post).reblogs_count == 1
    client.post(f"/statuses/{post.id}/unlike")
    assert fresh(post).favourites_count == 0
    mine = statuses.post_status(alice, "A mistake")
    client.post(f"/statuses/{mine.id}/delete")
    assert not Status.objects.filter(id=mine.id).exists()
    # Someone else's post cannot be deleted: the message says so and the post stays.
    refused = client.post(f"/statuses/{post.id}/delete", follow=True)
    assert Status.objects.filter(id=post.id).exists()
    assert refused.status_code == 200 and 'class="message error"' in text_of(refused)


def test_actions_answer_htmx_with_the_changed_fragment(signed_in, alice, bob):
    post = statuses.post_status(bob, "Fragment")
    client = signed_in(alice)
    response = client.post(f"/statuses/{post.id}/like", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = text_of(response)
    assert fragment.startswith('<footer class="actions">') and "Liked" in fragment and "<html" not in fragment


def test_actions_need_a_session_and_a_post(client, alice):
    post = statuses.post_status(alice, "Hands off")
    assert client.post(f"/statuses/{post.id}/like")["Location"].startswith("/login")
    assert fresh(post).favourites_count == 0
    client.force_login(alice)
    assert client.get(f"/statuses/{post.id}/like").status_code == 405


def test_forms_refuse_a_post_without_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/compose", {"status": "forged"}).status_code == 403
    assert not Status.objects.exists()
    page = text_of(client.get("/home"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/compose", {"status": "real", "csrfmiddlewaretoken": token}).status_code == 302


def test_follow_and_unfollow_from_a_profile(signed_in, alice, bob):
    client = signed_in(alice)
    page = text_of(client.get("/@bob"))
    assert ">Follow<" in page
    client.post("/@bob/follow")
    assert fresh(bob).followers_count == 1
    assert "Following" in text_of(client.get("/@bob"))
    client.post("/@bob/unfollow")
    assert fresh(bob).followers_count == 0


def test_a_protected_profile_is_clear_about_what_you_may_not_see(signed_in, alice, bob):
    accounts.update_profile(bob, locked=True)
    statuses.post_status(bob, "Secret plans")
    client = signed_in(alice)
    page = text_of(client.get("/@bob"))
    assert "Secret plans" not in page
    assert "These posts are protected" in page and "Ask to follow" in page
    assert "Secret plans" not in text_of(client.get("/@bob/with_replies"))
    assert "Secret plans" not in text_of(client.get("/@bob/likes"))
    client.post("/@bob/follow")
    assert "Your request is waiting for an answer." in text_of(client.get("/@bob"))

    bob_client = Client()
    bob_client.force_login(bob)
    requests_page = text_of(bob_client.get("/follow_requests"))
    assert "@alice" in requests_page
    bob_client.post("/follow_requests/@alice/approve")
    assert "Secret plans" in text_of(client.get("/@bob"))


def test_a_post_has_its_own_page_with_its_thread_and_a_reply_box(signed_in, alice, bob):
    first = statuses.post_status(alice, "Who is coming to the picnic?")
    reply = statuses.post_status(bob, "@alice me!", in_reply_to_id=first.id)
    client = signed_in(bob)
    page = text_of(client.get(f"/@alice/{first.id}"))
    assert "Who is coming" in page and "me!" in page
    assert f'name="in_reply_to_id" value="{first.id}"' in page
    assert "@alice " in page  # the reply box starts with the mention
    # The same post under another name's address goes to its real one.
    assert client.get(f"/@bob/{first.id}")["Location"] == f"/@alice/{first.id}"
    client.post("/compose", {"status": "@alice bringing bread", "in_reply_to_id": str(first.id), "visibility": "public"})
    assert Status.objects.filter(in_reply_to=first).count() == 2
    assert reply.id


def test_a_post_you_may_not_see_is_not_found(signed_in, alice, bob):
    secret = statuses.post_status(bob, "Followers only", visibility="private")
    response = signed_in(alice).get(f"/@bob/{secret.id}")
    assert response.status_code == 404
    assert "Followers only" not in text_of(response)


def test_hashtag_pages(client, alice):
    statuses.post_status(alice, "Sunrise over #Bromo")
    page = text_of(client.get("/tags/bromo"))
    assert "Sunrise over" in page


def test_direct_messages_as_conversations(signed_in, alice, bob):
    client = signed_in(alice)
    client.post("/compose", {"to": "@bob", "status": "Lunch tomorrow?"})
    message = Status.objects.get()
    assert message.visibility == "direct"
    bob_client = Client()
    bob_client.force_login(bob)
    page = text_of(bob_client.get("/messages"))
    assert "Lunch tomorrow?" in page
    # Nobody else sees it: not on Alice's profile, not to Carol.
    assert "Lunch tomorrow?" not in text_of(Client().get("/@alice"))


def test_notifications_are_read_when_seen(signed_in, alice, bob):
    post = statuses.post_status(alice, "Notice me")
    statuses.favourite(bob, post.id)
    accounts.follow(bob, alice)
    client = signed_in(alice)
    home = text_of(client.get("/home"))
    assert 'class="badge">2' in home
    page = text_of(client.get("/notifications"))
    assert "liked your post" in page and "followed you" in page
    assert 'class="badge"' not in text_of(client.get("/home"))


def test_the_frames_counts_leave_out_blocks_both_ways_and_the_suspended(signed_in, alice, bob, carol, make_account):
    # The counts beside the navigation are one prepared statement each (the marker and the blocks
    # as subqueries): they keep the list's rules.
    dave, erin = make_account("dave"), make_account("erin")
    for follower in (bob, carol, dave, erin):
        accounts.follow(follower, alice)
    client = signed_in(alice)
    assert 'class="badge">4' in text_of(client.get("/home"))
    accounts.block(carol, alice)  # blocked by carol: her follow notification is not counted
    accounts.block(alice, dave)
    Account.objects.filter(pk=erin.pk).update(is_active=False)  # as a suspension leaves it
    assert 'class="badge">1' in text_of(client.get("/home"))
    text_of(client.get("/notifications"))  # read: the marker moves past all
    assert 'class="badge"' not in text_of(client.get("/home"))
    accounts.update_profile(alice, locked=True)
    for asker in (make_account("frank"), make_account("grace")):
        accounts.follow(asker, alice)
    home = text_of(client.get("/home"))
    assert 'class="badge">2</span></a></li>' in home.replace("\n", "")  # the follow requests


def _png() -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(image, "PNG")
    image.seek(0)
    image.name = "me.png"
    return image


def test_settings_change_profile_picture_privacy_email_and_password(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        "/settings/profile",
        {"display_name": "Алиса", "note": "Ақын", "location": "Алматы", "website": "https://example.org", "avatar": _png()},
    )
    assert response.status_code == 302
    alice = fresh(alice)
    assert alice.display_name == "Алиса" and alice.avatar
    profile = text_of(client.get("/@alice"))
    assert "Алиса" in profile and alice.avatar.url in profile
    client.post("/settings/privacy", {"locked": "on"})
    assert fresh(alice).locked
    client.post("/settings/email", {"email": "alice@example.org"})
    assert fresh(alice).email == "alice@example.org"
    bad = client.post("/settings/profile", {"website": "javascript:alert(1)"})
    assert bad.status_code == 422 and fresh(alice).website == "https://example.org"
    client.post("/settings/password", {"old_password": PASSWORD, "new_password1": "a new long secret 8", "new_password2": "a new long secret 8"})
    assert fresh(alice).check_password("a new long secret 8")
    assert client.get("/settings").status_code == 200  # still signed in after the change


def test_user_text_is_escaped_and_isolated(signed_in, alice, bob):
    accounts.update_profile(bob, display_name="<b>Bob</b>", note="<script>alert(1)</script>")
    statuses.post_status(bob, "<img src=x onerror=alert(1)> مرحبا")
    page = text_of(signed_in(alice).get("/@bob"))
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;b&gt;Bob&lt;/b&gt;" in page
    assert '<div class="content" dir="auto">' in page and '<bdi dir="auto">&lt;b&gt;Bob' in page


def test_pages_forbid_inline_scripts(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in text_of(response)
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_pages_and_accounts(client):
    assert client.get("/@nobody").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/api/v1/no-such").json() == {"error": "Record not found"}


def test_ids_in_pages_stay_plain_numbers_in_every_language(signed_in, alice):
    posts = [statuses.post_status(alice, f"Post {n}") for n in range(21)]
    accounts.update_profile(alice, language="de")
    page = text_of(signed_in(alice).get("/home"))
    assert f'data-id="{posts[-1].id}"' in page
    assert f'href="?max_id={posts[1].id}"' in page


def test_after_a_reply_the_box_stays_a_reply_to_the_same_post(signed_in, alice, bob):
    first = statuses.post_status(alice, "Ideas for the weekend?")
    client = signed_in(bob)
    fragment = text_of(
        client.post(
            "/compose",
            {"status": "@alice a hike", "in_reply_to_id": str(first.id), "visibility": "public"},
            HTTP_HX_REQUEST="true",
        )
    )
    assert f'name="in_reply_to_id" value="{first.id}"' in fragment
    assert "\n@alice </textarea>" in fragment
    assert "a hike" in fragment  # the new reply, put on the page out of band


def test_a_message_to_an_unknown_name_is_refused_with_the_reason(signed_in, alice):
    client = signed_in(alice)
    refused = client.post("/compose", {"to": "bobb", "status": "Lunch tomorrow?"})
    assert refused.status_code == 422
    assert "There is no account named @bobb." in text_of(refused)
    assert "Lunch tomorrow?" in text_of(refused)  # the draft is kept
    assert not Status.objects.exists()


def test_a_conversation_names_its_participants(signed_in, alice, bob):
    client = signed_in(alice)
    client.post("/compose", {"to": "bob", "status": "Lunch tomorrow?"})
    statuses.post_status(alice, "A note to myself", visibility="direct")  # through the API, say: no one named
    lines = re.findall(r'<p class="with">(.*?)</p>', text_of(client.get("/messages")), re.S)
    # Newest first: the note, with nobody else in it, then the message to Bob, by name and handle.
    assert lines[0] == "Only you"
    assert lines[1].startswith("With ") and "Bob</bdi>" in lines[1]
    assert '<span class="handle" dir="ltr">@bob</span>' in lines[1]


def test_a_message_sent_from_the_page_shows_in_its_conversation(signed_in, alice, bob):
    client = signed_in(alice)
    fragment = text_of(client.post("/compose", {"to": "bob", "status": "Lunch tomorrow?"}, HTTP_HX_REQUEST="true"))
    # The list of conversations is swapped in whole: the message, whom it is with, and no "No messages yet".
    assert '<ul class="conversations" id="conversations" hx-swap-oob="true">' in fragment
    listed = fragment[fragment.index('id="conversations"'):]
    assert "Lunch tomorrow?" in listed and "@bob" in listed
    assert "No messages yet." not in fragment


def test_settings_put_no_autofocus_on_a_form_down_the_page(signed_in, alice):
    assert "autofocus" not in text_of(signed_in(alice).get("/settings"))


def test_a_protected_account_shows_the_sites_lock_icon(signed_in, alice, bob):
    accounts.update_profile(bob, locked=True)
    statuses.post_status(bob, "Behind the lock")
    accounts.follow(alice, bob)
    accounts.approve_follow_request(bob, alice)
    for path in ("/@bob", "/home", "/@alice/following"):
        page = text_of(signed_in(alice).get(path))
        assert "🔒" not in page
        assert '<img class="lock" src="/static/web/lock.svg" alt="Protected account"' in page, path


def test_the_reply_box_says_whom_it_answers(signed_in, alice, bob):
    first = statuses.post_status(alice, "Who is coming to the picnic?")
    client = signed_in(bob)
    page = text_of(client.get(f"/@alice/{first.id}"))
    assert '<label class="question" for="compose-text">Reply to @alice</label>' in page
    assert "What are you doing?" not in page
    # A refused reply still says it.
    refused = client.post("/compose", {"status": "x" * 141, "in_reply_to_id": str(first.id)}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Reply to @alice" in text_of(refused)


def test_a_new_account_takes_the_time_zone_its_browser_gave(client):
    form = {"password": PASSWORD, "password_again": PASSWORD}
    client.post("/signup", {**form, "username": "meera", "time_zone": "Asia/Kolkata"})
    assert Account.objects.get(username="meera").time_zone == "Asia/Kolkata"
    # A zone no one knows does not stop the sign-up: times show in UTC until it is chosen.
    Client().post("/signup", {**form, "username": "ravi", "time_zone": "Mars/Olympus"})
    assert Account.objects.get(username="ravi").time_zone == ""


def test_the_time_zone_is_changed_in_settings(signed_in, alice):
    client = signed_in(alice)
    assert '<option value="Asia/Almaty">Asia/Almaty</option>' in text_of(client.get("/settings"))
    assert client.post("/settings/language", {"language": "", "time_zone": "Asia/Almaty"}).status_code == 302
    assert fresh(alice).time_zone == "Asia/Almaty"
    assert '<option value="Asia/Almaty" selected>' in text_of(client.get("/settings"))
    assert client.post("/settings/language", {"language": "", "time_zone": "Mars/Olympus"}).status_code == 422
    assert fresh(alice).time_zone == "Asia/Almaty"


def _posted_at(status, moment):
    Status.objects.filter(id=status.id).update(created_at=moment)


def test_times_are_relative_then_a_short_date_with_the_full_local_time_on_hover(signed_in, alice):
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    _posted_at(statuses.post_status(alice, "Five minutes ago"), now - timedelta(minutes=5, seconds=3))
    _posted_at(statuses.post_status(alice, "Three hours ago"), now - timedelta(hours=3, minutes=10))
    _posted_at(statuses.post_status(alice, "Long ago"), datetime(2025, 3, 4, 7, 25, tzinfo=timezone.utc))
    accounts.update_profile(alice, time_zone="Asia/Kolkata")
    client = signed_in(alice)
    page = text_of(client.get("/@alice"))
    assert ">5m</time>" in page and ">3h</time>" in page
    # 07:25 UTC is 12:55 in Delhi: the day first in English, the zone said (CLDR puts a narrow space before "pm").
    full = "Tuesday, 4 March 2025, 12:55\u202fpm GMT+05:30"
    assert f'<time datetime="2025-03-04T12:55:00+05:30" title="{full}">4 Mar 2025</time>' in page
    accounts.update_profile(alice, language="ja")
    page = text_of(client.get("/@alice"))
    assert ">5m</time>" in page and ">2025年3月4日</time>" in page
    assert 'title="2025年3月4日火曜日 12:55 GMT+05:30"' in page
    accounts.update_profile(alice, language="", time_zone="")
    assert 'title="Tuesday, 4 March 2025, 7:25\u202fam GMT+00:00"' in text_of(client.get("/@alice"))


def test_a_posts_age_moves_on_while_its_html_is_rendered_once(signed_in, alice, bob, monkeypatch):
    """A post's HTML is kept (chirvir/web/fragments.py) with its age left out: "5m" becomes "7m" as
    the clock moves on, with no new rendering of the post, and so does the age of the post it quotes."""
    from datetime import timedelta

    from django.utils import timezone

    from chirvir.web import fragments

    now = timezone.now()
    quoted = statuses.post_status(bob, "Three hours ago")
    _posted_at(quoted, now - timedelta(hours=3, minutes=10))
    _posted_at(statuses.post_status(alice, "Five minutes ago", quoted_status_id=quoted.id), now - timedelta(minutes=5))
    rendered = []
    real_cache = fragments.fragment_cache

    class Counted:
        def __init__(self):
            self.cache = real_cache()

        def get_many(self, keys):
            return self.cache.get_many(keys)

        def set_many(self, values):
            rendered.extend(values)
            self.cache.set_many(values)

    monkeypatch.setattr(fragments, "fragment_cache", Counted)
    client = signed_in(alice)
    page = text_of(client.get("/@alice"))
    assert ">5m</time>" in page and ">3h</time>" in page
    assert len(rendered) == 1
    later = now + timedelta(minutes=2, seconds=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = text_of(client.get("/@alice"))
    assert ">7m</time>" in page and ">5m</time>" not in page and ">3h</time>" in page
    assert len(rendered) == 1, "the post was rendered again"


def test_the_empty_compose_box_is_rendered_once_a_language_and_carries_each_requests_token(alice, monkeypatch):
    """Home's empty compose box is kept once rendered (chirvir/web/fragments.py): it is what the
    template engine makes of web/_compose.html, in the reader's language, with this request's own
    CSRF token (a post with it goes through) and address in it, and it is not rendered again."""
    from django.template.base import Template
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from chirvir.statuses.services import text_config
    from chirvir.web import fragments
    from chirvir.web.forms import ComposeForm

    monkeypatch.setattr(fragments, "_kept_once", {})
    rendered = []
    real_render = Template.render

    def counted(self, context):
        if self.origin and self.origin.template_name == fragments.COMPOSE and not context.get("expected"):
            rendered.append(translation.get_language())
        return real_render(self, context)

    monkeypatch.setattr(Template, "render", counted)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    token = r'name="csrfmiddlewaretoken" value="[^"]+"'

    def box(path):
        page = text_of(client.get(path))
        return re.search(r'<form method="post" action="/compose" class="compose" id="compose".*?</form>', page, re.S)[0]

    for language in ("en", "fr", "en", "fr"):
        accounts.update_profile(alice, language=language)
        shown = box("/home?max_id=12345")
        request = RequestFactory().get("/home?max_id=12345")
        with translation.override(language):
            expected = render_to_string(
                fragments.COMPOSE,
                {
                    "form": ComposeForm(), "max_chars": text_config().max_weighted_length, "csrf_token": "x",
                    "request": request, "expected": True,
                },
            )
        assert re.sub(token, "T", shown) == re.sub(token, "T", expected).rstrip("\n")
        assert '<input type="hidden" name="next" value="/home?max_id=12345">' in shown
    assert rendered == ["en", "fr"], "the empty box was rendered again"
    french = box("/home")
    assert "Qui peut la voir" in french and "Who can see it" not in french
    posted = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', french)[1]
    assert client.post("/compose", {"status": "Through the kept box", "csrfmiddlewaretoken": posted}).status_code == 302
    assert Status.objects.filter(text="Through the kept box").exists()


def test_the_frame_is_kept_once_rendered_and_holds_each_readers_own_parts(alice, bob, carol, make_account, monkeypatch):
    """The frame's header and footer are kept once rendered (fragments.header and .footer): each
    reader still gets their own profile link, counts, search words, CSRF token and address, in
    their language, and the engine renders them again only for another language, page entry or
    shape of the menu."""
    from urllib.parse import quote

    from django.template.base import Template

    from chirvir.web import fragments

    monkeypatch.setattr(fragments, "_kept_once", {})
    rendered = []
    real_render = Template.render

    def counted(self, context):
        if self.origin and self.origin.template_name in (fragments.HEADER, fragments.FOOTER):
            rendered.append(self.origin.template_name)
        return real_render(self, context)

    monkeypatch.setattr(Template, "render", counted)
    accounts.update_profile(bob, locked=True)
    accounts.follow(carol, bob)  # a request: bob's menu has its entry, with a count of one
    accounts.follow(carol, alice)  # a notification alice has not read
    dave = make_account("dave")
    accounts.follow(carol, dave)  # dave's menu has the same shape as alice's
    as_alice, as_bob, as_dave = (Client(enforce_csrf_checks=True) for _ in range(3))
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    as_dave.force_login(dave)

    def frame(client, path, part="header"):
        page = text_of(client.get(path))
        return re.search(rf'<{part} class="(top|bottom)">.*?</{part}>', page, re.S)[0]

    alice_home, bob_home = frame(as_alice, "/home"), frame(as_bob, "/home")
    assert '<a href="/@alice">' in alice_home and "/@bob" not in alice_home
    assert '<a href="/@bob">' in bob_home and "/@alice" not in bob_home
    dave_home = frame(as_dave, "/home")
    assert '<a href="/@dave">' in dave_home and "/@alice" not in dave_home
    assert 'class="badge">1<span class="visually-hidden"> unread' in alice_home
    assert "/follow_requests" not in alice_home
    assert re.search(r'href="/follow_requests">Follow requests <span class="badge">1</span>', bob_home)
    assert '<a href="/home" aria-current="page">' in alice_home
    assert '<a href="/lists" aria-current="page">' in frame(as_alice, "/lists")

    # Whatever is searched for is the reader's own, and written as text.
    shown = frame(as_alice, "/search?q=" + quote('"><script>alert(1)</script>'))
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in shown and "<script>" not in shown
    assert 'name="q" value=""' in frame(as_dave, "/search")

    # The same page again renders nothing; another language renders its own.
    before = len(rendered)
    token = r'name="csrfmiddlewaretoken" value="[^"]+"'
    assert re.sub(token, "T", frame(as_alice, "/home")) == re.sub(token, "T", alice_home)
    assert len(rendered) == before, "the frame was rendered again"
    accounts.update_profile(alice, language="fr")
    french = frame(as_alice, "/home")
    assert "Se déconnecter" in french and "Log out" not in french and '<a href="/@alice">' in french
    assert rendered[before:] == [fragments.HEADER, fragments.FOOTER]  # the French frame, once

    # The footer's form carries this request's address and token: the language change goes through.
    footer = frame(as_alice, "/home?max_id=5", "footer")
    assert '<input type="hidden" name="next" value="/home?max_id=5">' in footer
    assert re.search(r'<option value="fr" lang="fr" selected>', footer)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', footer)[1]
    changed = as_alice.post("/language", {"language": "en", "next": "/home", "csrfmiddlewaretoken": token})
    assert changed.status_code == 302 and fresh(alice).language == "en"
    # And the header's log-out form carries bob's own token.
    token = re.search(r'action="/logout"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', bob_home)[1]
    assert as_bob.post("/logout", {"csrfmiddlewaretoken": token}).status_code == 302
    assert as_bob.get("/home").status_code == 302  # signed out: sent to log in


def test_replies_name_whom_they_answer_with_one_query_for_the_page(signed_in, alice, bob, make_account):
    """A page of posts says whom each reply answers, a repost's original too, and loads those
    accounts in one query for the page, not one for each reply."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    accounts.follow(alice, bob)
    # Whom to follow fills its three places from bob's follows, so it never falls back to the
    # most followed, whose reads vary with the accounts the database holds.
    for n in range(3):
        accounts.follow(bob, make_account(f"suggested{n}"))
    client = signed_in(alice)
    client.get("/home")  # its feed is made at the first read

    def home_queries() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            page = text_of(client.get("/home"))
        # Each query as its kind: numbers and lists of them left out, so that the two pages compare.
        return page, [re.sub(r"\((?:N, )*N\)", "(...)", re.sub(r"\d+", "N", q["sql"])) for q in captured]

    def answered(queries: list[str]) -> tuple[int, int]:
        """The page's reads of the accounts replies answer: all of them at once (in_bulk), and one
        at a time (an account loaded for its reply alone, as a foreign key does)."""
        together = sum(q.endswith('FROM "accounts_account" WHERE "accounts_account"."id" IN (...)') for q in queries)
        alone = sum(q.endswith('WHERE "accounts_account"."id" = N LIMIT N') for q in queries)
        return together, alone

    # A reply reaches a home whose owner follows both ends of it.
    others = [make_account(f"someone{n}") for n in range(6)]
    for other in others:
        accounts.follow(alice, other)
    first = statuses.post_status(others[0], "A question")
    statuses.post_status(bob, "@someone0 an answer", in_reply_to_id=first.id)
    page, few = home_queries()
    assert 'in reply to <a href="/@someone0" dir="ltr">@someone0</a>' in page
    for other in others[1:]:
        asked = statuses.post_status(other, f"Asked by {other.username}")
        statuses.post_status(bob, f"@{other.username} answered", in_reply_to_id=asked.id)
    carol = make_account("carol")
    accounts.follow(alice, carol)
    asked = statuses.post_status(bob, "Asked by bob")
    statuses.reblog(bob, statuses.post_status(carol, "@bob answered by carol", in_reply_to_id=asked.id).id)
    page, many = home_queries()
    for other in others:
        assert f'in reply to <a href="/@{other.username}" dir="ltr">@{other.username}</a>' in page
    assert 'in reply to <a href="/@bob" dir="ltr">@bob</a>' in page
    assert answered(few) == answered(many) == (1, 0), "a query for each reply"
    # Nothing else on the page grows with the replies either (seven more of them than before). The
    # page's other reads have been seen to differ by one between two reads in CI's PostgreSQL
    # pass, for a reason not found yet; the message names the kinds of query added.
    added = Counter(many) - Counter(few)
    assert len(many) - len(few) <= 1, f"queries added: {[q[:300] for q in added.elements()]}"


def test_home_reads_the_viewers_graph_once_for_the_timeline_and_whom_to_follow(signed_in, alice, bob, make_account):
    """The home page reads whom the viewer follows, blocks and mutes once (chirvir.audience.Viewer),
    and both its timeline and whom to follow go by it: a blocked account is in neither."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chirvir.accounts.models import Block

    carol, dave = make_account("carol"), make_account("dave")
    accounts.follow(alice, bob)
    accounts.follow(bob, carol)
    accounts.follow(bob, dave)  # friends of alice's friend: whom to follow
    statuses.post_status(bob, "Bob's post")
    accounts.block(alice, dave)
    client = signed_in(alice)
    client.get("/home")  # its feed is made at the first read
    with CaptureQueriesContext(connection) as captured:
        page = text_of(client.get("/home"))
    graph = [q["sql"] for q in captured if Block._meta.db_table in q["sql"] and "UNION ALL" in q["sql"]]
    assert len(graph) == 1, graph
    assert "Bob&#x27;s post" in page or "Bob's post" in page
    assert 'href="/@carol"' in page and 'href="/@dave"' not in page
