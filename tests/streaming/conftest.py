"""A real Chirvir for the streaming tests: `chirvir serve` in a process of its own (web, streaming
and the job consumer on one port, as `make run` starts them, on a database of the test run's
kind: tests/servers.py), and people who join it through its API with the real Mastodon.py.
Streams are read with the clients apps use: an SSE reader that parses as Mastodon.py does, and
the `websockets` client."""

import itertools
import json
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from mastodon import Mastodon
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.servers import manage, serving

PASSWORD = "a long password 7"
# Seconds a test waits for anything the server should send at once. Generous, because only
# arrival is asserted, never speed: CI runs its two passes side by side on two cores, and on
# PostgreSQL the event bus holds an event that committed late for up to 5 s.
WAIT = 15.0
_numbers = itertools.count(1)


@dataclass
class Person:
    username: str
    id: str
    token: str
    api: Mastodon  # their app: Mastodon.py, logged in


class Community:
    """The running server, and a way to join it."""

    wait = WAIT

    def __init__(self, base: str, data: Path):
        self.base, self.data = base, data
        self.ws_base = base.replace("http://", "ws://") + "/api/v1/streaming"
        self.client_id, self.client_secret = Mastodon.create_app("Streaming tests", api_base_url=base)

    def join(self, name: str) -> Person:
        username = f"{name}{next(_numbers)}"
        api = Mastodon(client_id=self.client_id, client_secret=self.client_secret, api_base_url=self.base)
        token = api.create_account(username, PASSWORD, f"{username}@example.com", agreement=True)
        return Person(username, api.me().id, token, api)

    def token(self, person: Person, scopes: list[str]) -> str:
        """Another token of the person's, with only these scopes (a password log-in)."""
        api = Mastodon(client_id=self.client_id, client_secret=self.client_secret, api_base_url=self.base)
        return api.log_in(person.username, PASSWORD, scopes=scopes, allow_http=True)

    def operator(self, code: str) -> None:
        """Python run in `chirvir shell` on the server's database, as its operator would."""
        manage(self.data, "shell", "--no-imports", "-c", code)

    def revoke(self, token: str) -> None:
        """POST /oauth/revoke, by the app the token was issued through."""
        form = {"client_id": self.client_id, "client_secret": self.client_secret, "token": token}
        response = httpx.post(f"{self.base}/oauth/revoke", data=form, timeout=WAIT)
        assert (response.status_code, response.json()) == (200, {})

    def browser(self, person: Person) -> httpx.Client:
        """A browser signed in on the web pages (the log-in form), with its session cookie."""
        browser = httpx.Client(base_url=self.base, timeout=WAIT)
        browser.get("/login")
        form = {"username": person.username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
        assert browser.post("/login", data=form).status_code == 302
        return browser

    @contextmanager
    def browser_sse(self, browser: httpx.Client, path: str):
        """An SSE stream the pages' live updates open: the browser's session cookie, no token."""
        with browser.stream("GET", f"/api/v1/streaming/{path}") as response:
            yield EventStream(response)

    @contextmanager
    def sse(self, path: str, token: str | None = None, **params):
        """An SSE stream: `.status_code` and `.body()` tell a refusal, `.next_event()` reads on."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = f"{self.base}/api/v1/streaming/{path}"
        with httpx.stream("GET", url, params=params, headers=headers, timeout=WAIT) as response:
            yield EventStream(response)

    @contextmanager
    def websocket(self, token: str | None = None, **query):
        """The multiplexed WebSocket, with the token as an `Authorization` header."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = f"{self.ws_base}?{httpx.QueryParams(query)}" if query else self.ws_base
        with connect(url, additional_headers=headers, open_timeout=WAIT) as ws:
            yield Socket(ws)


class EventStream:
    """SSE read as Mastodon.py reads it: `key: value` lines, comments starting with `:`, and a
    blank line that ends an event. Reading starts past the `:)` that says it is subscribed."""

    def __init__(self, response: httpx.Response):
        self.response = response
        self.status_code = response.status_code
        if self.status_code == 200:
            self._lines = response.iter_lines()
            assert next(self._lines) == ":)"

    def body(self) -> dict:
        return json.loads(self.response.read())

    def next_event(self, timeout: float = WAIT) -> tuple[str, str]:
        deadline = time.monotonic() + timeout
        event = {}
        # Heartbeats come every few tenths of a second, so the deadline is checked often.
        while time.monotonic() < deadline:
            line = next(self._lines)
            if line and not line.startswith(":"):
                key, _sep, value = line.partition(": ")
                event[key] = value
            elif not line and event:
                return event["event"], event["data"]
        raise AssertionError("no event came")

    def next_comment(self, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = next(self._lines)
            if line.startswith(":"):
                return line
        raise AssertionError("no comment came")

    def ends(self, timeout: float = WAIT) -> list[str]:
        """Read until the server ends the stream; returns the lines other than heartbeats read
        meanwhile."""
        deadline = time.monotonic() + timeout
        lines = []
        for line in self._lines:
            if line and not line.startswith(":"):
                lines.append(line)
            assert time.monotonic() < deadline, "the stream stayed open"
        return lines

    def events_until(self, last, timeout: float = WAIT) -> list[tuple[str, str]]:
        """Events up to and including the first for which `last(event)` holds."""
        seen = [self.next_event(timeout)]
        while not last(seen[-1]):
            seen.append(self.next_event(timeout))
        return seen


class Socket:
    def __init__(self, ws):
        self.ws = ws

    def send(self, **message) -> None:
        self.ws.send(json.dumps(message))

    def next_frame(self, timeout: float = WAIT) -> dict:
        return json.loads(self.ws.recv(timeout=timeout))

    def closes(self, timeout: float = WAIT) -> tuple[int, list[dict]]:
        """Read until the server closes the socket; returns its close code and the frames read
        meanwhile."""
        deadline = time.monotonic() + timeout
        frames = []
        while True:
            try:
                frames.append(json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.01))))
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None, frames

    def settled(self) -> None:
        """Wait until the server has handled every message sent so far: it answers them in
        order, and an unknown stream is answered with an error."""
        self.send(type="subscribe", stream="settle")
        assert self.next_frame() == {"error": "Unknown stream type", "status": 400}


