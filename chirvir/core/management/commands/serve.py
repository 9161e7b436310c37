"""`chirvir serve` (what `make run` runs): migrate, then the web server (pages, API and
streaming on one port) and the job consumer, in the foreground until interrupted."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


STOPPED = {0, -signal.SIGINT, -signal.SIGTERM}


class Command(BaseCommand):
    help = "Run everything Chirvir needs on one machine: web, streaming and jobs."

    def handle(self, *args, **options):
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=1)
        chirvir = [sys.executable, "-m", "chirvir.cli"]
        children = [subprocess.Popen([*chirvir, "web"]), subprocess.Popen([*chirvir, "worker"])]
        self.stdout.write(self.style.SUCCESS(f"Chirvir is serving {settings.SITE_URL}/ (Ctrl-C stops it)"))

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        # Ctrl-C reaches the children too; ending by a signal is a normal stop.
        failed = [child for child in children if child.returncode not in STOPPED]
        if failed:
            self.stderr.write(f"A Chirvir process failed (exit {failed[0].returncode}); stopped the others.")
            sys.exit(1)
        self.stdout.write("Stopped.")
