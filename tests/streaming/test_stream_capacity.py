"""Many idle streams on one server: `chirvir serve` (two web workers) holds more open SSE streams
than Granian's default per-worker limit allows (its backlog of 1,024 shared among the workers),
and a post still reaches the stream opened last. On PostgreSQL too: the streams' database work
shares a few connections (test_stream_database_connections.py), not one per thread."""

from tests.streaming.conftest import next_update, open_stream, status_of

# More than the 1,024 that two workers hold between them by Granian's default.
STREAMS = 1_100


def test_more_streams_than_granians_default_stay_open_and_the_last_one_hears_a_post(community):
    reader, writer = community.join("reader"), community.join("writer")
    reader.api.account_follow(writer.id)
    streams = []
    try:
        for _ in range(STREAMS):
            streams.append(open_stream(community.base, reader.token))
        statuses = [status_of(stream) for stream in streams]
        assert statuses == [b"HTTP/1.1 200 OK"] * STREAMS

        posted = writer.api.status_post("one post for eleven hundred streams")
        # Arrival is asserted, never speed: each of the reader's streams is handed the event in turn,
        # on two cores that CI's two passes share.
        assert next_update(streams[-1], timeout=60)["id"] == str(posted.id)
    finally:
        for stream in streams:
            stream.close()
