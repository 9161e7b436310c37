"""The interface in twelve languages: every catalogue at least 95 % translated (as gettext's own
msgfmt counts it), compiled catalogues that match their sources, the language a page is in (the
account's setting, else the picker, else the browser's Accept-Language), and no English left on
a page in another language, Django's own messages included."""

import gettext
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import regex
from django.conf import settings
from django.test import Client
from django.utils.translation import trans_real

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.accounts.services import time_zones

LOCALE = settings.BASE_DIR / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MSGFMT = shutil.which("msgfmt")


def test_the_twelve_languages_are_those_the_issue_names():
    assert sorted(LANGUAGES) == sorted(["en", "es", "ja", "de", "fr", "it", "tr", "ru", "hi", "kk", "ar", "id"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_is_at_least_95_percent_translated(language, tmp_path):
    assert MSGFMT, "msgfmt (Debian's gettext) is needed to count the catalogues"
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr)}
    total = sum(counts.values())
    assert total > 200
    assert counts.get("translated", 0) / total >= 0.95, f"{language}: {result.stderr.strip()}"

    # The compiled catalogue Django loads says the same as its source.
    with open(tmp_path / "django.mo", "rb") as fresh, open(po.with_suffix(".mo"), "rb") as shipped:
        assert gettext.GNUTranslations(shipped)._catalog == gettext.GNUTranslations(fresh)._catalog


