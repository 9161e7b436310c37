"""`chirvir bench` (what `make bench` runs): the benchmarks in the checkout's bench/ folder, each
in a data directory of its own, never the instance's (text needs none). `chirvir bench
delivery|api|text|search [options]` runs one of them with its options (`chirvir bench NAME --help` lists
them); with no name, all of them."""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import chirvir

CHECKOUT = Path(chirvir.__file__).resolve().parent.parent
BENCHMARKS = ("delivery", "api", "text", "search")


class Command(BaseCommand):
    help = (
        "Run the benchmarks: delivery (posts/s, delivery latency), api (requests/s, latency), text "
        "(count() on hostile texts of growing length) and search (latency over a million posts, post to "
        "searchable)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "benchmark", nargs="?", choices=BENCHMARKS, help="which one (default: all of them, with defaults)"
        )
        parser.add_argument(
            "options", nargs=argparse.REMAINDER, help="the benchmark's own (`chirvir bench NAME --help`)"
        )

    def run_from_argv(self, argv):
        # Every argument after the benchmark's name belongs to the benchmark itself, --help included.
        args = argv[2:]
        if args[:1] in (["-h"], ["--help"]):
            self.print_help(argv[0], argv[1])
            return
        try:
            self.handle(*args)
        except CommandError as e:
            self.stderr.write(f"CommandError: {e}")
            sys.exit(e.returncode)

    def handle(self, *args, **options):
        if not (CHECKOUT / "bench").is_dir():
            raise CommandError("The benchmarks run from a checkout of Chirvir (bench/ is not installed).")
        if args and args[0] not in BENCHMARKS:
            names = ", ".join(BENCHMARKS)
            raise CommandError(f"There is no benchmark {args[0]!r}: name one of {names}, or none for all.")
        runs = [(args[0], args[1:])] if args else [(name, ()) for name in BENCHMARKS]
        if "api" in dict(runs) and not shutil.which("wrk"):
            raise CommandError("The api benchmark needs wrk, which is not installed (Debian: apt-get install wrk).")
        for name, rest in runs:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))
            if subprocess.run([sys.executable, "-m", f"bench.{name}", *rest], cwd=CHECKOUT).returncode:
                raise CommandError(f"The {name} benchmark failed.")
