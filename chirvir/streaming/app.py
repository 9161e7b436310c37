"""The live streaming side (Starlette), kept apart from Django (docs/decisions.md says why): Mastodon's
streaming API over SSE (`/api/v1/streaming/<stream>`) and a multiplexed WebSocket
(`/api/v1/streaming`), fed by the event bus through this process's hub (hub.py), each event
gated and rendered for its subscriber (streams.py). A connection whose token or session stops
letting it in is closed. `chirvir streaming` serves it alone."""

import asyncio
import logging
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")
django.setup()

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.middleware.cors import CORSMiddleware  # noqa: E402
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse  # noqa: E402
from starlette.routing import Route, WebSocketRoute  # noqa: E402
from starlette.websockets import WebSocket  # noqa: E402

from chirvir.api.base import TRUE  # noqa: E402
from chirvir.core.addresses import client_address  # noqa: E402
from chirvir.moderation import blocks  # noqa: E402
from chirvir.oauth.services import token_of  # noqa: E402
from chirvir.streaming import streams  # noqa: E402
from chirvir.streaming.hub import END, Connection, Subscription, hub  # noqa: E402
from chirvir.streaming.streams import Refused  # noqa: E402

logger = logging.getLogger(__name__)
# Mastodon's 15 seconds keep proxies from closing an idle stream; tests ask for less.
HEARTBEAT_SECONDS = settings.STREAMING_HEARTBEAT
# The WebSocket close code and reason for a connection whose token or session ended.
ENDED = (1008, "The access token or session is no longer valid")
SSE_STREAMS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
    "list": "list",
    "direct": "direct",
}


async def health(request):
    return PlainTextResponse("OK", headers={"Cache-Control": "no-store"})


def _error(refused: Refused) -> JSONResponse:
    return JSONResponse({"error": refused.message}, status_code=refused.status)


async def _refuse_blocked(connection) -> None:
    """A no_access IP block (chirvir.moderation) refuses a stream as Django's middleware refuses
    every other request: the address by the one rule, core.addresses.client_address."""
    meta = {"REMOTE_ADDR": connection.client.host if connection.client else ""}
    if "x-forwarded-for" in connection.headers:
        meta["HTTP_X_FORWARDED_FOR"] = connection.headers["x-forwarded-for"]
    request = type("Peer", (), {"META": meta})
    if await streams.in_thread(blocks.refused_everything, client_address(request)):
        raise Refused(403, "Access from this address is blocked.")


async def sse(request):
    name = SSE_STREAMS.get(request.path_params["path"].strip("/"))
    if name is None:
        return _error(Refused(400, "Unknown channel requested"))
    if name.startswith("public") and request.query_params.get("only_media", "").lower() in TRUE:
        name += ":media"
    try:
        await _refuse_blocked(request)
        token = token_of(request.headers, request.query_params)
        if token is None and request.cookies:
            credentials = await streams.in_thread(streams.session_credentials, request.cookies, request.headers)
        else:
            credentials = await streams.in_thread(streams.authenticate, token)
        stream = await streams.in_thread(streams.open_stream, credentials, name, request.query_params)
    except Refused as refused:
        return _error(refused)
    lines = _sse_lines(credentials, stream)
    return StreamingResponse(lines, media_type="text/event-stream", headers={"Cache-Control": "no-store"})


