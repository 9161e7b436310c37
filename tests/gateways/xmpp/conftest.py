"""A real Prosody for the XMPP gateway's tests: configured without TLS on 127.0.0.1, in a data
directory of its own, on a port of the 15xxx range derived from the pytest-xdist worker, with
users made by prosodyctl; and slixmpp clients that log in to it as people do."""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import slixmpp
from django.test import override_settings

DOMAIN = "localhost"
BOT = f"chirvir@{DOMAIN}"
BOT_PASSWORD = "bot password 7"
WAIT = 30  # seconds: a misconfigured XMPP session shows as a hang, never as an error (and CI is loaded)

CONFIG = """-- Throwaway loopback-only Prosody for Chirvir's tests (no TLS).
pidfile = "{run}/prosody.pid"
run_as_root = true
data_path = "{run}/data"
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{run}/prosody.log" }} }}
interfaces = {{ "127.0.0.1" }}
local_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
c2s_interfaces = {{ "127.0.0.1" }}
c2s_direct_tls_ports = {{ }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
modules_disabled = {{ "s2s" }}
modules_enabled = {{ "roster", "saslauth", "disco", "ping", "posix", "offline" }}
authentication = "internal_hashed"
storage = "internal"
c2s_require_encryption = false
allow_registration = false
VirtualHost "{domain}"
"""


def _port() -> int:
    """15222 for a run without workers, 15232, 15242... for pytest-xdist's gw0, gw1...: two
    workers each have their own Prosody; CI's PostgreSQL pass runs beside the SQLite one, 100 higher."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    port = 15222 + (10 * (int(worker[2:]) % 8 + 1) if worker.startswith("gw") else 0)
    return port + (100 if os.environ.get("DATABASE_URL", "").startswith("postgres") else 0)


class Prosody:
    """One Prosody server process, which a test may stop and start again (its data stays)."""

    def __init__(self, run: Path, port: int):
        self.run, self.port = run, port
        self.config = run / "prosody.cfg.lua"
        (run / "data").mkdir()
        (run / "certs").mkdir()  # else prosodyctl reports a harmless certmanager error
        self.config.write_text(CONFIG.format(run=run, port=port, domain=DOMAIN))
        self.process = None
        self.users = 0

    def register(self, user: str, password: str) -> str:
        """A new user on the server; returns its JID. Each is new (alice1, alice2...), so that no
        test gets messages the server kept offline for an earlier test's user."""
        self.users += 1
        name = user if user == "chirvir" else f"{user}{self.users}"
        subprocess.run(
            ["prosodyctl", "--config", str(self.config), "register", name, DOMAIN, password],
            check=True, capture_output=True, cwd=self.run,
        )
        return f"{name}@{DOMAIN}"

    def start(self) -> None:
        log = open(self.run / "prosody.out", "ab")
        self.process = subprocess.Popen(
            ["prosody", "-F", "--config", str(self.config)], cwd=self.run, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + WAIT
        while True:
            assert self.process.poll() is None, (self.run / "prosody.out").read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "Prosody did not open its port"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="module")
def prosody_server():
    run = Path(tempfile.mkdtemp(prefix="chirvir-prosody-"))
    server = Prosody(run, _port())
    server.register("chirvir", BOT_PASSWORD)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(run, ignore_errors=True)


@pytest.fixture
def prosody(prosody_server):
    """The module's Prosody, running, with Chirvir's settings pointing the gateway at it."""
    if prosody_server.process is None:
        prosody_server.start()
    with override_settings(
        XMPP_JID=BOT, XMPP_PASSWORD=BOT_PASSWORD, XMPP_HOST="127.0.0.1", XMPP_PORT=prosody_server.port, XMPP_TLS=False
    ):
        yield prosody_server


class Person:
    """Someone's XMPP client (slixmpp), logged in to the test's Prosody: what it was sent, by whom."""

    def __init__(self, jid: str, password: str, port: int):
        self.client = slixmpp.ClientXMPP(jid, password)
        self.client.enable_direct_tls = False
        self.client.enable_starttls = False
        self.client.enable_plaintext = True
        self.client.plugin["feature_mechanisms"].unencrypted_scram = True
        self.port = port
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.presences: asyncio.Queue = asyncio.Queue()
        self.client.add_event_handler("message", lambda msg: self.inbox.put_nowait(msg))
        self.client.add_event_handler(
            "presence_available", lambda p: p["from"].bare == BOT and self.presences.put_nowait(p)
        )

    async def connect(self) -> None:
        started = asyncio.get_running_loop().create_future()
        self.client.add_event_handler("session_start", lambda _: started.done() or started.set_result(True))
        self.client.connect("127.0.0.1", self.port)
        await asyncio.wait_for(started, WAIT)
        self.client.send_presence()
        await asyncio.wait_for(self.client.get_roster(), WAIT)

    def say(self, text: str, to: str = BOT) -> None:
        self.client.send_message(mto=to, mbody=text, mtype="chat")

    async def next_message(self, timeout: float = WAIT) -> slixmpp.Message:
        while True:
            message = await asyncio.wait_for(self.inbox.get(), timeout)
            if message["type"] in ("chat", "normal") and message["body"]:
                return message

    async def quiet_for(self, seconds: float) -> list[str]:
        """The bodies that arrive within `seconds` (a test that nothing came expects [])."""
        bodies = []
        deadline = asyncio.get_running_loop().time() + seconds
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                bodies.append((await self.next_message(left))["body"])
            except TimeoutError:
                break
        return bodies

    async def disconnect(self) -> None:
        self.client.disconnect()
        await asyncio.sleep(0)


@asynccontextmanager
async def online(prosody: Prosody, jid: str, password: str):
    person = Person(jid, password, prosody.port)
    await person.connect()
    try:
        yield person
    finally:
        await person.disconnect()


@pytest.fixture
def bot(prosody):
    """Chirvir's bot, as `chirvir xmpp` runs it, on a thread (and an event loop) of its own."""
    import threading

    from chirvir.gateways.xmpp.bot import Bot

    started, held = threading.Event(), {}

    def serve():
        async def main():
            held.update(loop=asyncio.get_running_loop(), stop=asyncio.Event(), bot=Bot())
            runner = asyncio.create_task(held["bot"].run(held["stop"]))
            started.set()
            await runner

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(WAIT)
    wait_until(held["bot"].ready.is_set)
    yield held["bot"]
    held["loop"].call_soon_threadsafe(held["stop"].set)
    thread.join(WAIT)


def wait_until(condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


async def in_thread(fn, *args, **kwargs):
    """Database work from a test's event loop (Django's ORM will not run inside one)."""
    from chirvir.gateways.xmpp.bot import _in_thread

    return await asyncio.to_thread(_in_thread, lambda: fn(*args, **kwargs))


def run(story) -> None:
    asyncio.run(asyncio.wait_for(story(), 180))
