"""A push service on 127.0.0.1 for the tests, as a phone's would be: it takes what Chirvir
POSTs, answers what the test tells it to (201 by default), and, holding the subscription's
private keys, checks the VAPID signature and decrypts each message as the app would."""

import base64
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from mastodon import Mastodon
from py_vapid import jwt


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Push:
    path: str
    headers: dict
    body: bytes
    at: float = field(default_factory=time.monotonic)


class PushService:
    def __init__(self):
        self.received: "queue.Queue[Push]" = queue.Queue()
        self.answers: list[int] = []  # statuses to answer first, in order; then 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.put(Push(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = service.answers.pop(0) if service.answers else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def next(self, timeout: float = 20) -> Push:
        return self.received.get(timeout=timeout)

    def nothing_more(self, wait: float = 1.5) -> bool:
        try:
            self.received.get(timeout=wait)
        except queue.Empty:
            return True
        return False

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def open_push(app: Mastodon, push: Push, private: dict, server_key: str, origin: str) -> dict:
    """Check the push's VAPID signature (by the server's key, for this push service, not expired)
    and decrypt it with the subscription's keys, in whichever encoding it came: the payload."""
    encoding = push.headers["content-encoding"]
    if encoding == "aes128gcm":
        scheme, _space, rest = push.headers["authorization"].partition(" ")
        assert scheme == "vapid"
        parts = dict(part.strip().split("=", 1) for part in rest.split(","))
        token, key = parts["t"], parts["k"]
        plain = http_ece.decrypt(
            push.body,
            private_key=ec.derive_private_key(private["privkey"], ec.SECP256R1()),
            auth_secret=private["auth"],
            version="aes128gcm",
        )
    else:
        assert encoding == "aesgcm"
        scheme, _space, token = push.headers["authorization"].partition(" ")
        assert scheme == "WebPush"
        key = push.headers["crypto-key"].split("p256ecdsa=")[1].split(";")[0]
        decrypted = app.push_subscription_decrypt_push(
            push.body, private, push.headers["encryption"], push.headers["crypto-key"]
        )
        plain = json.dumps(decrypted, default=str).encode()
    assert key == server_key
    claims = jwt.decode(token, key)  # raises unless the server's key signed it
    assert claims["aud"] == origin and claims["exp"] > time.time() and claims["sub"]
    return json.loads(plain)