async def _sse_lines(credentials, stream):
    """Mastodon's wire format: `:)` once subscribed, a `:thump` comment when idle, and each event
    as `event:` and `data:` lines (JSON on one line, a bare ID for deletions) and a blank line.
    The response ends when the credentials do."""
    account = credentials.account if credentials else None
    connection = Connection(credentials, asyncio.Queue())
    subscription = Subscription(stream.name, stream.keys, connection.inbox)
    await hub.connect(connection)
    await hub.add(subscription)
    try:
        yield ":)\n"
        while True:
            try:
                item = await asyncio.wait_for(connection.inbox.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ":thump\n"
                continue
            if item is END:
                return
            _subscription, event = item
            payload = await _render(account, event, stream.name[0])
            if payload is not None:
                yield f"event: {event.name}\ndata: {payload}\n\n"
    finally:
        hub.remove(subscription)
        hub.disconnect(connection)


async def _render(account, event, stream_name: str) -> str | None:
    try:
        return await streams.render(account, event, stream_name)
    except Exception:
        # One event that fails to render must not end the subscriber's stream.
        logger.exception("Rendering live event %s failed", event.id)
        return None


async def not_here(request):
    # Mastodon's web host redirects a plain GET of this address to its streaming host; this is
    # the streaming host, so there is nothing here but the WebSocket.
    return JSONResponse({"error": "Not found"}, status_code=404)


class Socket:
    """One multiplexed WebSocket: the streams it subscribed to, and the one inbox their events
    reach it through, so frames leave in the bus's order and one at a time. Its heartbeat is
    the server's WebSocket ping: ASGI gives an application no way to send one."""

    def __init__(self, websocket: WebSocket, credentials):
        self.websocket = websocket
        self.credentials = credentials
        self.account = credentials.account if credentials else None
        self.connection = Connection(credentials, asyncio.Queue())
        self.inbox = self.connection.inbox
        self.subscriptions: dict[tuple, Subscription] = {}

    async def run(self) -> None:
        """Until the client leaves, or its credentials end (the sender returns), which closes it."""
        await hub.connect(self.connection)
        sender = asyncio.create_task(self._send())
        tasks = [sender]
        try:
            if self.websocket.query_params.get("stream"):
                await self.subscribe(self.websocket.query_params["stream"], self.websocket.query_params)
            tasks.append(asyncio.create_task(self._receive()))
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hub.disconnect(self.connection)
            for subscription in self.subscriptions.values():
                hub.remove(subscription)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        # Closed once the receiver has stopped: under Granian, a close sent while another task
        # awaits receive() hung until the client sent something.
        if sender.done() and not sender.cancelled() and sender.exception() is None:
            await self.websocket.close(*ENDED)

    async def _receive(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is None:
                await self.websocket.close(1003, "Binary messages are not understood")
                return
            try:
                command = orjson.loads(message["text"])
            except orjson.JSONDecodeError:
                continue  # as Mastodon does: a message that is not JSON is ignored
            if not isinstance(command, dict):
                continue
            stream = command.get("stream")
            stream = stream[0] if isinstance(stream, list) and stream else stream
            if command.get("type") == "subscribe":
                await self.subscribe(stream, command)
            elif command.get("type") == "unsubscribe":
                await self.unsubscribe(stream, command)

    async def subscribe(self, name, params) -> None:
        try:
            stream = await streams.in_thread(streams.open_stream, self.credentials, name, params)
        except Refused as refused:
            self.inbox.put_nowait({"error": refused.message, "status": refused.status})
            return
        # One subscription per stream and bus keys: subscribing twice changes nothing.
        if (stream.name[0], stream.keys) in self.subscriptions:
            return
        subscription = Subscription(stream.name, stream.keys, self.inbox)
        self.subscriptions[stream.name[0], stream.keys] = subscription
        await hub.add(subscription)

    async def unsubscribe(self, name, params) -> None:
        try:
            stream = await streams.in_thread(streams.open_stream, self.credentials, name, params)
        except Refused:
            self.inbox.put_nowait({"error": "Error unsubscribing from channel"})
            return
        subscription = self.subscriptions.pop((stream.name[0], stream.keys), None)
        if subscription is not None:
            hub.remove(subscription)

    async def _send(self) -> None:
        while True:
            item = await self.inbox.get()
            if item is END:
                return
            if isinstance(item, dict):  # an error, for the client's last command
                await self.websocket.send_text(orjson.dumps(item).decode())
                continue
            subscription, event = item
            payload = await _render(self.account, event, subscription.stream[0])
            if payload is not None:
                frame = {"stream": subscription.stream, "event": event.name, "payload": payload}
                await self.websocket.send_text(orjson.dumps(frame).decode())


async def websocket(websocket: WebSocket):
    token = token_of(websocket.headers, websocket.query_params, websocket=True)
    try:
        await _refuse_blocked(websocket)
        credentials = await streams.in_thread(streams.authenticate, token)
    except Refused as refused:
        # Mastodon answers the handshake with the HTTP error; a server that cannot says 403.
        if "websocket.http.response" in websocket.scope.get("extensions", {}):
            await websocket.send_denial_response(_error(refused))
        else:
            await websocket.close(1008, refused.message)
        return
    # A browser sends the token as the subprotocol and accepts only an answer that names it.
    offered = websocket.headers.get("sec-websocket-protocol")
    await websocket.accept(subprotocol=token if offered and offered.strip() == token else None)
    await Socket(websocket, credentials).run()


app = Starlette(
    routes=[
        Route("/api/v1/streaming/health", health),
        WebSocketRoute("/api/v1/streaming", websocket),
        WebSocketRoute("/api/v1/streaming/", websocket),
        Route("/api/v1/streaming", not_here),
        Route("/api/v1/streaming/{path:path}", sse),
    ],
    # Browser apps on other sites read the SSE streams with a token, never cookies, as Mastodon allows.
    middleware=[
        Middleware(CORSMiddleware, allow_origins=["*"], allow_headers=["Authorization", "Accept", "Cache-Control"])
    ],
)
