"""Chirvir's own password rule, beside Django's four validators (settings.AUTH_PASSWORD_VALIDATORS):
no password may be one of the words in banned_passwords.txt, or the service's or this instance's
own name or host, however it is capitalised, spaced, numbered or spelt in leet (P4ssw0rd!, Chelsea1).
And the hasher of every new password: Argon2id at the cost the operator sets (CHIRVIR_ARGON2)."""

import functools
import unicodedata
from pathlib import Path

import regex
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORDS = Path(__file__).with_name("banned_passwords.txt")
# The digits and signs people put for letters; "1" stands for both "i" and "l".
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i"})
LEET_L = str.maketrans({"1": "l", "!": "l"})
NOT_LETTERS = regex.compile(r"[^\p{L}\p{M}]+")
NOT_LETTERS_OR_DIGITS = regex.compile(r"[^\p{L}\p{M}\p{Nd}]+")
TRAILING = regex.compile(r"[^\p{L}\p{M}]+$")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _forms(password: str) -> set[str]:
    """The ways one password may hide a word: its letters alone, its leet read as letters (both
    readings of "1"), with or without what it ends with, and its letters and digits (for words
    that are digits: 12345, r2d2)."""
    folded = _fold(password)
    stem = TRAILING.sub("", folded)  # Chelsea1! and P@ssw0rd! add their digits and signs at the end
    forms = {
        NOT_LETTERS.sub("", stem.translate(LEET)),
        NOT_LETTERS.sub("", stem.translate(LEET_L).translate(LEET)),
        NOT_LETTERS.sub("", folded),
        NOT_LETTERS.sub("", folded.translate(LEET_L).translate(LEET)),
        NOT_LETTERS.sub("", folded.translate(LEET)),
        NOT_LETTERS_OR_DIGITS.sub("", folded),
    }
    # A word said twice or more (passwordpassword, 123123123) is still the word.
    forms |= {form[: (form + form).find(form, 1)] for form in forms if form}
    return forms - {""}


@functools.cache
def listed_words() -> frozenset[str]:
    """The data file's words, as _forms writes them."""
    words = set()
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(NOT_LETTERS_OR_DIGITS.sub("", _fold(line)))
    return frozenset(words - {""})


def banned_words() -> frozenset[str]:
    """The list, with this instance's own title and host (whole, and each name in it)."""
    host = settings.DOMAIN.split(":")[0]
    own = {settings.INSTANCE_TITLE, host, *host.split("."), *settings.INSTANCE_TITLE.split()}
    return listed_words() | {NOT_LETTERS_OR_DIGITS.sub("", _fold(word)) for word in own if len(word) >= 4}


def is_banned(password: str) -> bool:
    return not _forms(password).isdisjoint(banned_words())


class BannedWordValidator:
    """Refuses a password that is a banned word in disguise (see is_banned)."""

    def validate(self, password, user=None):
        if is_banned(password):
            raise ValidationError(self.message(), code="password_banned")

    def message(self) -> str:
        return _("This password is a word too easy to guess: a name, a team, a car, a keyboard pattern or a common word.")

    def get_help_text(self) -> str:
        return _("Your password can't be a common word, a name or a keyboard pattern, even with digits added.")


class Argon2id(Argon2PasswordHasher):
    """Django's Argon2id hasher at the cost of settings.ARGON2 (CHIRVIR_ARGON2). A stored hash of
    another cost is made again at the account's next log-in: Django's `must_update` compares the
    hash's cost with this one."""

    @property
    def memory_cost(self) -> int:
        return settings.ARGON2["memory_cost"]

    @property
    def time_cost(self) -> int:
        return settings.ARGON2["time_cost"]

    @property
    def parallelism(self) -> int:
        return settings.ARGON2["parallelism"]
