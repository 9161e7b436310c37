"""The server's VAPID key pair (RFC 8292), which signs every push request and which apps read in
the instance document: from settings, else made once in the data directory and kept, because a
new key would orphan every subscription made with the old one."""

import base64
import functools
import os

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02

KEY_FILE = "vapid_private_key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    """Base64 either way apps send it: standard with padding (Mastodon.py) or base64url without (browsers)."""
    text = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _stored_private_key() -> str:
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY
    path = settings.DATA_DIR / KEY_FILE
    if not path.exists():
        key = Vapid02()
        key.generate_keys()
        raw = key.private_key.private_numbers().private_value.to_bytes(32, "big")
        # Written whole, then linked in place: of two processes making it at once, the first link
        # wins and both read the same key, never a half-written file.
        draft = path.with_name(f"{KEY_FILE}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(b64url(raw))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@functools.cache
def server_key() -> Vapid02:
    return Vapid02.from_raw(_stored_private_key().encode())


def public_key() -> str:
    """The public key as apps expect it: base64url of the uncompressed P-256 point."""
    point = server_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)
