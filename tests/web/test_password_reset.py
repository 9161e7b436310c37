"""A forgotten password, reset by e-mail through a real SMTP server on loopback (aiosmtpd)."""

import re

from django.test import Client

from tests.conftest import fresh


def test_a_forgotten_password_is_reset_by_a_link_sent_by_email(inbox, make_account, settings):
    settings.SITE_URL = "https://chirvir.example"
    alice = make_account("alice", email="alice@example.org")
    client = Client()
    response = client.post("/password/reset", {"email": "ALICE@example.org"})
    assert response["Location"] == "/password/reset/sent"
    [message] = inbox.messages
    assert message["To"] == "alice@example.org"
    body = message.get_content()
    assert "@alice" in body
    link = re.search(r"https://chirvir\.example(/password/reset/\S+)", body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "brand new secret 42", "new_password2": "brand new secret 42"}
    )
    assert done["Location"] == "/password/reset/done"
    assert fresh(alice).check_password("brand new secret 42")
    # The link works once.
    assert "expired" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(inbox):
    response = Client().post("/password/reset", {"email": "nobody@example.org"})
    assert response["Location"] == "/password/reset/sent"
    assert inbox.messages == []


def test_the_message_is_in_the_language_of_the_page(inbox, make_account):
    make_account("lena", email="lena@example.org")
    Client(HTTP_ACCEPT_LANGUAGE="ru").post("/password/reset", {"email": "lena@example.org"})
    [message] = inbox.messages
    assert re.search("[а-яА-Я]", message["Subject"]), message["Subject"]
    assert re.search("[а-яА-Я]", message.get_content())


def test_a_forged_host_is_refused_by_default():
    """Nobody named CHIRVIR_ALLOWED_HOSTS: only the host of CHIRVIR_URL (and the test client's) may ask."""
    response = Client().post("/password/reset", {"email": "alice@example.org"}, HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_where_a_forged_host_gets_through_the_link_still_leads_to_the_site(inbox, make_account, settings):
    settings.SITE_URL = "https://chirvir.example"
    settings.ALLOWED_HOSTS = ["*"]  # as CHIRVIR_ALLOWED_HOSTS=* sets it
    make_account("alice", email="alice@example.org")
    response = Client().post("/password/reset", {"email": "alice@example.org"}, HTTP_HOST="evil.example")
    assert response["Location"] == "/password/reset/sent"
    [message] = inbox.messages
    body = message.get_content()
    assert re.search(r"https://chirvir\.example/password/reset/\S+", body), body
    assert "evil.example" not in body
