"""The `chirvir` command: serve, web, streaming, worker, createuser, demo, bench, backup, and every
Django management command (migrate, shell, ...). What an operator gets wrong (a setting, a data
directory without a database) ends in one line on stderr, never a traceback."""

import os
import shutil
import sys
from importlib import metadata

# These make the database, or need none: every other command first checks that it is migrated.
NO_DATABASE_NEEDED = {
    "serve", "migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations", "help", "bench",
    "check", "compilemessages", "makemessages", "diffsettings", "shell", "dbshell", "version", "test",
}


def fail(message: str, code: int = 2):
    print(f"chirvir: {message}", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] in (["--version"], ["version"]):
        print(f"chirvir {metadata.version('chirvir')}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.DATA_DIR  # the settings module runs here: a bad value stops us with its one line
    except ImproperlyConfigured as e:
        fail(str(e))
    command = next((a for a in args if not a.startswith("-")), "help")
    if command not in NO_DATABASE_NEEDED and not {"-h", "--help"} & set(args):
        import django

        from chirvir.core import database

        django.setup()
        if problem := database.problem():
            if settings.DATA_DIR_IS_NEW:  # a mistyped or relative CHIRVIR_DATA_DIR leaves no empty directory
                shutil.rmtree(settings.DATA_DIR, ignore_errors=True)
            fail(problem)
    execute_from_command_line(["chirvir", *args])


if __name__ == "__main__":
    main()
