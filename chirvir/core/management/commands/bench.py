"""`chirvir bench` (what `make bench` runs): with no benchmark named, the whole benchmark of
bench/run.py (a synthetic community loaded through the Mastodon API: posting and delivery, home
reads, the web home page, a write/read mix, idle streams; `chirvir bench --help` lists its
options, e.g. `--quick`); `chirvir bench delivery|api|text|search [options]` runs one of the
older focused benchmarks with its options (`chirvir bench NAME --help` lists them). Each runs in
a data directory of its own, never the instance's."""

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
        "Run the benchmark (a synthetic community loaded through the Mastodon API; --quick for a short one), "
        "or one focused benchmark: delivery (posts/s, delivery latency), api (requests/s, latency), text "
        "(count() on hostile texts of growing length) or search (latency over a million posts, post to "
        "searchable)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "benchmark", nargs="?", choices=BENCHMARKS, help="one focused benchmark (default: the whole benchmark)"
        )
        parser.add_argument(
            "options", nargs=argparse.REMAINDER, help="the benchmark's own (`chirvir bench NAME --help`)"
        )

    def run_from_argv(self, argv):
        # Every argument after the benchmark's name belongs to the benchmark itself, --help included;
        # with no name, they are the whole benchmark's (bench/run.py).
        args = argv[2:]
        if args[:1] in (["-h"], ["--help"]):
            self.print_help(argv[0], argv[1])
            self.stdout.write("\nThe whole benchmark's options (`chirvir bench [options]`):\n")
            subprocess.run([sys.executable, "-m", "bench.run", "--help"], cwd=CHECKOUT)
            return
        try:
            self.handle(*args)
        except CommandError as e:
            self.stderr.write(f"CommandError: {e}")
            sys.exit(e.returncode)

    def handle(self, *args, **options):
        if not (CHECKOUT / "bench").is_dir():
            raise CommandError("The benchmarks run from a checkout of Chirvir (bench/ is not installed).")
        if args and not args[0].startswith("-") and args[0] not in BENCHMARKS:
            names = ", ".join(BENCHMARKS)
            raise CommandError(f"There is no benchmark {args[0]!r}: name one of {names}, or none for the whole one.")
        name, rest = (args[0], args[1:]) if args and args[0] in BENCHMARKS else ("run", args)
        if name in ("api", "run") and not shutil.which("wrk") and not {"-h", "--help"} & set(rest):
            raise CommandError(f"The {'api ' if name == 'api' else ''}benchmark needs wrk, which is not installed "
                               "(Debian: apt-get install wrk).")
        if subprocess.run([sys.executable, "-m", f"bench.{name}", *rest], cwd=CHECKOUT).returncode:
            raise CommandError(f"The {'whole' if name == 'run' else name} benchmark failed.")
