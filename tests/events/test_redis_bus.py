"""The Redis event bus against a real redis-server of the test's own (in both of CI's passes): a
reader hears every event published after it was made, in order, and none from before; when Redis
restarts, a streaming process's reader neither stops nor raises, and hears events again once Redis
is back."""

import time

import pytest

from chirvir.events.bus import Event, RedisEventBus


def post(number: int) -> Event:
    return Event(("public", f"home:{number}"), "update", {"status_id": number})


def numbers(read: list[Event]) -> list[int]:
    return [e.payload["status_id"] for e in read]


def read_until(reader, count: int, seconds: float = 10) -> list[Event]:
    read: list[Event] = []
    deadline = time.monotonic() + seconds
    while len(read) < count and time.monotonic() < deadline:
        read += reader.read(0.2)
    return read


@pytest.fixture
def bus(private_redis):
    return RedisEventBus(private_redis.client(), channel="test:events")


def test_a_reader_hears_what_is_published_after_it_was_made_in_order(bus):
    bus.publish([post(0)])  # before any reader: nobody hears it
    reader = bus.reader()
    other = bus.reader()  # every streaming process has its own, and hears everything
    bus.publish([post(1), post(2)])
    bus.publish([post(3)])
    read = read_until(reader, 3)
    assert numbers(read) == [1, 2, 3]
    assert read[2] == Event(("public", "home:3"), "update", {"status_id": 3})
    assert numbers(read_until(other, 3)) == [1, 2, 3]
    assert reader.read(0.1) == []  # each once


def test_a_reader_outlives_a_redis_restart_and_hears_events_again(bus, private_redis, caplog):
    reader = bus.reader()
    bus.publish([post(1)])
    assert numbers(read_until(reader, 1)) == [1]
    private_redis.stop()
    assert reader.read(0.2) == []  # no exception: the streaming process's reader goes on
    with pytest.raises(Exception):
        bus.publish([post(2)])  # lost: nobody could hear it (publish_all logs it after commit)
    private_redis.start()  # the same port, empty, as a restarted Redis without persistence
    deadline = time.monotonic() + 10
    heard: list[Event] = []
    while not heard and time.monotonic() < deadline:
        reader.read(0.2)  # subscribes again once Redis answers
        bus.publish([post(3)])
        heard = read_until(reader, 1, 0.5)
    assert 3 in numbers(heard)
    assert 2 not in numbers(heard)
    assert "cannot be read" in caplog.text

