"""What Kannel's sms-service may bring to Chirvir, hostile or malformed, as an attacker sends it:
over HTTP, with or without the shared secret. Nothing is refused silently and nothing is
half-posted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chirvir.gateways import links
from chirvir.gateways.models import Link
from chirvir.statuses.models import Status
from tests.gateways.conftest import link_for

SECRET = "s3cret-shared-with-kannel"
URL = "/gateways/sms/kannel"


@pytest.fixture(autouse=True)
def sms_on(settings):
    settings.SMS_SENDSMS_URL = "http://127.0.0.1:9/cgi-bin/sendsms"  # nothing here sends
    settings.SMS_SECRET = SECRET


def sms(client, phone, text, secret=SECRET):
    return client.get(URL, {"secret": secret, "from": phone, "text": text})


def test_a_wrong_or_missing_secret_is_refused_and_posts_nothing(client, alice):
    link_for(alice, "+15550001")
    assert sms(client, "+15550001", "forged post", secret="guess").status_code == 403
    assert client.get(URL, {"from": "+15550001", "text": "forged post"}).status_code == 403
    assert sms(client, "+15550001", "forged post", secret=SECRET + "x").status_code == 403
    assert not Status.objects.exists()


def test_the_gateway_is_not_there_unless_configured(client, settings):
    settings.SMS_SECRET = ""
    assert sms(client, "+15550001", "hello", secret="").status_code == 404


def test_an_unlinked_phone_is_told_how_to_link_and_posts_nothing(client, alice):
    answer = sms(client, "+15559999", "hello")
    assert answer.status_code == 200
    assert answer.content.decode().startswith("This phone is not linked to an account.")
    assert not Status.objects.exists()


def test_a_sender_that_is_no_phone_number_is_refused(client):
    assert sms(client, "alice@example.com", "hello").status_code == 400
    assert not Status.objects.exists()


def test_a_code_links_only_its_own_phone_while_fresh_and_within_few_tries(client, alice, bob):
    code = links.start_linking(alice, "sms", "+15550001")
    assert sms(client, "+15550002", code).content.decode().startswith("This phone is not linked")
    for _i in range(links.CODE_TRIES):
        wrong = "000000" if code != "000000" else "111111"
        assert sms(client, "+15550001", wrong).content.decode().startswith("That code is wrong")
    assert sms(client, "+15550001", code).content.decode().startswith("That code is wrong")
    assert links.linked("sms", "+15550001") is None

    Link.objects.all().delete()
    code = links.start_linking(bob, "sms", "+15550003")
    Link.objects.update(code_sent_at=timezone.now() - links.CODE_LIFETIME - timedelta(seconds=1))
    assert sms(client, "+15550003", code).content.decode().startswith("That code is wrong")
    assert links.linked("sms", "+15550003") is None


def test_an_address_linked_to_one_account_cannot_be_taken_by_another(alice, bob):
    link_for(alice, "+15550001")
    with pytest.raises(Exception, match="already linked"):
        links.start_linking(bob, "sms", "+15550001")


def test_codes_are_sent_at_most_once_a_minute(alice):
    links.start_linking(alice, "sms", "+15550001")
    with pytest.raises(Exception, match="Wait a minute"):
        links.start_linking(alice, "sms", "+15550002")


def test_malformed_commands_unknown_users_and_oversized_texts_are_answered_and_post_nothing(client, alice):
    link_for(alice, "+15550001")

    def answer(text):
        reply = sms(client, "+15550001", text)
        assert reply.status_code == 200
        return reply.content.decode()

    assert answer("FOLLOW") == "To follow someone: FOLLOW username"
    assert answer("whois nobody_here") == "Nobody is called nobody_here here."
    assert answer("d nobody_here hi") == "There is no account named @nobody_here."
    assert answer("x" * 141) == "Your post is 141 characters long; the limit is 140."
    assert answer("x" * 20_000) == "That message is too long."
    assert not Status.objects.exists()
    assert answer("a post that fits") == "Posted."
    assert Status.objects.get().text == "a post that fits"


def test_a_reply_outside_gsm_asks_kannel_for_ucs2(client, alice, bob):
    from chirvir.statuses import services as statuses

    link_for(alice, "+15550001")
    statuses.post_status(bob, "नमस्ते")
    reply = sms(client, "+15550001", "GET bob")
    assert reply.content.decode() == "bob: नमस्ते" and reply["X-Kannel-Coding"] == "2"
    assert "X-Kannel-Coding" not in sms(client, "+15550001", "posted in english, café")
