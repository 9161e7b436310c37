"""A real Kannel for tests: bearerbox with its fake SMSC and smsbox, on loopback ports of this
test worker's own (13xxx), configured to call a Chirvir for each message a phone sends. The test
plays the phone itself, speaking the fake SMSC's line protocol (what Kannel's fakesmsc speaks):
"SENDER RECEIVER TYPE DATA" a line, both ways."""

import os
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx

BEARERBOX, SMSBOX = "/usr/sbin/bearerbox", "/usr/sbin/smsbox"
SHORT_CODE = "40404"
USERNAME, PASSWORD = "chirvir", "sendsms-password"

CONF = """\
group = core
admin-port = {admin}
admin-interface = 127.0.0.1
admin-password = adminpw
status-password = statuspw
admin-allow-ip = "127.0.0.1"
smsbox-port = {box}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "{run}/bearerbox.log"
log-level = 0
store-type = spool
store-location = "{run}/store"

group = smsc
smsc = fake
smsc-id = fake1
port = {smsc}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
global-sender = {short_code}
mo-recode = true
log-file = "{run}/smsbox.log"
log-level = 0

group = sendsms-user
username = {username}
password = {password}
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
get-url = "{chirvir}/gateways/sms/kannel?secret={secret}&from=%p&text=%a"
accept-x-kannel-headers = true
max-messages = 10
concatenation = true
omit-empty = true
"""


def ports() -> dict[str, int]:
    """Ports of this pytest-xdist worker's own: gw0 13300-13303, gw1 13310-13313, and so on (a
    run alone, 13390); CI's PostgreSQL pass runs beside the SQLite one, 50 higher."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw9")
    base = 13300 + 10 * (int(worker.removeprefix("gw") or 9) % 5)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        base += 50
    return {"admin": base, "box": base + 1, "smsc": base + 2, "sendsms": base + 3}


@dataclass
class Message:
    """What reached the phone: its coding as the fake SMSC names it, its UDH, and its data."""

    kind: str
    udh: bytes
    data: bytes

    def concatenation(self) -> tuple[int, int, int] | None:
        """(reference, parts, number) from an 8-bit concatenation header (IEI 0), if it has one."""
        if len(self.udh) >= 6 and self.udh[1] == 0 and self.udh[2] == 3:
            return self.udh[3], self.udh[4], self.udh[5]
        return None


def _unquote(data: bytes) -> bytes:
    return urllib.parse.unquote_to_bytes(data.replace(b"+", b" "))


class Phone:
    """A phone on the fake SMSC: sends as `number`, reads what Kannel delivers."""

    def __init__(self, port: int, number: str):
        self.number = number
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buffer = b""

    def send(self, text: str) -> None:
        line = f"{self.number} {SHORT_CODE} ucs2 ".encode() + urllib.parse.quote(text.encode("utf-16-be")).encode()
        self.sock.sendall(line + b"\n")

    def read(self, timeout: float = 10) -> Message | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        sender, receiver, kind, data = line.split(b" ", 3)
        assert sender.decode() == SHORT_CODE and receiver.decode() == self.number, line
        if kind == b"udh":
            udh, _data_word, data = data.split(b" ", 2)
            return Message("udh", _unquote(udh), _unquote(data))
        return Message(kind.decode(), b"", data if kind == b"text" else _unquote(data))

    def text(self, timeout: float = 10) -> str | None:
        """The next whole message as text: one part (GSM-7 text or UCS-2), or the parts of a
        concatenated one put together by their numbers, read as UCS-2."""
        first = self.read(timeout)
        if first is None:
            return None
        if first.kind == "text":
            return first.data.decode("utf-8")
        if first.kind == "ucs-2":
            return first.data.decode("utf-16-be")
        parts = self.parts(first, timeout)
        return b"".join(p.data for p in parts).decode("utf-16-be")

    def parts(self, first: Message, timeout: float = 10) -> list[Message]:
        reference, total, _number = first.concatenation()
        found = [first]
        while len(found) < total:
            part = self.read(timeout)
            assert part is not None and part.concatenation()[:2] == (reference, total), part
            found.append(part)
        numbers = sorted(p.concatenation()[2] for p in found)
        assert numbers == list(range(1, total + 1)), numbers
        return sorted(found, key=lambda p: p.concatenation()[2])

    def close(self) -> None:
        self.sock.close()


class Kannel:
    def __init__(self, run: Path, chirvir_url: str, secret: str):
        self.run, self.ports = run, ports()
        (run / "store").mkdir(parents=True, exist_ok=True)
        self.conf = run / "kannel.conf"
        self.conf.write_text(CONF.format(
            run=run, chirvir=chirvir_url, secret=secret, short_code=SHORT_CODE, username=USERNAME,
            password=PASSWORD, **self.ports,
        ))
        self.processes: list[subprocess.Popen] = []

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"

    def start(self) -> None:
        self.processes = [self._spawn(BEARERBOX, f"http://127.0.0.1:{self.ports['admin']}/status.txt?password=statuspw")]
        self.processes.append(self._spawn(SMSBOX, self.sendsms_url))

    def _spawn(self, binary: str, ready_url: str) -> subprocess.Popen:
        name = Path(binary).name
        process = subprocess.Popen([binary, "-v", "2", str(self.conf)], cwd=self.run,
                                   stdout=open(self.run / f"{name}.out", "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, (self.run / f"{name}.out").read_text()
            try:
                httpx.get(ready_url, timeout=1)
                return process
            except httpx.HTTPError:
                assert time.monotonic() < deadline, f"{name} did not start"
                time.sleep(0.1)

    def phone(self, number: str) -> Phone:
        phone = Phone(self.ports["smsc"], number)
        # The fake SMSC goes online once it has a client; sendsms queues until then.
        deadline = time.monotonic() + 10
        status = f"http://127.0.0.1:{self.ports['admin']}/status.txt?password=statuspw"
        while "online" not in httpx.get(status, timeout=2).text.split("SMSC connections:")[-1]:
            assert time.monotonic() < deadline, "the fake SMSC never went online"
            time.sleep(0.1)
        return phone

    def stop(self) -> None:
        # SIGTERM to bearerbox stops smsbox too; each is waited for, so that its ports are free.
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
