"""Passwords that cannot be guessed: Django's validators and Chirvir's banned words, told in the
person's language on the web and in the API's Mastodon-shaped 422; Argon2id for new hashes and for
old ones at their next log-in; a changed or reset password logs out every other browser and, when
asked, every app."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

import chirvir.settings
from chirvir.accounts.models import Account
from chirvir.accounts.passwords import banned_words, listed_words
from chirvir.oauth import services as oauth
from tests.conftest import fresh

PASSWORD = "a long password 7"
# The seeds' own examples, and the same words as people dress them up.
BANNED = [
    "12345", "password", "porsche", "ferrari", "chelsea", "arsenal",
    "Password1", "p4ssw0rd", "P@ssw0rd!", "PORSCHE911", "Ferrari 2024", "Chelsea1!", "ars3nal", "qwerty123",
    "asdfghjkl", "1234567890", "starwars", "Darth Vader", "chirvir", "Chirvir2026", "passwordpassword",
    "motdepasse", "пароль", "Passwort1", "contraseña",
]


def sign_up(client, username, password, **extra):
    form = {"username": username, "password": password, "password_again": password}
    return client.post("/signup", form, **extra)


def test_the_list_holds_at_least_370_words_of_every_kind_the_seeds_name():
    words = listed_words()
    assert len(words) >= 370
    for word in ["12345", "password", "porsche", "ferrari", "chelsea", "arsenal", "qwerty", "startrek", "chirvir"]:
        assert word in words


@pytest.mark.parametrize("password", BANNED)
def test_a_banned_word_is_refused_at_sign_up_on_the_web(password):
    response = sign_up(Client(), "emil", password)
    assert response.status_code == 422
    assert not Account.objects.filter(username="emil").exists()


def test_the_web_says_why_in_the_pages_language():
    english = sign_up(Client(), "emil", "Chelsea1!").content.decode()
    assert "too easy to guess" in english
    russian = sign_up(Client(HTTP_ACCEPT_LANGUAGE="ru"), "emil", "Chelsea1!").content.decode()
    assert "too easy to guess" not in russian and re.search("[а-я]{4}", russian)


def test_the_instances_own_name_and_host_are_banned(settings):
    settings.INSTANCE_TITLE, settings.DOMAIN = "Kookaburra Social", "kookaburra.example:8000"
    assert "kookaburra" in banned_words()
    assert sign_up(Client(), "emil", "Kookaburra!1").status_code == 422
    assert sign_up(Client(), "emil", "kookaburra.example").status_code == 422


def test_a_password_that_only_holds_a_word_among_others_is_fine():
    assert sign_up(Client(), "emil", PASSWORD).status_code == 302
    assert sign_up(Client(), "frida", "porsche in the rain at dawn").status_code == 302


def test_the_api_answers_mastodons_422_with_the_reason_in_the_persons_language():
    application, _id, _secret = oauth.create_application("An app")
    app = Client(HTTP_AUTHORIZATION=f"Bearer {oauth.issue_token(application, None)}")
    form = {"username": "emil", "email": "emil@example.com", "agreement": "true"}
    answer = app.post("/api/v1/accounts", {**form, "password": "Ferrari2024", "locale": "en"})
    assert answer.status_code == 422
    body = answer.json()
    [problem] = body["details"]["password"]
    assert problem["error"] == "ERR_INVALID" and "too easy to guess" in problem["description"]
    assert body["error"].startswith("Validation failed: Password ")
    german = app.post("/api/v1/accounts", {**form, "password": "Ferrari2024", "locale": "de"}).json()
    [problem] = german["details"]["password"]
    assert problem["error"] == "ERR_INVALID" and "too easy to guess" not in problem["description"]
    assert not Account.objects.filter(username="emil").exists()


ARGON2 = [
    "chirvir.accounts.passwords.Argon2id",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_new_passwords_are_hashed_with_argon2id(settings):
    assert chirvir.settings.PASSWORD_HASHERS[0] == ARGON2[0]  # the real settings' first (the tests' is MD5)
    settings.PASSWORD_HASHERS = ARGON2
    assert sign_up(Client(), "emil", PASSWORD).status_code == 302
    assert Account.objects.get(username="emil").password.startswith("argon2$argon2id$")


def test_a_hash_is_made_at_the_cost_set_and_again_at_log_in_once_the_cost_changes(settings, make_account):
    settings.PASSWORD_HASHERS = ARGON2
    settings.ARGON2 = {"memory_cost": 8192, "time_cost": 1, "parallelism": 1}
    alice = make_account("alice")
    assert "$m=8192,t=1,p=1$" in fresh(alice).password
    settings.ARGON2 = {"memory_cost": 19456, "time_cost": 2, "parallelism": 2}
    assert Client().post("/login", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert "$m=19456,t=2,p=2$" in fresh(alice).password
    assert fresh(alice).check_password(PASSWORD)


def test_an_old_hash_becomes_argon2id_at_the_next_log_in(settings, make_account):
    settings.PASSWORD_HASHERS = ARGON2
    alice = make_account("alice")
    Account.objects.filter(pk=alice.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert fresh(alice).password.startswith("pbkdf2_sha256$")
    response = Client().post("/login", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert fresh(alice).password.startswith("argon2$argon2id$")
    assert fresh(alice).check_password(PASSWORD)


def logged_in(username, password=PASSWORD, **extra):
    client = Client(**extra)
    assert client.post("/login", {"username": username, "password": password}).status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_changing_the_password_logs_out_the_other_browsers_and_if_asked_the_apps(make_account):
    alice = make_account("alice")
    here, elsewhere, kept_elsewhere = logged_in("alice"), logged_in("alice"), logged_in("alice")
    application, _id, _secret = oauth.create_application("An app")
    token = oauth.issue_token(application, alice)
    app = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert app.get("/api/v1/accounts/verify_credentials").status_code == 200

    new = "a brand new secret 42"
    change = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert here.post("/settings/password", change).status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere) and not is_signed_in(kept_elsewhere)
    assert app.get("/api/v1/accounts/verify_credentials").status_code == 200  # not asked: apps stay

    change = {"old_password": new, "new_password1": PASSWORD, "new_password2": PASSWORD, "sign_out_apps": "on"}
    assert here.post("/settings/password", change).status_code == 302
    assert is_signed_in(here)
    assert app.get("/api/v1/accounts/verify_credentials").status_code == 401


def test_a_password_change_that_picks_a_banned_word_is_refused(make_account):
    make_account("alice")
    here = logged_in("alice")
    change = {"old_password": PASSWORD, "new_password1": "Arsenal1", "new_password2": "Arsenal1"}
    refused = here.post("/settings/password", change)
    assert refused.status_code == 422 and "too easy to guess" in refused.content.decode()


def test_a_reset_password_logs_out_every_browser_and_if_asked_the_apps(make_account):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    alice = make_account("alice", email="alice@example.org")
    browser = logged_in("alice")
    application, _id, _secret = oauth.create_application("An app")
    app = Client(HTTP_AUTHORIZATION=f"Bearer {oauth.issue_token(application, alice)}")
    # The link the reset mail carries (tests/web/test_password_reset.py follows the mail itself).
    uid, token = urlsafe_base64_encode(force_bytes(alice.pk)), default_token_generator.make_token(fresh(alice))
    link = f"/password/reset/{uid}/{token}"
    stranger = Client()
    form = stranger.get(link, follow=True)
    new = "a brand new secret 42"
    done = stranger.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new, "sign_out_apps": "on"})
    assert done.status_code == 302 and done["Location"] == "/password/reset/done"
    assert not is_signed_in(browser)
    assert app.get("/api/v1/accounts/verify_credentials").status_code == 401
