"""`chirvir streaming`: the live streaming server alone, for scale-out (S of these behind the
proxy that routes /api/v1/streaming to them)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from chirvir.core.management.commands.web import asgi_capacity, refuse_if_taken, serve_with_granian, split_bind


class Command(BaseCommand):
    requires_system_checks = []  # as for `chirvir web`
    help = "Serve the streaming API (WebSocket and SSE) alone."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=settings.STREAMING_BIND, help="host:port (CHIRVIR_STREAMING_BIND; default: %(default)s)"
        )

    def handle(self, *args, bind, **options):
        refuse_if_taken(bind)
        host, port = split_bind(bind)
        serve_with_granian("streaming", ["--interface", "asgi", "--host", host, "--port", port, *asgi_capacity(),
                            "--respawn-failed-workers", "--log-level", "warning", "chirvir.streaming.app:app"])
