"""What an operator graphs, for Prometheus at /metrics: posts accepted (rate() of the counter is
the posts per second), requests and their latency by route, how long a post waits before it
reaches its followers' feeds (a histogram: histogram_quantile gives p50 and p99), and the depth
of the job queue and of the posts still undelivered, read when scraped.

Every process of a machine (Granian's web workers, `chirvir worker`s) writes its samples to
files in PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode, set up in settings),
and /metrics on any web process adds them all up. Only the addresses CHIRVIR_METRICS_ALLOW names
may read it (loopback by default), by the one rule of who the client is (core.addresses)."""

import ipaddress
import logging
import time

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from chirvir.core.addresses import client_address
from chirvir.core.ids import SEQUENCE_BITS

logger = logging.getLogger(__name__)
POSTS = Counter("chirvir_posts", "Posts accepted (rate() gives posts per second).")
REQUESTS = Counter("chirvir_http_requests", "HTTP requests answered, by route.", ["method", "route", "status"])
LATENCY = Histogram(
    "chirvir_http_request_duration_seconds", "Time to answer an HTTP request, by route.", ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DELIVERY_LAG = Histogram(
    "chirvir_delivery_lag_seconds", "From a post's acceptance to its push into followers' feeds.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
# A request that matched no route: its raw path is never a label (anyone could grow the series).
UNROUTED = "unrouted"
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def count_post() -> None:
    POSTS.inc()


def delivered(status_ids) -> None:
    """Record the delivery lag of these statuses, delivered now; an ID carries its post's time."""
    now = time.time()
    for status_id in status_ids:
        DELIVERY_LAG.observe(max(0.0, now - (status_id >> SEQUENCE_BITS) / 1000))


def middleware(get_response):
    def timed(request):
        started = time.perf_counter()
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None else UNROUTED
        method = request.method if request.method in KNOWN_METHODS else "other"
        LATENCY.labels(method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        return response

    return timed


class QueueCollector:
    """The queues' depth, read when Prometheus scrapes rather than kept by any process."""

    def collect(self):
        from chirvir.jobs import huey
        from chirvir.statuses.models import Status

        try:
            depth = huey.pending_count()
        except Exception:  # a queue that cannot be read (Redis stopped) leaves a gap in the graph, not a 500
            logger.exception("The job queue's depth cannot be read")
        else:
            jobs = GaugeMetricFamily("chirvir_job_queue_depth", "Jobs waiting in the queue (Huey).")
            jobs.add_metric([], depth)
            yield jobs
        waiting = GaugeMetricFamily("chirvir_undelivered_posts", "Posts accepted, not yet in followers' feeds.")
        waiting.add_metric([], Status.objects.filter(delivered_at__isnull=True).count())
        yield waiting


def allowed(request) -> bool:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOW)


def view(request):
    if not allowed(request):
        return HttpResponse("403 Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(QueueCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
