"""`chirvir backup DEST`: a consistent copy of the data directory, taken while the server runs.
Each SQLite file (the database, the job queue, the rate-limit counters) is copied with SQLite's
online backup, which reads one consistent snapshot however busy the writers are; the secret key,
media and the rest are copied as files. DEST is then a data directory a server can start from."""

import shutil
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# A live database's journal files are part of the live file; the online backup folds them in.
JOURNALS = ("-wal", "-shm", "-journal")


class Command(BaseCommand):
    help = "Copy the data directory (CHIRVIR_DATA_DIR) consistently to DEST, a new directory, while serving."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="a directory that does not exist yet, or is empty")

    def handle(self, *args, dest, **options):
        source, dest = settings.DATA_DIR, Path(dest).expanduser().resolve()
        if dest == source or source in dest.parents:
            raise CommandError(f"{dest} is inside the data directory {source}; back up to somewhere else.")
        if dest.exists() and any(dest.iterdir()):
            raise CommandError(f"{dest} is not empty; name a new directory.")
        dest.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            if path.name.endswith(JOURNALS):
                continue
            if path.suffix == ".sqlite3":
                _backup_sqlite(path, dest / path.name)
            elif path.is_dir():
                shutil.copytree(path, dest / path.name)
            else:
                shutil.copy2(path, dest / path.name)  # keeps the secret key's mode (owner only)
            self.stdout.write(f"  {path.name}")
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            self.stderr.write(
                "The database is PostgreSQL, which this does not copy: back it up with pg_dump"
                " (see docs/operations.md)."
            )
        done = f"Backed up {source} to {dest}; serve from it with CHIRVIR_DATA_DIR={dest}"
        self.stdout.write(self.style.SUCCESS(done))


def _backup_sqlite(path: Path, to: Path) -> None:
    live, copy = sqlite3.connect(path, timeout=30), sqlite3.connect(to)
    try:
        live.backup(copy)
    finally:
        copy.close()
        live.close()
