"""The live streaming side (Starlette), kept apart from Django as DESIGN decision 1 says. Its
WebSocket and SSE streams arrive with the API issue; for now it answers its health check."""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def health(request):
    return PlainTextResponse("OK")


app = Starlette(routes=[Route("/api/v1/streaming/health", health)])
