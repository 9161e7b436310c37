"""`chirvir bench` (what `make bench` runs): the benchmarks in the checkout's bench/ folder, each
in a data directory of its own, never the instance's (text needs none). `chirvir bench
delivery|api|text [options]` runs one of them with its options (`--help` lists them); with no
name, all of them with defaults."""

import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import chirvir

CHECKOUT = Path(chirvir.__file__).resolve().parent.parent
BENCHMARKS = ("delivery", "api", "text")


class Command(BaseCommand):
    help = (
        "Run the benchmarks: delivery (posts/s, delivery latency), api (requests/s, latency) and text "
        "(count() on hostile texts of growing length)."
    )

    def run_from_argv(self, argv):
        # Every argument after the benchmark's name belongs to the benchmark itself.
        self.handle(*argv[2:])

    def handle(self, *args, **options):
        if not (CHECKOUT / "bench").is_dir():
            raise CommandError("The benchmarks run from a checkout of Chirvir (bench/ is not installed).")
        if args and args[0] not in BENCHMARKS:
            raise CommandError(f"Name a benchmark first: {' or '.join(BENCHMARKS)}.")
        runs = [(args[0], args[1:])] if args else [(name, ()) for name in BENCHMARKS]
        for name, rest in runs:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))
            if subprocess.run([sys.executable, "-m", f"bench.{name}", *rest], cwd=CHECKOUT).returncode:
                raise CommandError(f"The {name} benchmark failed.")
