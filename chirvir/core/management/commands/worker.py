"""`chirvir worker`: the job consumer (Huey): deliveries, feed merges, the periodic sweep."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from chirvir.core import database


class Command(BaseCommand):
    # `chirvir serve` and `chirvir migrate` have checked the project; the checks' URL map would load
    # every view into a process that serves no page.
    requires_system_checks = []
    help = f"Run background jobs (the Huey consumer, {settings.JOB_WORKERS} threads: CHIRVIR_JOB_WORKERS)."

    def handle(self, *args, **options):
        from chirvir.timelines.tasks import requeue_undelivered

        self.stdout.write(database.describe())
        # A worker that starts may follow one that was killed mid-job, whose job the queue no longer
        # holds: every undelivered post is queued again now (at any age), not at the sweep a
        # minute or more later.
        requeue_undelivered(older_than_seconds=0)
        call_command("run_huey")
