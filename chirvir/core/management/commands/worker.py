"""`chirvir worker`: the job consumer (Huey): deliveries, feed merges, the periodic sweep."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background jobs (the Huey consumer)."

    def handle(self, *args, **options):
        call_command("run_huey")
