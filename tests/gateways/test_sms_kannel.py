"""SMS through a real Kannel (bearerbox, its fake SMSC, smsbox) and a live Chirvir: the test is
the phone. A number is linked by echoing the code sent to it; its commands are answered; a
followee's post arrives encoded as the network carries it, in numbered parts; STOP stops
everything; Kannel down delays a post, which arrives once it is back."""

import datetime
import secrets
import time
from pathlib import Path

import pytest

from chirvir.accounts import services as accounts
from chirvir.gateways.models import Link
from chirvir.gateways.sms import encoding
from chirvir.jobs import huey
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.gateways.kannel import BEARERBOX, SHORT_CODE, Kannel

pytestmark = pytest.mark.skipif(
    not Path(BEARERBOX).exists(), reason="Kannel is not installed here (.ci/run installs it: kannel, kannel-extras)"
)

NUMBER = "+15551234"
# 93 Devanagari characters: with "bob: " before it, 98 UCS-2 units, two parts of at most 67.
HINDI = "नमस्ते दुनिया, यह चिर्विर से एक संदेश है जो दो भागों में पहुँचता है और फिर से जुड़ जाता है। धन्यवाद"


@pytest.fixture
def kannel(live_server, settings, tmp_path):
    secret = secrets.token_urlsafe(16)
    gateway = Kannel(tmp_path, live_server.url, secret)
    settings.SMS_SENDSMS_URL = gateway.sendsms_url
    settings.SMS_USERNAME, settings.SMS_PASSWORD = "chirvir", "sendsms-password"
    settings.SMS_FROM, settings.SMS_SECRET = SHORT_CODE, secret
    settings.SMS_RETRY_DELAY = 0.2
    settings.SITE_URL = live_server.url
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture
def phone(kannel):
    phone = kannel.phone(NUMBER)
    yield phone
    phone.close()


def link_phone(client, account, phone):
    """The person gives the number on the settings page; the code sent to it is echoed back."""
    client.force_login(account)
    assert client.post("/settings/phone", {"phone": "+1 555 1234"}).status_code == 302
    code_message = phone.text()
    assert code_message.startswith("Your Chirvir code is "), code_message
    code = code_message.split()[4].rstrip(".")
    phone.send(code)
    assert phone.text() == f"This phone is now linked to {account.username}. Send HELP for the commands."
    return Link.objects.get(account=account, confirmed_at__isnull=False)


def ask(phone, text):
    phone.send(text)
    return phone.text()


def test_a_phone_links_its_number_talks_receives_a_followee_in_hindi_and_stops(client, phone, make_account):
    dave, alice, bob = (make_account(name) for name in ("dave", "alice", "bob"))
    assert ask(phone, "hello") .startswith("This phone is not linked to an account.")
    link_phone(client, dave, phone)
    assert ask(phone, "d alice hi") == "Direct message sent."
    dm = Status.objects.get(account=dave)
    assert dm.visibility == "direct" and set(dm.mentioned_account_ids) == {alice.id}
    assert ask(phone, "FOLLOW bob") == "You follow bob now."
    assert ask(phone, "ON bob") == "You will get posts of bob here."
    statuses.post_status(bob, "an older one")
    assert phone.text() == "bob: an older one"  # GSM-7: one part of plain text
    assert ask(phone, "GET bob") == "bob: an older one"

    statuses.post_status(bob, HINDI)
    first = phone.read()
    assert first.kind == "udh" and first.concatenation()[1] == 2
    parts = phone.parts(first)
    assert all(len(p.data) <= 2 * encoding.CONCATENATED[encoding.UCS2] for p in parts)  # UCS-2, 67 a part
    assert b"".join(p.data for p in parts).decode("utf-16-be") == f"bob: {HINDI}"

    phone.send("STOP")
    assert phone.read(timeout=3) is None  # not even an answer
    statuses.post_status(bob, "after stop")
    phone.send("help")
    assert phone.read(timeout=3) is None
    assert Link.objects.get(account=dave).stopped


def test_a_140_character_devanagari_post_arrives_whole_in_numbered_parts(client, phone, make_account):
    dave, bob = make_account("dave"), make_account("bob")
    link_phone(client, dave, phone)
    ask(phone, "follow bob")
    ask(phone, "on bob")
    post = ("चिर्विर " * 20)[:140]
    statuses.post_status(bob, post)
    first = phone.read()
    parts = phone.parts(first)
    assert len(parts) == encoding.encode(f"bob: {post}").parts == 3
    assert b"".join(p.data for p in parts).decode("utf-16-be") == f"bob: {post}"
    # GSM-7 beyond 160 septets: the extension table's characters take two each.
    brackets = ("[€] " * 35).strip()  # 139 characters, 244 septets
    statuses.post_status(bob, brackets)
    first = phone.read()
    assert first.kind == "udh", first
    parts = phone.parts(first)
    assert len(parts) == encoding.encode(f"bob: {brackets}").parts == 2
    assert b"".join(p.data for p in parts).decode("utf-8") == f"bob: {brackets}"


def test_nothing_private_reaches_a_phone_the_gate_refuses(client, phone, make_account):
    dave, bob, carol = (make_account(name) for name in ("dave", "bob", "carol"))
    link_phone(client, dave, phone)
    ask(phone, "follow bob")
    ask(phone, "on bob")
    statuses.post_status(bob, "for my followers", visibility="private")
    assert phone.text() == "bob: for my followers"
    statuses.post_status(bob, "@carol just for you", visibility="direct")
    accounts.remove_from_followers(bob, dave)  # removed after turning bob on
    statuses.post_status(bob, "followers only, dave gone", visibility="private")
    accounts.update_profile(bob, locked=True)
    statuses.post_status(bob, "protected now")
    assert phone.read(timeout=3) is None


def test_kannel_down_delays_a_post_which_arrives_once_it_is_back(client, kannel, phone, make_account):
    dave, bob = make_account("dave"), make_account("bob")
    link_phone(client, dave, phone)
    ask(phone, "follow bob")
    ask(phone, "on bob")
    phone.close()
    kannel.stop()
    statuses.post_status(bob, "while the gateway was down")
    assert huey.scheduled_count() == 1  # sendsms failed: a retry waits
    kannel.start()
    back = kannel.phone(NUMBER)
    try:
        time.sleep(0.3)
        # What the job consumer's scheduler does: run the retries that are due.
        for job in huey.read_schedule(datetime.datetime.now(datetime.UTC).replace(tzinfo=None)):
            huey.execute(job)
        assert back.text() == "bob: while the gateway was down"
        assert back.read(timeout=2) is None  # once
    finally:
        back.close()
