"""`chirvir serve` (what `make run` runs): migrate, then become the supervisor of the web server
(pages, API and streaming on one port) and the job consumer (chirvir/core/supervisor.py), in the
foreground until interrupted."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from chirvir.core import database
from chirvir.core.management.commands.web import refuse_if_taken

CHILDREN = ("web", "worker")


class Command(BaseCommand):
    help = "Run everything Chirvir needs on one machine: web, streaming and jobs (CHIRVIR_BIND, CHIRVIR_DATA_DIR)."

    def handle(self, *args, **options):
        self.stdout.write(database.describe())
        refuse_if_taken(settings.BIND)
        call_command("migrate", interactive=False, verbosity=1)
        refuse_if_taken(settings.BIND)  # again: another instance may have started while we migrated
        self.stdout.flush()
        # A new program in this process (same PID, so signals sent to `serve` reach it) that has
        # not loaded Django: what migrating loaded would stay resident for as long as we serve.
        os.execv(sys.executable, [sys.executable, "-m", "chirvir.core.supervisor", settings.SITE_URL, *CHILDREN])
