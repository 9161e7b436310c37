"""`chirvir serve` (what `make run` runs): migrate, then become the supervisor of the web server
(pages, API and streaming on one port) and the job consumer (chirvir/core/supervisor.py), and of
the XMPP bot and `chirvir smtpd` when those gateways are configured, in the foreground until
interrupted."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from chirvir.core import database
from chirvir.core.management.commands.web import refuse_if_taken

CHILDREN = ("web", "worker")


def wanted_children() -> tuple[str, ...]:
    """The processes to run: the XMPP bot too, once its account is configured, and the e-mail
    gateway's SMTP server once its domain is."""
    xmpp = ("xmpp",) if settings.XMPP_JID and settings.XMPP_PASSWORD else ()
    mail = ("smtpd",) if settings.MAIL_DOMAIN else ()
    return CHILDREN + xmpp + mail


class Command(BaseCommand):
    help = "Run everything Chirvir needs on one machine: web, streaming and jobs (CHIRVIR_BIND, CHIRVIR_DATA_DIR)."

    def handle(self, *args, **options):
        self.stdout.write(database.describe())
        refuse_if_taken(settings.BIND)
        call_command("migrate", interactive=False, verbosity=1)
        refuse_if_taken(settings.BIND)  # again: another instance may have started while we migrated
        forget_metrics()
        self.stdout.flush()
        # A new program in this process (same PID, so signals sent to `serve` reach it) that has
        # not loaded Django: what migrating loaded would stay resident for as long as we serve.
        supervisor = [sys.executable, "-m", "chirvir.core.supervisor", settings.SITE_URL, *wanted_children()]
        os.execv(sys.executable, supervisor)


def forget_metrics() -> None:
    """Empty the metrics directory before any child writes to it: files left by processes of an
    earlier run would be added to this run's (prometheus-client's multiprocess mode)."""
    for path in settings.METRICS_DIR.glob("*.db"):
        path.unlink(missing_ok=True)
