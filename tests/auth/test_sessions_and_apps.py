"""Who is signed in to an account, and how its owner ends it: the browsers, listed with their
address and when they were last seen, and "log out everywhere else"; the connected apps, with what
each may do in plain words, since when and when last used, and "revoke", after which the app's
token gets 401 at once."""

import re

from django.test import Client

from chirvir.oauth import services as oauth

PASSWORD = "a long password 7"


def logged_in(username, **extra):
    client = Client(**extra)
    assert client.post("/login", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_the_sessions_page_lists_each_browser_and_logs_out_the_others(make_account):
    make_account("alice")
    here = logged_in("alice", HTTP_USER_AGENT="Firefox on the laptop", REMOTE_ADDR="198.51.100.7")
    phone = logged_in("alice", HTTP_USER_AGENT="Chromium on the phone", REMOTE_ADDR="203.0.113.9")
    page = here.get("/settings/sessions").content.decode()
    assert "Firefox on the laptop" in page and "198.51.100.7" in page
    assert "Chromium on the phone" in page and "203.0.113.9" in page
    assert "this browser" in page

    done = here.post("/settings/sessions/end_others")
    assert done.status_code == 302
    assert is_signed_in(here) and not is_signed_in(phone)
    page = here.get("/settings/sessions").content.decode()
    assert "Firefox on the laptop" in page and "Chromium on the phone" not in page


def test_someone_else_cannot_end_a_session_by_a_forged_get(make_account):
    make_account("alice")
    here, phone = logged_in("alice"), logged_in("alice")
    assert here.get("/settings/sessions/end_others").status_code == 405
    assert is_signed_in(phone)


def test_a_connected_app_is_listed_in_plain_words_and_revoked_at_once(make_account):
    alice = make_account("alice")
    bob = make_account("bob")
    reader, _id, _secret = oauth.create_application("Pocket Reader", scopes="read write")
    other, _id, _secret = oauth.create_application("Other App")
    token = oauth.issue_token(reader, alice, "read write:statuses")
    keeps = oauth.issue_token(other, alice, "read")
    bobs = oauth.issue_token(reader, bob, "read")
    app, other_app, bobs_app = (Client(HTTP_AUTHORIZATION=f"Bearer {t}") for t in (token, keeps, bobs))
    assert app.get("/api/v1/accounts/verify_credentials").status_code == 200

    browser = logged_in("alice")
    page = browser.get("/settings/apps").content.decode()
    assert "Pocket Reader" in page and "Other App" in page
    assert "Read all your account&#x27;s data" in page and "Publish and delete posts" in page
    # Pocket Reader was used just now; Other App never.
    [reader_card, other_card] = (re.search(rf"<h2[^>]*>{name}</h2>.*?</section>", page, re.S).group(0)
                                 for name in ("Pocket Reader", "Other App"))
    assert "Last used: <time" in reader_card and "Last used: never" in other_card
    german = logged_in("alice", HTTP_ACCEPT_LANGUAGE="de").get("/settings/apps").content.decode()
    assert "Alle Daten deines Kontos lesen" in german

    assert browser.post(f"/settings/apps/{reader.pk}/revoke").status_code == 302
    assert app.get("/api/v1/accounts/verify_credentials").status_code == 401
    assert other_app.get("/api/v1/accounts/verify_credentials").status_code == 200
    assert bobs_app.get("/api/v1/accounts/verify_credentials").status_code == 200  # only alice's tokens
    page = browser.get("/settings/apps").content.decode()
    assert "<h2" in page and not re.search(r"<h2[^>]*>Pocket Reader<", page) and "Other App" in page


def test_the_consent_page_shows_the_scopes_in_the_same_words(make_account):
    make_account("alice")
    application, client_id, _secret = oauth.create_application("Pocket Reader", scopes="read write:statuses")
    browser = logged_in("alice")
    page = browser.get(
        "/oauth/authorize", {"client_id": client_id, "response_type": "code", "redirect_uri": oauth.OOB,
                             "scope": "read write:statuses"}
    ).content.decode()
    assert "Read all your account&#x27;s data" in page and "Publish and delete posts" in page
