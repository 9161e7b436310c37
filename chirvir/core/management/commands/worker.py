"""`chirvir worker`: the job consumer (Huey): deliveries, feed merges, the periodic sweep."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from chirvir.core import database


class Command(BaseCommand):
    help = f"Run background jobs (the Huey consumer, {settings.JOB_WORKERS} threads: CHIRVIR_JOB_WORKERS)."

    def handle(self, *args, **options):
        self.stdout.write(database.describe())
        call_command("run_huey")
