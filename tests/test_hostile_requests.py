"""Hostile requests against a real `chirvir serve`, as an attacker sends them over raw sockets:
bodies dribbled a byte at a time, bodies larger than any upload, a Host that is not the site's.
The site goes on answering everyone else, and each of those gets its refusal."""

import json
import socket
import threading
import time

import httpx
import pytest

from tests.servers import serving

TIMEOUT = 12  # CHIRVIR_REQUEST_TIMEOUT for the served instance: the attack is held that long


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    limits = {"CHIRVIR_REQUEST_TIMEOUT": str(TIMEOUT), "CHIRVIR_MAX_BODY_MB": "1"}
    with serving(tmp_path_factory.mktemp("hostile"), **limits) as base:
        yield base


def open_slow_request(base: str, path: str, length: int = 100_000) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n".encode()
    )
    return sock


def status_of(sock: socket.socket) -> int:
    """The status the server answers on the socket (it may close it before the client is done)."""
    answer = b""
    try:
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def answered(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        sock.settimeout(30)


def test_twenty_bodies_sent_a_byte_at_a_time_freeze_nothing_and_are_refused_after_the_deadline(site):
    # An anonymous endpoint that reads its body (a page's form is refused for want of a CSRF
    # cookie before its body is read).
    slow = [open_slow_request(site, "/api/v1/apps") for _ in range(20)]
    stop = threading.Event()

    def dribble():
        while not stop.wait(0.5):
            for sock in slow:
                try:
                    sock.sendall(b"a")
                except OSError:
                    pass  # refused already: the server closed it

    dribbler = threading.Thread(target=dribble)
    dribbler.start()
    try:
        time.sleep(1)  # every slow request has reached the server and waits there
        assert httpx.get(f"{site}/health", timeout=5).status_code == 200
        assert httpx.get(f"{site}/public", timeout=5).status_code == 200
        app = {"client_name": "Meanwhile", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
        assert httpx.post(f"{site}/api/v1/apps", data=app, timeout=5).status_code == 200
        # That was while the attack was held, not after the slow requests were let go.
        assert not any(answered(sock) for sock in slow)
        assert [status_of(sock) for sock in slow] == [408] * 20
    finally:
        stop.set()
        dribbler.join()
        for sock in slow:
            sock.close()


def test_a_body_announced_larger_than_the_cap_is_refused_at_once(site):
    sock = open_slow_request(site, "/api/v1/apps", length=100 * 1024 * 1024)
    try:
        assert status_of(sock) == 413
    finally:
        sock.close()


def test_a_body_that_grows_past_the_cap_is_refused(site):
    def chunks():
        for _ in range(20):
            yield b"x" * 100_000  # two megabytes, chunked: no Content-Length announces it

    response = httpx.post(f"{site}/api/v1/apps", content=chunks(), headers={"Content-Type": "text/plain"}, timeout=10)
    assert response.status_code == 413


def test_a_large_body_under_the_cap_reaches_django_whole(site):
    body = {"client_name": "Big", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "padding": "x" * 900_000}
    response = httpx.post(f"{site}/api/v1/apps", content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["name"] == "Big"


def test_only_the_sites_own_host_is_answered(site):
    """No CHIRVIR_ALLOWED_HOSTS: CHIRVIR_URL's host (here the loopback address, under any of its names)."""
    assert httpx.get(f"{site}/public", headers={"Host": "evil.example"}).status_code == 400
    reset = httpx.post(f"{site}/password/reset", data={"email": "a@example.org"}, headers={"Host": "evil.example"})
    assert reset.status_code == 400
    port = site.rsplit(":", 1)[1]
    assert httpx.get(f"{site}/public", headers={"Host": f"localhost:{port}"}).status_code == 200
    assert httpx.get(f"{site}/public").status_code == 200


def test_headers_sent_a_line_at_a_time_are_cut_off_at_the_deadline(site):
    host, port = site.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=TIMEOUT + 10)  # Granian's default is 30 s
    try:
        sock.sendall(f"GET /health HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())  # and never the blank line
        try:
            sock.recv(4096)  # an answer or the end of the connection; a TimeoutError fails the test
        except ConnectionResetError:
            pass
    finally:
        sock.close()
