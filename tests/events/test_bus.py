"""The database event bus read as a streaming process reads it: every event once, even one whose
row commits after a later one (PostgreSQL takes an ID when an insert starts and shows the row
when it commits). The late row is made here by inserting a row with a lower ID after a higher
one was read, which is what the reader sees on either database; on PostgreSQL, a second
connection that commits late does it for real."""

import time

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chirvir.events import models
from chirvir.events.bus import KEEP, DatabaseEventBus, Event


def post(number: int) -> Event:
    return Event(("public",), "update", {"status_id": number})


def published(bus: DatabaseEventBus, number: int) -> int:
    """Publish the event of post `number`; its ID in the bus."""
    bus.publish([post(number)])
    return models.Event.objects.get(payload__status_id=number).id


def insert(id_: int, number: int) -> None:
    """The row of post `number` with this ID, as an insert that took the ID earlier commits it."""
    models.Event.objects.create(id=id_, keys=["public"], name="update", payload={"status_id": number})


def numbers(events: list[Event]) -> list[int]:
    return [e.payload["status_id"] for e in events]


def poll_sql(reader) -> str:
    with CaptureQueriesContext(connection) as queries:
        reader.read(0)
    [query] = queries.captured_queries
    return query["sql"]


def test_events_published_in_order_are_read_once_in_order_with_the_plain_query():
    bus = DatabaseEventBus()
    bus.publish([post(0)])  # the IDs in use (emptying the database between tests keeps them going)
    reader = bus.reader()
    bus.publish([post(1), post(2)])
    bus.publish([post(3)])
    assert numbers(reader.read(1)) == [1, 2, 3]
    bus.publish([post(4)])
    assert numbers(reader.read(1)) == [4]
    assert reader.read(0) == []
    # No gaps, so a poll costs what it did before gaps were looked for: `id > last`.
    assert reader.gaps == {}
    assert " IN (" not in poll_sql(reader)


def test_an_event_that_commits_after_a_later_one_is_read_once_and_late():
    bus = DatabaseEventBus()
    first = published(bus, 1)
    reader = bus.reader()
    # ID first + 1 is taken by an insert that has not committed; first + 2 commits before it.
    insert(first + 2, 3)
    assert numbers(reader.read(1)) == [3]
    assert reader.read(0) == []
    insert(first + 1, 2)
    # Read after post 3, which went out first: late, but once.
    assert numbers(reader.read(1)) == [2]
    assert reader.read(0) == [] and reader.read(0) == []
    assert " IN (" not in poll_sql(reader)  # the gap closed with its row


def test_a_gap_whose_event_never_comes_is_given_up_after_its_timeout():
    bus = DatabaseEventBus(gap_seconds=0.5)
    first = published(bus, 1)
    reader = bus.reader()
    insert(first + 2, 3)  # ID first + 1 went to an insert that rolled back
    noticed = time.monotonic()
    assert numbers(reader.read(1)) == [3]
    if time.monotonic() - noticed < 0.4:  # a slow machine may be past the timeout already
        assert f"IN ({first + 1})" in poll_sql(reader).replace("'", "")
    time.sleep(max(0, noticed + 0.6 - time.monotonic()))
    assert reader.read(0) == []
    assert reader.gaps == {}
    assert " IN (" not in poll_sql(reader)


def test_a_jump_in_ids_waits_for_no_more_than_max_gaps_of_them():
    bus = DatabaseEventBus()
    first = published(bus, 1)
    reader = bus.reader()
    insert(first + 5000, 2)  # a sequence set forward, not 4999 inserts in flight
    assert numbers(reader.read(1)) == [2]
    assert sorted(reader.gaps) == list(range(first + 5000 - 1000, first + 5000))


def test_the_newest_event_outlives_a_prune_so_a_new_reader_starts_from_it():
    bus = DatabaseEventBus()
    bus.publish([post(1), post(2)])
    newest = models.Event.objects.latest("id").id
    models.Event.objects.update(created_at=timezone.now() - KEEP)
    assert bus.prune(KEEP / 2) == 1
    assert list(models.Event.objects.values_list("id", flat=True)) == [newest]
    reader = bus.reader()
    bus.publish([post(3)])
    assert numbers(reader.read(1)) == [3]
    assert reader.gaps == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_on_postgresql_a_transaction_that_commits_late_is_read_late():
    bus = DatabaseEventBus()
    published(bus, 1)
    reader = bus.reader()
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    ) as slow:
        # Takes the next ID and holds its row uncommitted while a later insert commits.
        slow.execute(
            "INSERT INTO events_event (keys, name, payload, created_at)"
            """ VALUES ('["public"]', 'update', '{"status_id": 2}', now())"""
        )
        bus.publish([post(3)])
        assert numbers(reader.read(1)) == [3]
        slow.commit()
    assert numbers(reader.read(1)) == [2]
    assert reader.read(0) == []
