"""Clips the media tests make with ffmpeg: a second of test picture and tone, tagged with metadata
that must not survive (a title and a place)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg is not installed here (CI's .ci/run installs it, so these run there)",
)
SECRET = "Secret garden at 43.25N 5.37E"


def clip(folder: Path, name: str, *, size: str = "320x240", seconds: float = 1, audio_only: bool = False) -> bytes:
    """A clip of `seconds` in the container and codecs its name's extension says."""
    out = folder / name
    codecs = {
        ".mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
        ".webm": ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "200k", "-c:a", "libopus"],
        ".ogg": ["-c:a", "libopus"],
        ".mp3": ["-c:a", "libmp3lame"],
    }[out.suffix]
    picture = [] if audio_only else ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]
    sound = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    tags = ["-metadata", f"title={SECRET}", "-metadata", "location=+43.25+005.37/"]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *picture, *sound, *tags, *codecs, "-shortest", str(out)],
        check=True,
        timeout=120,
    )
    return out.read_bytes()


def probe(data: bytes, folder: Path) -> dict:
    """What ffprobe says of served bytes: its format's tags and its streams."""
    path = folder / "served"
    path.write_bytes(data)
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True, check=True, timeout=60,
    )
    return json.loads(found.stdout)
