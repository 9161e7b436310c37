"""The e-mail gateway's fixtures: its SMTP server on loopback (in this process, sharing the test's
database), and the jobs Huey holds for later (immediate mode runs jobs at once, but keeps those
scheduled with a delay, such as the batch of notification e-mails, until `run_due_jobs`)."""

from datetime import timedelta

import pytest

from chirvir.gateways.email import smtpd
from chirvir.jobs import huey
from tests.gateways.mail.mailing import DOMAIN
from tests.servers import free_port


@pytest.fixture
def mail_server(settings):
    """`chirvir smtpd`'s server; yields its port."""
    settings.MAIL_DOMAIN = DOMAIN
    settings.MAIL_MAX_BYTES = 200_000
    port = free_port()
    server = smtpd.controller("127.0.0.1", port)
    server.start()
    yield port
    server.stop()


@pytest.fixture
def mail_on(settings):
    settings.MAIL_DOMAIN = DOMAIN
    settings.MAIL_BATCH_SECONDS = 60


@pytest.fixture
def delayed_jobs():
    """Run the jobs scheduled for later as if their time had come; returns how many ran."""
    huey.flush()

    def run() -> int:
        later = huey._get_timestamp() + timedelta(hours=1)
        due = huey.read_schedule(later)
        for job in due:
            huey.execute(job, later)
        return len(due)

    yield run
    huey.flush()
