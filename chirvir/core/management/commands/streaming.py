"""`chirvir streaming`: the live streaming server alone, for scale-out (S of these behind the
proxy that routes /api/v1/streaming to them)."""

import os
import sys

from django.core.management.base import BaseCommand

from chirvir.core.management.commands.web import split_bind


class Command(BaseCommand):
    help = "Serve the streaming API (WebSocket and SSE) alone."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("CHIRVIR_STREAMING_BIND", "127.0.0.1:4000"))

    def handle(self, *args, bind, **options):
        host, port = split_bind(bind)
        argv = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", host, "--port", port]
        argv += ["--log-level", "warning", "chirvir.streaming.app:app"]
        os.execv(sys.executable, argv)
