"""`chirvir serve` (what `make run` runs): migrate, then the web server (pages, API and
streaming on one port) and the job consumer (and, with CHIRVIR_MAIL_DOMAIN, `chirvir smtpd`),
in the foreground until interrupted. A child that
dies is started again (after a pause that grows while it keeps dying); the others serve on."""

import logging
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from chirvir.core import database
from chirvir.core.management.commands.web import refuse_if_taken

logger = logging.getLogger("chirvir.serve")

CHILDREN = ("web", "worker")


def wanted_children() -> tuple[str, ...]:
    """The processes to run: the XMPP bot too, once its account is configured, and the e-mail
    gateway's SMTP server once its domain is."""
    xmpp = ("xmpp",) if settings.XMPP_JID and settings.XMPP_PASSWORD else ()
    mail = ("smtpd",) if settings.MAIL_DOMAIN else ()
    return CHILDREN + xmpp + mail


# Pauses before a restart: 1 s, doubling while the child keeps dying, at most 30 s; a child that
# ran a minute is taken to be well again, and its next restart waits 1 s.
FIRST_PAUSE, LONGEST_PAUSE, HEALTHY_AFTER = 1.0, 30.0, 60.0


class Child:
    """One supervised `chirvir NAME` process."""

    def __init__(self, name: str):
        self.name, self.pause, self.restart_at = name, FIRST_PAUSE, None
        self.start()

    def start(self) -> None:
        # Each child leads a process group of its own (Granian's workers are in its group), so a
        # stop reaches every process, and Ctrl-C reaches only us, who pass it on.
        self.process = subprocess.Popen([sys.executable, "-m", "chirvir.cli", self.name], start_new_session=True)
        self.started = time.monotonic()

    def tend(self, now: float) -> None:
        """Start the child again once it has ended and its pause is over."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                self.start()
            return
        if (code := self.process.poll()) is None:
            return
        if now - self.started >= HEALTHY_AFTER:
            self.pause = FIRST_PAUSE
        logger.error("chirvir %s ended (exit %s); starting it again in %g s", self.name, code, self.pause)
        _signal_group(self.process, signal.SIGTERM)  # what it left behind (Granian's workers)
        self.restart_at = now + self.pause
        self.pause = min(self.pause * 2, LONGEST_PAUSE)

    def stop(self) -> None:
        _signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait()


class Command(BaseCommand):
    help = "Run everything Chirvir needs on one machine: web, streaming and jobs (CHIRVIR_BIND, CHIRVIR_DATA_DIR)."

    def handle(self, *args, **options):
        self.stdout.write(database.describe())
        refuse_if_taken(settings.BIND)
        call_command("migrate", interactive=False, verbosity=1)
        refuse_if_taken(settings.BIND)  # again: another instance may have started while we migrated

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)  # even where a shell started us with SIGINT ignored
        forget_metrics()
        children = []
        try:
            children.extend(Child(name) for name in wanted_children())
            self.stdout.write(self.style.SUCCESS(f"Chirvir is serving {settings.SITE_URL}/ (Ctrl-C stops it)"))
            self.stdout.flush()
            while True:
                time.sleep(0.5)
                for child in children:
                    child.tend(time.monotonic())
        except KeyboardInterrupt:
            pass
        for child in children:  # all at once, then wait for each
            _signal_group(child.process, signal.SIGTERM)
        for child in children:
            child.stop()
        self.stdout.write("Stopped.")


def forget_metrics() -> None:
    """Empty the metrics directory before any child writes to it: files left by processes of an
    earlier run would be added to this run's (prometheus-client's multiprocess mode)."""
    for path in settings.METRICS_DIR.glob("*.db"):
        path.unlink(missing_ok=True)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # already gone, with its group