def open_stream(base: str, token: str) -> socket.socket:
    """A user stream, its request sent and its answer not yet read: a burst of them opens at once."""
    host, port = base.removeprefix("http://").split(":")
    stream = socket.create_connection((host, int(port)), timeout=WAIT)
    request = (
        f"GET /api/v1/streaming/user HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    )
    stream.sendall(request.encode())
    return stream


def status_of(stream: socket.socket) -> bytes:
    """The answer's status line; for a stream that opened, once it says it is subscribed (`:)`):
    the headers leave before that, and an event published in between would not reach it."""
    head = b""
    while b"\r\n\r\n" not in head or (head.startswith(b"HTTP/1.1 200 ") and b":)\n" not in head):
        chunk = stream.recv(4096)
        assert chunk, "the server closed the stream"
        head += chunk
    return head.split(b"\r\n", 1)[0]


def next_update(stream: socket.socket, timeout: float) -> dict:
    """The status of the next `update` event an open_stream() hears within `timeout` seconds."""
    seen = b""
    deadline = time.monotonic() + timeout
    while b"event: update" not in seen and time.monotonic() < deadline:
        try:
            seen += stream.recv(65536)
        except TimeoutError:
            continue  # no heartbeat while the event waits its turn to be rendered: the deadline decides
    assert b"event: update" in seen, "no update came"
    event = seen[seen.index(b"event: update"):]
    return json.loads(event.split(b"\ndata: ", 1)[1].split(b"\n", 1)[0])


@contextmanager
def served_community(data: Path, **settings: str):
    with serving(
        data,
        CHIRVIR_STREAMING_HEARTBEAT="0.3",  # a test sees a heartbeat without waiting 15 s
        CHIRVIR_RATE_LIMIT="0",  # everyone joins from one address, more than 5 sign-ups allow
        **settings,
    ) as base:
        yield Community(base, data)


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    # Streams recheck their credentials only every 60 s (the default): anything a test sees
    # close sooner was closed by the event the service announced.
    with served_community(tmp_path_factory.mktemp("streaming")) as community:
        yield community
