"""`chirvir serve` (what `make run` runs): migrate, then the web server (pages, API and
streaming on one port) and the job consumer, in the foreground until interrupted."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run everything Chirvir needs on one machine: web, streaming and jobs."

    def handle(self, *args, **options):
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=1)
        chirvir = [sys.executable, "-m", "chirvir.cli"]
        # Each child leads a process group of its own (Granian's workers are in its group), so a
        # stop reaches every process, and Ctrl-C reaches only us, who pass it on.
        children = [subprocess.Popen([*chirvir, name], start_new_session=True) for name in ("web", "worker")]
        self.stdout.write(self.style.SUCCESS(f"Chirvir is serving {settings.SITE_URL}/ (Ctrl-C stops it)"))

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)  # even where a shell started us with SIGINT ignored
        asked_to_stop = False
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            asked_to_stop = True
        ended = [child for child in children if child.poll() is not None]
        for child in children:
            _signal_group(child, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        if not asked_to_stop:
            self.stderr.write(f"A Chirvir process ended (exit {ended[0].returncode}); stopped the others.")
            sys.exit(1)
        self.stdout.write("Stopped.")


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass  # already gone, with its group
