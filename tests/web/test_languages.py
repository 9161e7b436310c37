"""The interface in twelve languages: every catalogue at least 95 % translated (as gettext's own
msgfmt counts it), compiled catalogues that match their sources, and the language a page is in:
the account's setting, else the picker, else the browser's Accept-Language."""

import gettext
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account

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
