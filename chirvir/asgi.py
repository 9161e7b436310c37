"""The embedded mode's one port: /api/v1/streaming goes to the Starlette streaming app, the
rest to Django's synchronous views through a2wsgi (faster here than Django's ASGI handler)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402

from chirvir.streaming.app import app as streaming  # noqa: E402
from chirvir.wsgi import application as django_wsgi  # noqa: E402

STREAMING_PREFIX = "/api/v1/streaming"
django = WSGIMiddleware(django_wsgi, workers=8)


async def application(scope, receive, send):
    if scope["type"] == "lifespan" or scope["type"] == "websocket" or scope["path"].startswith(STREAMING_PREFIX):
        await streaming(scope, receive, send)
    else:

        async def receive_coroutine():
            # a2wsgi hands receive() to run_coroutine_threadsafe, which takes coroutines only;
            # Granian's receive() returns another kind of awaitable.
            return await receive()

        await django(scope, receive_coroutine, send)
