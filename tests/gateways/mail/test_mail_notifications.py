"""Notifications by e-mail: each kind turned on in the web settings, a burst batched into one
message a short window later, in the recipient's language, over SMTP to a real server on loopback,
with RFC 8058 one-click unsubscribe that needs no log-in; never a post the recipient's gate refuses."""

import re

import pytest
from aiosmtpd.controller import Controller
from django.test import Client, override_settings

from chirvir import audience
from chirvir.accounts import services as accounts
from chirvir.gateways.email import addresses
from chirvir.gateways.email.models import QueuedNotification
from chirvir.jobs import huey
from chirvir.statuses import services as statuses
from tests.conftest import Inbox
from tests.gateways.mail.mailing import mail, send
from tests.servers import free_port


def wants(account, **kinds):
    """The account turns these kinds on, on its settings page, as its owner would."""
    client = Client()
    client.force_login(account)
    answer = client.post("/settings/mail", {k: "on" for k, on in kinds.items() if on})
    assert answer.status_code == 302
    return client


@pytest.fixture
def bob_by_mail(mail_on, make_account):
    return make_account("bob", email="bob@example.org", language="de")


def test_a_burst_of_notifications_is_one_mail_after_the_window(inbox, delayed_jobs, bob_by_mail, alice, carol):
    bob = bob_by_mail
    wants(bob, mention=True, follow=True)
    accounts.follow(alice, bob)
    posts = [statuses.post_status(alice, f"@bob lunch at {h}?") for h in (12, 13, 14)]
    accounts.follow(carol, bob)
    assert inbox.messages == []  # the window is still open
    assert len(huey.scheduled()) == 1  # one job for the whole burst

    assert delayed_jobs() == 1
    [message] = inbox.messages
    assert message["To"] == "bob@example.org"
    assert "Neue Benachrichtigungen" in message["Subject"]  # bob's language
    body = message.get_content()
    for post in posts:
        assert post.text in body and f"/@alice/{post.id}" in body
    assert "@alice" in body and "@carol" in body and "folgt dir" in body
    # The reply address of the latest mention, for the mail program's Reply button.
    assert message["Reply-To"] == addresses.reply_address(bob, posts[-1].id)
    unsubscribe = message["List-Unsubscribe"].strip()
    assert re.fullmatch(r"<mailto:unsubscribe-[^>]+@mail\.chirvir\.test>, <http[^>]+/mail/unsubscribe/[^>]+>",
                        unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert delayed_jobs() == 0 and not QueuedNotification.objects.exists()

    statuses.post_status(alice, "@bob and one more")  # a new window, a new mail
    assert delayed_jobs() == 1 and len(inbox.messages) == 2


def test_each_kind_is_its_own_switch_and_nothing_is_mailed_unless_turned_on(inbox, delayed_jobs, bob_by_mail, alice):
    bob = bob_by_mail
    accounts.follow(alice, bob)
    statuses.post_status(alice, "@bob nobody asked for mail")
    assert delayed_jobs() == 0 and inbox.messages == []

    wants(bob, direct=True, follow_request=True)
    statuses.post_status(alice, "@bob a public mention: not mailed")
    statuses.post_status(alice, "@bob only for you", visibility="direct")
    accounts.update_profile(bob, locked=True)
    carol = accounts.register("carol", "a long password 7")
    accounts.follow(carol, bob)  # a request now
    assert delayed_jobs() == 1
    body = inbox.messages[0].get_content()
    assert "only for you" in body and "not mailed" not in body and "@carol" in body


def test_the_one_click_link_unsubscribes_without_signing_in(inbox, delayed_jobs, bob_by_mail, alice):
    bob = bob_by_mail
    wants(bob, mention=True, follow=True)
    statuses.post_status(alice, "@bob hello")
    delayed_jobs()
    url = re.search(r"<(http[^>]+)>", inbox.messages[0]["List-Unsubscribe"]).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    stranger = Client()  # no session: the mail program, or a browser signed in to nothing
    assert stranger.get(f"/{path}").status_code == 200  # asks, changes nothing (link scanners GET)
    assert addresses.settings_of(bob).mention
    assert stranger.post(f"/{path}", {"List-Unsubscribe": "One-Click"}).status_code == 200
    choice = addresses.settings_of(bob)
    assert not (choice.mention or choice.follow or choice.direct or choice.follow_request)
    statuses.post_status(alice, "@bob still there?")
    assert delayed_jobs() == 0 and len(inbox.messages) == 1

    forged = re.sub(r"[0-9a-f]{24}$", "0" * 24, path)
    assert stranger.post(f"/{forged}", {"List-Unsubscribe": "One-Click"}).status_code == 404
    other = path.replace(f"/{bob.pk}-", f"/{alice.pk}-")
    assert stranger.post(f"/{other}", {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_the_mailto_unsubscribe_address_unsubscribes_too(mail_server, bob_by_mail):
    bob = bob_by_mail
    wants(bob, mention=True)
    assert send(mail_server, addresses.unsubscribe_address(bob), mail("unsubscribe"))[0] == 250
    assert not addresses.settings_of(bob).mention


def test_a_mail_never_shows_a_post_the_recipients_gate_refuses(inbox, delayed_jobs, bob_by_mail, make_account):
    bob = bob_by_mail
    wants(bob, mention=True, direct=True)
    carol = make_account("carol", locked=True)
    dave = make_account("dave")
    accounts.follow(bob, carol)
    accounts.approve_follow_request(carol, bob)
    secret = statuses.post_status(carol, "@bob a protected post", visibility="private")
    accounts.follow(bob, dave)
    hidden = statuses.post_status(dave, "@bob followers only, then blocked", visibility="private")
    public = statuses.post_status(dave, "@bob this one is public")
    accounts.remove_from_followers(carol, bob)  # removed after turning mail on, before the mail goes
    accounts.block(dave, bob)
    for post in (secret, hidden, public):
        assert not audience.can_see(audience.Viewer.of(bob), post)

    assert delayed_jobs() == 1
    assert inbox.messages == []  # nothing left to tell


def test_a_mail_server_that_is_down_delays_the_mail_until_it_is_back(delayed_jobs, bob_by_mail, alice):
    bob = bob_by_mail
    wants(bob, mention=True)
    port = free_port()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port
    ):
        statuses.post_status(alice, "@bob are you there?")
        assert delayed_jobs() == 1  # the send fails: nothing listens
        assert QueuedNotification.objects.count() == 1  # kept whole for the retry
        box = Inbox()
        sink = Controller(box, hostname="127.0.0.1", port=port)
        sink.start()
        try:
            assert delayed_jobs() == 1  # Huey's retry
        finally:
            sink.stop()
    [message] = box.messages
    assert "are you there?" in message.get_content()
    assert delayed_jobs() == 0


def test_the_settings_page_shows_and_renews_the_posting_address(mail_on, alice):
    client = Client()
    client.force_login(alice)
    page = client.get("/settings/mail").content.decode()
    old = addresses.posting_address(alice)
    assert old in page
    assert client.post("/settings/mail/renew").status_code == 302
    page = client.get("/settings/mail").content.decode()
    assert old not in page and addresses.posting_address(alice) in page
    assert Client().get("/settings/mail").status_code == 302  # signed in only
