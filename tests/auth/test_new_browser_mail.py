"""A sign-in from a browser the account has never been used from is told to its owner by e-mail,
over SMTP, in the account's language; the browsers it knows sign in without a word."""

import re

from django.test import Client

PASSWORD = "a long password 7"


def log_in(client, username="lena"):
    assert client.post("/login", {"username": username, "password": PASSWORD}).status_code == 302


def test_a_new_browser_gets_a_mail_in_the_accounts_language_and_a_known_one_none(inbox, make_account):
    make_account("lena", email="lena@example.org", language="ru")
    laptop = Client(HTTP_USER_AGENT="Firefox on the laptop")
    laptop.get("/login")  # the browser gets its mark
    log_in(laptop)  # the first browser ever: nothing to tell
    laptop.post("/logout")
    log_in(laptop)  # the same browser again
    assert inbox.messages == []

    stranger = Client(HTTP_USER_AGENT="Strange browser 1.0", REMOTE_ADDR="203.0.113.9")
    stranger.get("/login")
    log_in(stranger)
    [message] = inbox.messages
    assert message["To"] == "lena@example.org"
    body = message.get_content()
    assert "Strange browser 1.0" in body and "203.0.113.9" in body and "/settings/sessions" in body
    assert re.search("[а-яА-Я]{4}", message["Subject"]) and re.search("[а-яА-Я]{4}", body)

    log_in(stranger)  # known now
    assert len(inbox.messages) == 1


def test_a_wrong_password_from_a_new_browser_sends_nothing(inbox, make_account):
    make_account("lena", email="lena@example.org")
    log_in(Client())
    Client().post("/login", {"username": "lena", "password": "not it at all"})
    assert inbox.messages == []
