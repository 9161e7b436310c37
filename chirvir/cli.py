"""The `chirvir` command: serve, web, streaming, worker, createuser, demo, bench, and every
Django management command (migrate, shell, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chirvir", *sys.argv[1:]])


if __name__ == "__main__":
    main()
