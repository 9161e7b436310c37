"""A real Chirvir for the streaming tests: `chirvir serve` in a process of its own (web, streaming
and the job consumer on one port, as `make run` starts them, on a database of the test run's
kind: tests/servers.py), and people who join it through its API with the real Mastodon.py.
Streams are read with the clients apps use: an SSE reader that parses as Mastodon.py does, and
the `websockets` client."""

import itertools
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from mastodon import Mastodon
from websockets.sync.client import connect

from tests.servers import serving

PASSWORD = "a long password 7"
WAIT = 5.0  # seconds a test waits for anything the server should send at once
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

    def __init__(self, base: str):
        self.base = base
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

    def settled(self) -> None:
        """Wait until the server has handled every message sent so far: it answers them in
        order, and an unknown stream is answered with an error."""
        self.send(type="subscribe", stream="settle")
        assert self.next_frame() == {"error": "Unknown stream type", "status": 400}


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    data = tmp_path_factory.mktemp("streaming")
    with serving(
        data,
        CHIRVIR_STREAMING_HEARTBEAT="0.3",  # a test sees a heartbeat without waiting 15 s
        CHIRVIR_RATE_LIMIT="0",  # everyone joins from one address, more than 5 sign-ups allow
    ) as base:
        yield Community(base)
