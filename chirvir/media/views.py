"""/media/: the stored images, served so that a browser can only ever treat one as an image,
whatever bytes it holds: its image type, no sniffing, and a policy with no scripts, no
subresources and a sandbox. A reverse proxy that serves /media/ itself must send the same."""

import re

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.views.decorators.http import require_safe

from chirvir.media.images import CONTENT_TYPES

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
# Folders and names as storage writes them; a segment never starts with a dot, so no "..".
NAME = re.compile(r"(?:[\w-][\w.-]*/)*[\w-][\w.-]*\.(?P<extension>[a-z]+)")


@require_safe
def serve(request, path):
    match = NAME.fullmatch(path)
    content_type = CONTENT_TYPES.get(match["extension"]) if match else None
    if content_type is None:
        return _missing()
    try:
        stored = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        return _missing()
    # Names are random and never reused, so a copy may be kept for as long as anyone likes.
    response = FileResponse(stored, content_type=content_type, headers=HEADERS)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _missing() -> HttpResponse:
    # Plain text, not the site's page: nothing of the site's HTML under /media/.
    return HttpResponse("Not found", status=404, content_type="text/plain; charset=utf-8", headers=HEADERS)
