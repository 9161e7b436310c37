"""The embedded mode's one port: /api/v1/streaming goes to the Starlette streaming app, the
rest to Django's synchronous views through a2wsgi (faster here than Django's ASGI handler), each
request's body read whole first, under a deadline and a size cap."""

import asyncio
import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402

from chirvir.streaming.app import app as streaming  # noqa: E402
from chirvir.wsgi import application as django_wsgi  # noqa: E402

STREAMING_PREFIX = "/api/v1/streaming"
django = WSGIMiddleware(django_wsgi, workers=8)
# A body up to this size waits in memory; a larger one (an upload) in a temporary file.
IN_MEMORY = 256 * 1024
CHUNK = 64 * 1024


class ClientGone(Exception):
    """The client closed the connection before its body was whole: nobody is left to answer."""


async def application(scope, receive, send):
    if scope["type"] == "lifespan" or scope["type"] == "websocket" or scope["path"].startswith(STREAMING_PREFIX):
        await streaming(scope, receive, send)
        return
    body = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
    try:
        refusal = await _read_body(scope, receive, body)
        if refusal:
            await _refuse(send, *refusal)
        else:
            await django(scope, _replay(body), send)
    except ClientGone:
        pass
    finally:
        body.close()


async def _read_body(scope, receive, body) -> tuple[int, str] | None:
    """Read the whole body into `body` before Django sees the request: a2wsgi would otherwise
    read it from one of its 8 threads, and 8 clients sending a byte now and then would hold
    them all, and every page with them. Returns why the body is refused, or None.

    The body must come within REQUEST_TIMEOUT seconds, plus one second for each 64 KiB that
    arrives (a large upload over a slow link still gets through)."""
    limit = settings.MAX_REQUEST_BODY
    announced = _content_length(scope)
    if announced is not None and announced > limit:
        return 413, "Request Entity Too Large"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.REQUEST_TIMEOUT
    size = 0
    while True:
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            return 408, "Request Timeout"
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return 413, "Request Entity Too Large"
        body.write(chunk)
        deadline += len(chunk) / CHUNK
        if not message.get("more_body", False):
            return None


def _content_length(scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body):
    """The receive() that a2wsgi's threads call: the buffered body again, a chunk at a time.
    A coroutine function, because a2wsgi hands receive() to run_coroutine_threadsafe."""

    async def receive():
        chunk = body.read(CHUNK)
        return {"type": "http.request", "body": chunk, "more_body": body.tell() < size}

    size = body.seek(0, os.SEEK_END)
    body.seek(0)
    return receive


async def _refuse(send, status: int, reason: str) -> None:
    text = f"{status} {reason}\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(text)).encode())]
    # The rest of the body is not read, so the connection cannot carry another request.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})
