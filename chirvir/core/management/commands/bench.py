"""`chirvir bench` (what `make bench` runs): the benchmarks in the checkout's bench/ folder, each
in data directories of their own, never the instance's."""

import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import chirvir

CHECKOUT = Path(chirvir.__file__).resolve().parent.parent


class Command(BaseCommand):
    help = "Run the delivery benchmark (posts/s and delivery latency); its arguments pass through."

    def run_from_argv(self, argv):
        # Every argument belongs to the benchmark itself (`chirvir bench --help` shows them).
        self.handle(*argv[2:])

    def handle(self, *args, **options):
        if not (CHECKOUT / "bench" / "delivery.py").exists():
            raise CommandError("The benchmarks run from a checkout of Chirvir (bench/ is not installed).")
        result = subprocess.run([sys.executable, "-m", "bench.delivery", *args], cwd=CHECKOUT)
        if result.returncode:
            raise CommandError("The benchmark failed.")
