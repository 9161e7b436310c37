"""Logging in tells nothing about whether an account exists: the same answer, and the same
password hashing work, for a wrong password at a real account and for a name nobody has."""

import re

from django.contrib.auth.hashers import Argon2PasswordHasher, get_hashers
from django.test import Client

PASSWORD = "a long password 7"


class CountingArgon2(Argon2PasswordHasher):
    """Argon2 itself, counting each time it hashes a password (to store it or to check it)."""

    runs = 0

    def encode(self, password, salt):
        type(self).runs += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        type(self).runs += 1
        return super().verify(password, encoded)


def answer_and_work(username):
    # The instance Django uses (settings name this module by its dotted path, which may be a
    # second copy of the module pytest imported).
    hasher = type(get_hashers()[0])
    hasher.runs = 0
    page = Client().post("/login", {"username": username, "password": "wrong guess 1"})
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())  # new on every page
    return page.status_code, html.replace(username, "NAME"), hasher.runs


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer_for_the_same_work(make_account, settings):
    settings.PASSWORD_HASHERS = ["tests.auth.test_log_in.CountingArgon2"]
    make_account("alice")
    known, unknown = answer_and_work("alice"), answer_and_work("nobody")
    assert known == unknown
    assert known[2] == 1  # the hasher ran once for each
    assert "Wrong username or password" in known[1]
