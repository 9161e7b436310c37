"""/metrics for Prometheus: only the addresses the operator allows read it; a post moves the posts
counter, the request counter of its route and the delivery lag; the samples of every web process
of a live `chirvir serve` add up."""

import ipaddress

import httpx
from django.test import Client
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from chirvir.oauth import services as auth
from tests.servers import serving

POST_ROUTE = "chirvir.api.views.statuses.create"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: Client) -> dict:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.status_code
    return samples(answer.content.decode())


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_an_address_the_operator_did_not_allow_is_refused():
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    assert outsider.get("/metrics").status_code == 403
    # X-Forwarded-For is believed only from a trusted proxy: naming loopback in it opens nothing.
    assert outsider.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200


def test_the_operator_names_the_networks_that_may_read_it(settings):
    settings.METRICS_ALLOW = (ipaddress.ip_network("10.0.0.0/8"),)
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403


def test_behind_a_trusted_proxy_the_client_it_names_is_the_one_checked(settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("127.0.0.1/32"),)
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    assert proxy.get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 403
    assert proxy.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_a_post_moves_the_counters(make_account):
    alice = make_account("alice")
    app, _id, _secret = auth.create_application("metrics", scopes="read write")
    as_alice = Client(HTTP_AUTHORIZATION=f"Bearer {auth.issue_token(app, alice, 'read write')}")
    prometheus = Client(REMOTE_ADDR="127.0.0.1")
    before = scrape(prometheus)

    assert as_alice.post("/api/v1/statuses", {"status": "counted"}).status_code == 200

    after = scrape(prometheus)
    assert value(after, "chirvir_posts_total") == value(before, "chirvir_posts_total") + 1
    posted = dict(method="POST", route=POST_ROUTE, status="200")
    requests = "chirvir_http_requests_total"
    assert value(after, requests, **posted) == value(before, requests, **posted) + 1
    timed = dict(method="POST", route=POST_ROUTE)
    assert value(after, "chirvir_http_request_duration_seconds_count", **timed) == (
        value(before, "chirvir_http_request_duration_seconds_count", **timed) + 1
    )
    # Jobs run at once in tests: the post is delivered, and its lag is in the histogram.
    assert value(after, "chirvir_delivery_lag_seconds_count") == value(before, "chirvir_delivery_lag_seconds_count") + 1
    assert value(after, "chirvir_undelivered_posts") == 0
    assert ("chirvir_job_queue_depth", ()) in after
    # Routes are labelled by the resolver's name for them, never by the path asked for.
    assert not any("/api/" in str(labels) for _name, labels in after)


def test_every_web_process_of_a_live_server_is_counted(tmp_path):
    """`chirvir serve` runs two Granian workers; requests land on both, and /metrics adds them up."""
    with serving(tmp_path, CHIRVIR_WEB_WORKERS="2") as base:
        with httpx.Client(base_url=base) as client:
            def answered() -> float:
                found = samples(client.get("/metrics").text)
                route = "chirvir.api.views.instance.instance_v1"
                return value(found, "chirvir_http_requests_total", method="GET", route=route, status="200")

            start = answered()
            for _ in range(40):
                # A new connection each time, so that the kernel spreads them over both workers.
                assert httpx.get(f"{base}/api/v1/instance").status_code == 200
            assert answered() == start + 40
    # ...and more than one process answered them (each writes a file of its own).
    answering = [
        path for path in (tmp_path / "metrics").glob("counter_*.db")
        if any(
            sample.labels.get("route") == "chirvir.api.views.instance.instance_v1"
            for family in MultiProcessCollector.merge([str(path)]) for sample in family.samples
        )
    ]
    assert len(answering) >= 2
