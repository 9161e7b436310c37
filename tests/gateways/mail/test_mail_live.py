"""The e-mail gateway end to end, as it runs: `chirvir serve`, with its `chirvir smtpd` and the job
consumer that sends the mail, each a process of its own on one database; a mail program posts
through an SMTP conversation, and the notification it causes reaches a real SMTP sink on loopback,
batched into one."""

import smtplib
import socket
import time

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import Inbox
from tests.gateways.mail.mailing import DOMAIN, mail, send
from tests.servers import database_of, free_port, manage, serving

SETUP = """
from chirvir.accounts import services as accounts
from chirvir.gateways.email import addresses
alice = accounts.register("alice", "a long password 7", email="alice@example.org")
bob = accounts.register("bob", "a long password 7", email="bob@example.org")
accounts.update_profile(bob, language="fr")
addresses.choose_notifications(bob, mention=True)
print(addresses.settings_of(alice).secret)
"""


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "chirvir smtpd did not come up"
            time.sleep(0.2)


@pytest.mark.slow
def test_posts_by_mail_and_the_mention_they_make_arrives_batched(tmp_path):
    box = Inbox()
    sink_port, smtpd_port = free_port(), free_port()
    sink = Controller(box, hostname="127.0.0.1", port=sink_port)
    sink.start()
    try:
        # With CHIRVIR_MAIL_DOMAIN, `chirvir serve` runs `chirvir smtpd` beside the web server and the jobs.
        settings = dict(CHIRVIR_RATE_LIMIT="0", CHIRVIR_MAIL_DOMAIN=DOMAIN, CHIRVIR_MAIL_BATCH_SECONDS="3",
                        CHIRVIR_SMTP_URL=f"smtp://127.0.0.1:{sink_port}", CHIRVIR_MAIL_BIND=f"127.0.0.1:{smtpd_port}")
        with serving(tmp_path, **settings) as base:
            wait_for_port(smtpd_port)
            secret = manage(tmp_path, "shell", "-c", SETUP).strip().splitlines()[-1]
            posting = f"post-{secret}@{DOMAIN}"
            for text in ("@bob the first of two, by mail", "@bob and the second\n-- \nAlice"):
                code, words = send(smtpd_port, posting, mail(text))
                assert code == 250, words
            with smtplib.SMTP("127.0.0.1", smtpd_port, timeout=30) as client:
                client.ehlo("client.example.org")
                client.mail("someone@example.org")
                assert client.rcpt(f"post-{'x' * 24}@{DOMAIN}")[0] == 550

            account = httpx.get(f"{base}/api/v1/accounts/lookup", params={"acct": "alice"}).json()
            posted = httpx.get(f"{base}/api/v1/accounts/{account['id']}/statuses").json()
            assert [s["content"].rsplit("</a></span> ", 1)[1] for s in posted] == [
                "and the second</p>", "the first of two, by mail</p>"]  # newest first; no signature
            assert f'href="{base}/@bob"' in posted[0]["content"]

            deadline = time.monotonic() + 60
            while not box.messages:
                assert time.monotonic() < deadline, "no notification mail arrived"
                time.sleep(0.2)
            time.sleep(4)  # past another window: nothing more comes
            [message] = box.messages
            assert message["To"] == "bob@example.org"
            assert "Nouvelles notifications" in message["Subject"]
            body = message.get_content()
            assert "the first of two, by mail" in body and "and the second" in body
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    finally:
        sink.stop()


def test_smtpd_says_in_one_line_what_it_needs(tmp_path):
    from tests.test_commands import one_line, run_chirvir

    manage(tmp_path, "migrate", "--verbosity", "0")
    # The database manage() migrated: on a PostgreSQL run, one of its own on the run's server.
    database = {"DATABASE_URL": url} if (url := database_of(tmp_path)) else {}
    off = run_chirvir("smtpd", CHIRVIR_DATA_DIR=str(tmp_path), **database)
    assert "CHIRVIR_MAIL_DOMAIN" in one_line(off)
    bad = run_chirvir("smtpd", CHIRVIR_DATA_DIR=str(tmp_path), CHIRVIR_MAIL_DOMAIN=DOMAIN, CHIRVIR_MAIL_BIND="25",
                      **database)
    assert one_line(bad).startswith("chirvir: CHIRVIR_MAIL_BIND is '25'; it must be host:port")
