"""`chirvir web`: the HTTP server. Embedded mode serves pages, API and streaming on one port
(ASGI); `--wsgi` serves Django alone, for scale-out behind a proxy that sends streaming apart."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


def split_bind(bind: str) -> tuple[str, str]:
    host, _, port = bind.rpartition(":")
    return host or "127.0.0.1", port


class Command(BaseCommand):
    help = "Serve Chirvir over HTTP with Granian."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.BIND, help="host:port (CHIRVIR_BIND)")
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS, help="processes (CHIRVIR_WEB_WORKERS)")
        parser.add_argument("--wsgi", action="store_true", help="Django only, WSGI (scale-out)")

    def handle(self, *args, bind, workers, wsgi, **options):
        host, port = split_bind(bind)
        target, interface = ("chirvir.wsgi:application", "wsgi") if wsgi else ("chirvir.asgi:application", "asgi")
        argv = [sys.executable, "-m", "granian", "--interface", interface, "--host", host, "--port", port]
        # A client that has not sent its headers within the request timeout is dropped (Granian
        # takes milliseconds, at most a minute); the body's deadline is chirvir/asgi.py's.
        header_timeout = min(max(int(settings.REQUEST_TIMEOUT * 1000), 1), 60_000)
        argv += ["--http1-header-read-timeout", str(header_timeout)]
        argv += ["--workers", str(workers), "--log-level", "warning", target]
        os.execv(sys.executable, argv)
