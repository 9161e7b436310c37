"""Uploaded images: decoded, checked, stripped of every piece of metadata, resized and encoded
again before anything is stored, so what Chirvir serves is an image it wrote itself, under a name
it chose, with the extension of the format it wrote. Avatars, headers and media attachments (with
a preview and a blurhash) use it, and so does a video's poster frame."""

import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from chirvir.core.errors import Invalid
from chirvir.media import blurhash

MAX_BYTES = 8 * 1024 * 1024
# Mastodon's limit (7680 x 4320). Checked on the size a file declares, before any pixel is decoded:
# a few kilobytes of PNG can declare gigabytes of pixels.
MAX_PIXELS = 33_177_600
# Formats accepted, as Pillow detects them from the bytes alone (never the file's name or the
# client's content type).
ACCEPTED = ("JPEG", "PNG", "GIF", "WEBP")
# What each is written as. GIF becomes PNG: the first frame only, losslessly. Pillow names a
# camera's JPEG that carries more pictures after the first (a phone's depth map) MPO.
WRITTEN_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The only files /media/ serves, and the type each is served as.
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
ACCEPT = "image/jpeg,image/png,image/gif,image/webp"  # for a file picker


@dataclass(frozen=True)
class Use:
    """What an image is for: where it is stored, the box it is shrunk into, and whether it is
    cut to a square first (apps draw avatars square)."""

    folder: str
    box: tuple[int, int]
    label: Promise  # how a message names it: "The avatar ..."
    square: bool = False


AVATAR = Use("avatars", (400, 400), gettext_lazy("The avatar"), square=True)
HEADER = Use("headers", (1500, 500), gettext_lazy("The header"))
# A picture in a post, and the preview timelines show of it (Mastodon's sizes: 1920 px and 640 px).
ATTACHMENT = Use("media", (1920, 1920), gettext_lazy("The picture"))
PREVIEW = Use("media", (640, 640), gettext_lazy("The picture"))


@dataclass(frozen=True)
class Encoded:
    """An image written again, not stored yet: every check has passed."""

    use: Use
    data: bytes
    extension: str
    size: tuple[int, int]  # width, height


@dataclass(frozen=True)
class Attachment:
    """A picture for a post, written again with its preview: every check has passed."""

    full: Encoded
    preview: Encoded
    blurhash: str


def encode(upload, use: Use) -> Encoded:
    """Decode an uploaded file and write it again for its use. Refused (Invalid): more than 8 MB,
    anything that is not a JPEG, PNG, GIF or WebP by its content, more than MAX_PIXELS pixels,
    and files that are truncated or damaged. EXIF orientation is applied; EXIF (GPS included),
    ICC profiles, comments and every other piece of metadata are left behind."""
    picture, written_as = _decode(upload, use)
    return _write(picture, written_as, use)


def encode_attachment(upload) -> Attachment:
    """A picture for a post, by `encode`'s rules, fitted into ATTACHMENT's box, with a PREVIEW
    made from the same decoded pixels and the blurhash of that preview."""
    picture, written_as = _decode(upload, ATTACHMENT)
    small = picture.copy()
    small.thumbnail(PREVIEW.box, Image.Resampling.LANCZOS)
    preview = _write(small, written_as, PREVIEW)
    return Attachment(_write(picture, written_as, ATTACHMENT), preview, blurhash.encode(small))


def is_animated(upload) -> bool:
    """Whether an upload is a GIF of more than one frame (media turn those into silent video)."""
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(upload.read(MAX_BYTES + 1)), formats=("GIF",)) as image:
            return getattr(image, "n_frames", 1) > 1
    except Exception:  # not a GIF, or not one Pillow can count: the picture rules decide
        return False
    finally:
        upload.seek(0)


def _decode(upload, use: Use) -> tuple[Image.Image, str]:
    """The checked pixels of an upload fitted to the use's box, and the format to write them in."""
    field = use.label
    if upload.size > MAX_BYTES:
        raise Invalid(_("%(field)s must be smaller than 8 MB.") % {"field": field})
    upload.seek(0)
    source = io.BytesIO(upload.read(MAX_BYTES + 1))
    try:
        image = Image.open(source, formats=ACCEPTED)
    except Image.DecompressionBombError as e:  # Pillow's own ceiling, far above ours
        raise Invalid(_too_large(field)) from e
    except Exception as e:  # Pillow says "not an image" in several ways (UnidentifiedImageError, SyntaxError...)
        raise Invalid(_("%(field)s must be a PNG, JPEG, GIF or WebP image.") % {"field": field}) from e
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Invalid(_too_large(field))
        written_as = WRITTEN_AS[image.format]
        try:
            picture = _redraw(image, use)
        except Exception as e:
            # A hostile or cut-off file fails inside a decoder, with whatever error that decoder
            # raises (OSError "truncated", ValueError, EOFError, zlib's...): all mean the same here.
            raise Invalid(_("%(field)s is damaged or incomplete.") % {"field": field}) from e
    return picture, written_as


def _write(picture: Image.Image, written_as: str, use: Use) -> Encoded:
    out = io.BytesIO()
    options = {"JPEG": {"quality": 88, "progressive": True}, "WEBP": {"quality": 88}, "PNG": {}}[written_as]
    picture.save(out, written_as, **options)
    return Encoded(use, out.getvalue(), EXTENSIONS[written_as], picture.size)


def _too_large(field) -> str:
    return _("%(field)s is too large: at most %(limit)d million pixels.") % {
        "field": field,
        "limit": MAX_PIXELS // 1_000_000,
    }


def _redraw(image: Image.Image, use: Use) -> Image.Image:
    """The pixels alone, turned upright and fitted to the use's box: a new image that carries
    nothing of the file but its picture."""
    # A JPEG decodes at a reduced scale where it can (other formats ignore this): a large photo
    # never fills memory.
    image.draft("RGB", (max(use.box),) * 2)
    image.load()
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    if use.square and image.width != image.height:
        side = min(image.size)
        image = ImageOps.fit(image, (side, side))
    image.thumbnail(use.box, Image.Resampling.LANCZOS)
    # Built from the pixels, so no info (EXIF, ICC, text chunks, XMP) travels from the upload.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def store(image: Encoded) -> str:
    """Store an encoded image under a new random name; the name, for the model's image field."""
    name = f"{image.use.folder}/{secrets.token_hex(16)}.{image.extension}"
    return default_storage.save(name, ContentFile(image.data))


def remove(*names: str) -> None:
    """Delete stored images that nothing refers to any more (a replaced avatar)."""
    for name in names:
        if name:
            default_storage.delete(name)
