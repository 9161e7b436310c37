"""`chirvir web`: the HTTP server. Embedded mode serves pages, API and streaming on one port
(ASGI); `--wsgi` serves Django alone, for scale-out behind a proxy that sends streaming apart."""

import os
import resource
import socket
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chirvir.core import database


def split_bind(bind: str) -> tuple[str, str]:
    host, _, port = bind.rpartition(":")
    return host or "127.0.0.1", port


def refuse_if_taken(bind: str) -> None:
    """Stop, in one line, when something already listens on `bind`. Granian binds with SO_REUSEPORT,
    so a second server would share the port with the first (requests alternating between two
    instances) instead of failing; a plain bind of our own finds the listener first."""
    host, port = split_bind(bind)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may follow a stop at once
            probe.bind(address)
    except OSError as e:
        raise CommandError(
            f"Cannot serve on {bind}: {e.strerror or e}. Another server (another Chirvir?) may be using it;"
            " stop it, or choose another address (CHIRVIR_BIND)."
        ) from None


# Connections an ASGI worker holds at once. Granian's default (its backlog shared among the workers,
# 512 each for two) would refuse the 513th open stream; a stream is a coroutine that waits, and
# Django's requests still queue for a2wsgi's threads however many connections are open.
ASGI_CONNECTIONS = 20_000


def asgi_capacity() -> list[str]:
    return ["--backlog", "4096", "--backpressure", str(ASGI_CONNECTIONS)]


def serve_with_granian(name: str, argv: list[str]) -> None:
    """Become Granian (so that signals reach it), after saying where the data lives."""
    # PostgreSQL names each connection by the program that opened it (libpq reads PGAPPNAME), so
    # pg_stat_activity shows which of Chirvir's servers hold how many of max_connections.
    os.environ.setdefault("PGAPPNAME", f"chirvir {name}")
    sys.stdout.write(database.describe() + "\n")
    sys.stdout.flush()
    # Each open stream is a socket: take all the open files the system allows this process.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, 65536) if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    os.execv(sys.executable, [sys.executable, "-m", "granian", *argv])


class Command(BaseCommand):
    # `chirvir serve` and `chirvir migrate` have checked the project (as for `chirvir worker`): here
    # the checks' URL map would cost a start half a second of CPU in a process that then becomes
    # Granian, whose workers load the URL map themselves.
    requires_system_checks = []
    help = "Serve Chirvir over HTTP with Granian."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.BIND, help="host:port (CHIRVIR_BIND; default: %(default)s)")
        parser.add_argument(
            "--workers", type=int, default=settings.WEB_WORKERS,
            help="processes (CHIRVIR_WEB_WORKERS; default: %(default)s)",
        )
        parser.add_argument(
            "--wsgi", action="store_true", help="Django only, WSGI (scale-out; default: ASGI with streaming)"
        )

    def handle(self, *args, bind, workers, wsgi, **options):
        refuse_if_taken(bind)
        host, port = split_bind(bind)
        target, interface = ("chirvir.wsgi:application", "wsgi") if wsgi else ("chirvir.asgi:application", "asgi")
        # Granian starts a worker again when one dies, rather than serving on with fewer. A client
        # that has not sent its headers within the request timeout is dropped (Granian takes
        # milliseconds, at most a minute); the body's deadline is chirvir/asgi.py's.
        header_timeout = min(max(int(settings.REQUEST_TIMEOUT * 1000), 1), 60_000)
        argv = ["--interface", interface, "--host", host, "--port", port, "--workers", str(workers)]
        argv += ["--http1-header-read-timeout", str(header_timeout)]
        if interface == "asgi":
            argv += asgi_capacity()
        serve_with_granian("web", [*argv, "--respawn-failed-workers", "--log-level", "warning", target])