def _page_language(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', response.content.decode())
    return match.group(1), match.group(2)


def test_the_browser_language_chooses_when_nothing_else_does():
    assert _page_language(Client(HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5").get("/")) == ("ar", "rtl")
    assert _page_language(Client(HTTP_ACCEPT_LANGUAGE="kk").get("/")) == ("kk", "ltr")
    assert _page_language(Client(HTTP_ACCEPT_LANGUAGE="xx").get("/")) == ("en", "ltr")


def test_the_picker_beats_the_browser():
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    response = client.post("/language", {"language": "hi", "next": "/public"})
    assert response["Location"] == "/public"
    assert _page_language(client.get("/")) == ("hi", "ltr")
    # An address on another site is not followed.
    assert client.post("/language", {"language": "id", "next": "https://evil.example/"})["Location"] == "/"


def test_the_accounts_setting_beats_the_picker_and_the_browser(alice):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.force_login(alice)
    accounts.update_profile(alice, language="ja")
    assert _page_language(client.get("/home")) == ("ja", "ltr")
    # Choosing with the picker while signed in changes the setting itself.
    client.post("/language", {"language": "tr"})
    alice.refresh_from_db()
    assert alice.language == "tr"
    assert _page_language(client.get("/home")) == ("tr", "ltr")


def test_a_new_account_keeps_the_language_it_signed_up_in():
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.post("/signup", {"username": "budi", "password": "a long password 7", "password_again": "a long password 7"})
    assert Account.objects.get(username="budi").language == "id"


class _Sentences(HTMLParser):
    """The text a person reads on a page (and its titles and labels), one piece per text node,
    leaving out what is the same in every language by nature: the site's name, @handles, and the
    options that name a language in its own words or a time zone by its IANA name."""

    SAME_EVERYWHERE = {settings.INSTANCE_TITLE}

    def __init__(self, names):
        super().__init__()
        self.names, self.found, self.skip = names, set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") or (tag == "option" and attrs.get("value") in self.names):
            self.skip += 1
        for name in ("title", "aria-label", "alt", "placeholder"):
            self._add(attrs.get(name))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "option") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self._add(data)

    def _add(self, text):
        text = " ".join((text or "").split())
        if regex.search(r"\p{L}{2}", text) and text not in self.SAME_EVERYWHERE and not text.startswith("@"):
            self.found.add(text)


def _sentences(response) -> set[str]:
    parser = _Sentences(set(LANGUAGES) | time_zones())
    parser.feed(response.content.decode())
    return parser.found


def _runs(sentence: str, length: int = 4) -> set[tuple[str, ...]]:
    words = sentence.split()
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def _pages_with_djangos_messages(language: str) -> list:
    """The pages where Django's own strings show: the log-in error, the password rules and the
    errors of each rule, and form fields' errors (required, too long, not an e-mail, not an image,
    not a choice), rendered in one language."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    suffix = language.replace("-", "")
    person = accounts.register(
        f"meera{suffix}", "a long password 7", email=f"meera{suffix}@example.org", language=language
    )
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
    pages = [
        visitor.post("/login", {"username": person.username, "password": "wrong password 8"}),
        visitor.post("/login", {"username": "", "password": ""}),
        visitor.post(
            "/signup", {"username": "x" * 31, "email": "not-an-address", "password": "1", "password_again": "2"}
        ),
        visitor.post("/signup", {"username": f"ravi{suffix}", "password": "1234567", "password_again": "1234567"}),
        # A password too like the username: Django's sentence names the field.
        visitor.post(
            "/signup", {"username": f"ravimehta{suffix}", "password": "ravimehta", "password_again": "ravimehta"}
        ),
        visitor.post("/password/reset", {"email": "not-an-address"}),
        # A form sent without its CSRF token (a page left open past its session).
        Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language).post("/login", {"username": "x"}),
    ]
    token = default_token_generator.make_token(person)
    link = f"/password/reset/{urlsafe_base64_encode(force_bytes(person.pk))}/{token}"
    confirm = visitor.get(link, follow=True)
    pages += [confirm, visitor.post(confirm.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "1234"})]
    signed_in = Client()
    signed_in.force_login(person)
    not_an_image = io.BytesIO(b"plain text")
    not_an_image.name = "me.txt"
    pages += [
        signed_in.get("/settings"),
        signed_in.post("/settings/password", {"old_password": "wrong", "new_password1": "123", "new_password2": "124"}),
        signed_in.post("/settings/profile", {"avatar": not_an_image}),
        signed_in.post("/settings/language", {"language": language, "time_zone": "Mars/Olympus"}),
        signed_in.post("/settings/email", {"email": "not-an-address"}),
    ]
    return pages


def test_djangos_messages_are_in_the_pages_language_too():
    english = [_sentences(page) for page in _pages_with_djangos_messages("en")]
    shown = set().union(*english)
    # The pages show what they should: Django's errors, the password rules, ours.
    for sentence in (
        "This field is required.",
        "This password is too short. It must contain at least 8 characters. This password is too common."
        " This password is entirely numeric. This password is a word too easy to guess: a name, a team, a car, a"
        " keyboard pattern or a common word.",
        "The password is too similar to the username.",
        "Your password can’t be a commonly used password.",
        "Enter a valid email address.",
        "Ensure this value has at most 30 characters (it has 31).",
        "Wrong username or password. Capital letters count in the password, not in the username.",
        "Your old password was entered incorrectly. Please enter it again.",
        "The two password fields didn’t match.",
        "Select a valid choice. Mars/Olympus is not one of the available choices.",
        "This form has expired",
    ):
        assert sentence in shown
    leftovers = {}
    for language in LANGUAGES:
        if language == "en":
            continue
        # A word the language writes as English does ("Bio", "Email" in Indonesian) is no leftover
        # when its catalogue (ours or Django's) says so.
        catalogue = trans_real.translation(language)._catalog
        for shown, in_english in zip(_pages_with_djangos_messages(language), english, strict=True):
            runs = set().union(*map(_runs, in_english))
            # Whole sentences, and English pieces inside a translated one ("... to the username.").
            left = {s for s in _sentences(shown) if (s in in_english or _runs(s) & runs) and catalogue.get(s) != s}
            if left:
                leftovers.setdefault(language, set()).update(left)
    assert leftovers == {}, "\n".join(f"{k}: {sorted(v)}" for k, v in leftovers.items())
