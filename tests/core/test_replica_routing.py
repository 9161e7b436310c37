"""Where chirvir/core/replicas.py sends a read that may lag, in every case of its rule, without servers (the real
primary and standby are tests/core/test_replicas.py's): the replica inside a request that has not written, and
the primary outside a request, after a write in the same request, for an account that just wrote, and while the
replica is being left alone after a failure."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.test import RequestFactory

from chirvir.core import replicas
from chirvir.statuses.models import Status


@replicas.may_lag
def where_it_reads(viewer):
    return replicas.reading()


@pytest.fixture
def one_replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    yield
    replicas._failed_until.clear()


def in_a_request(view, account=None):
    """Runs `view()` inside the middleware, as a request by `account` (None: nobody signed in) would."""
    request = RequestFactory().get("/api/v1/timelines/public")
    request.account = account
    found = {}

    def get_response(request):
        found["alias"] = view()
        return HttpResponse()

    try:
        handle = replicas.middleware(get_response)
    except MiddlewareNotUsed:  # without replicas Django leaves it out
        handle = get_response
    handle(request)
    return found["alias"]


def a_write():
    """What Django asks the router before each save, update, delete or get_or_create."""
    replicas.Router().db_for_write(Status)


def test_a_lagging_read_in_a_request_that_wrote_nothing_goes_to_the_replica(one_replica):
    assert in_a_request(lambda: where_it_reads(None)) == "replica1"
    assert in_a_request(lambda: where_it_reads(SimpleNamespace(pk=7)), SimpleNamespace(pk=7)) == "replica1"


def test_outside_a_lagging_read_and_outside_a_request_everything_is_the_primarys(one_replica):
    assert in_a_request(replicas.reading) == DEFAULT_DB_ALIAS
    assert where_it_reads(None) == DEFAULT_DB_ALIAS  # a job, a command: it may read what it just wrote


def test_a_request_that_wrote_reads_from_the_primary_and_so_does_its_account_in_its_next_requests(one_replica):
    ada, bob = SimpleNamespace(pk=1), SimpleNamespace(pk=2)

    def write_then_read():
        a_write()
        return where_it_reads(ada)

    assert in_a_request(write_then_read, ada) == DEFAULT_DB_ALIAS
    assert in_a_request(lambda: where_it_reads(ada), ada) == DEFAULT_DB_ALIAS
    assert in_a_request(lambda: where_it_reads(bob), bob) == "replica1"
    assert in_a_request(lambda: where_it_reads(None)) == "replica1"


def test_a_write_inside_a_lagging_read_sends_its_later_reads_to_the_primary(one_replica):
    @replicas.may_lag
    def read_write_read(viewer):
        before = replicas.reading()
        a_write()
        return before, replicas.reading()

    assert in_a_request(lambda: read_write_read(None)) == ("replica1", DEFAULT_DB_ALIAS)


def test_a_replica_that_failed_is_left_alone_for_a_while(one_replica):
    replicas._failed_until["replica1"] = replicas.time.monotonic() + replicas.RETRY_AFTER_SECONDS
    assert in_a_request(lambda: where_it_reads(None)) == DEFAULT_DB_ALIAS
    replicas._failed_until["replica1"] = replicas.time.monotonic() - 1
    assert in_a_request(lambda: where_it_reads(None)) == "replica1"


def test_without_replicas_nothing_changes():
    assert in_a_request(lambda: where_it_reads(None)) == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only():
    assert replicas.Router().allow_migrate(DEFAULT_DB_ALIAS, "statuses")
    assert not replicas.Router().allow_migrate("replica1", "statuses")
