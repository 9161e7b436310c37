"""/media/: the stored images, videos and sounds, served so that a browser can only ever treat one
as what Chirvir wrote, whatever bytes it holds: its type, no sniffing, and a policy with no
scripts, no subresources and a sandbox. A reverse proxy that serves /media/ itself must send the
same. A video or sound answers a byte range, as players seek with one."""

import re

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.views.decorators.http import require_safe

from chirvir.media import images, video

CONTENT_TYPES = {**images.CONTENT_TYPES, **video.CONTENT_TYPES}
RANGE = re.compile(r"bytes=(\d*)-(\d*)")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
# Folders and names as storage writes them; a segment never starts with a dot, so no "..".
NAME = re.compile(r"(?:[\w-][\w.-]*/)*[\w-][\w.-]*\.(?P<extension>[a-z0-9]+)")


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
    wanted = RANGE.fullmatch(request.headers.get("Range", "").strip())
    if wanted and match["extension"] in video.CONTENT_TYPES:
        response = _part(stored, wanted, content_type)
    else:
        response = FileResponse(stored, content_type=content_type, headers=HEADERS)
    # Names are random and never reused, so a copy may be kept for as long as anyone likes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Accept-Ranges"] = "bytes" if match["extension"] in video.CONTENT_TYPES else "none"
    return response


def _part(stored, wanted, content_type) -> HttpResponse:
    """One byte range of a stored file (206), or 416 if it lies outside it."""
    with stored:
        size = stored.size
        first, last = wanted.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        elif last:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        else:
            start, end = 0, -1
        if start > end or start >= size:
            return HttpResponse(status=416, headers={**HEADERS, "Content-Range": f"bytes */{size}"})
        stored.seek(start)
        data = stored.read(end - start + 1)
    response = HttpResponse(data, status=206, content_type=content_type, headers=HEADERS)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _missing() -> HttpResponse:
    # Plain text, not the site's page: nothing of the site's HTML under /media/.
    return HttpResponse("Not found", status=404, content_type="text/plain; charset=utf-8", headers=HEADERS)
