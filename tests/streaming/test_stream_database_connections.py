"""A streaming process holds a bounded number of database connections, however many streams open
at once: `chirvir streaming` (alone, as scale-out runs it, on the database of a `chirvir serve`
that people join through) takes a burst of streams with CHIRVIR_STREAMING_DB_THREADS=2, and never
holds more than those two connections and its event reader's, while every stream opens and the
last one hears a post. Connections are counted from outside the process: on PostgreSQL its rows in
pg_stat_activity (`chirvir streaming` names them), on SQLite its open files on the database."""

import os
import threading
from pathlib import Path

import psycopg

from tests.servers import SQLITE_NAME, database_of, streaming_process
from tests.streaming.conftest import next_update, open_stream, status_of

THREADS = 2
# Enough at once that, without the bound, Starlette's thread pool (40 threads) took a connection
# for each of dozens of threads.
STREAMS = 400


def event_reader_connections() -> int:
    # The database event bus (no REDIS_URL) is read through a connection of the reader's own.
    return 0 if os.environ.get("REDIS_URL") else 1


def processes_of(pid: int) -> list[int]:
    """The process and its descendants (Granian runs its worker as a child)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo.extend(parents.get(tree[-1], []))
    return tree


class ConnectionCount:
    """The most connections the streaming server held at any of the moments counted."""

    def __init__(self, data: Path, pid: int):
        self.data, self.pid, self.most = data, pid, 0
        self.url = database_of(data)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._count_until_stopped)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _count_until_stopped(self) -> None:
        if self.url:
            with psycopg.connect(self.url, autocommit=True) as database:
                while not self._stop.wait(0.02):
                    self._saw(database.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND application_name = 'chirvir streaming'"
                    ).fetchone()[0])
        else:
            while not self._stop.wait(0.02):
                self._saw(self._open_on_sqlite())

    def _open_on_sqlite(self) -> int:
        database, count = str(self.data / SQLITE_NAME), 0
        for pid in processes_of(self.pid):
            try:
                files = list(Path(f"/proc/{pid}/fd").iterdir())
            except OSError:
                continue
            for file in files:
                try:
                    count += os.readlink(file) == database
                except OSError:
                    pass  # closed meanwhile
        return count

    def _saw(self, count: int) -> None:
        self.most = max(self.most, count)


def test_a_burst_of_streams_holds_no_more_database_connections_than_the_streaming_threads(community):
    reader, writer = community.join("reader"), community.join("writer")
    reader.api.account_follow(writer.id)
    bound = THREADS + event_reader_connections()
    with streaming_process(community.data, CHIRVIR_STREAMING_DB_THREADS=str(THREADS),
                           CHIRVIR_STREAMING_HEARTBEAT="0.3") as (base, process):
        streams = []
        try:
            with ConnectionCount(community.data, process.pid) as connections:
                for _ in range(STREAMS):
                    streams.append(open_stream(base, reader.token))
                assert [status_of(stream) for stream in streams] == [b"HTTP/1.1 200 OK"] * STREAMS
                # More than none: the count sees the process's connections (no stream opens without one).
                assert 0 < connections.most <= bound
                posted = writer.api.status_post("one post for a burst of streams")
                # Rendering the post for each of the streams is database work too.
                assert next_update(streams[-1], timeout=60)["id"] == str(posted.id)
        finally:
            for stream in streams:
                stream.close()
    assert connections.most <= bound
