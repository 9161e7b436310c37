"""Uploaded video and audio, through Debian's ffmpeg: the container recognised from its first
bytes (never the name or the declared type), probed by ffprobe for its streams, size and duration,
then written again (video as MP4 with H.264 and AAC, audio as MP3) with every piece of metadata
dropped, and a video's first frame taken as its poster. Without ffmpeg on PATH, video and audio
are refused with a message saying so."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from chirvir.core.errors import Invalid

MAX_BYTES = 32 * 1024 * 1024  # under the request body's own cap (CHIRVIR_MAX_BODY_MB, 40 by default)
MAX_PIXELS = 1920 * 1080  # a frame's width x height
MAX_FRAME_RATE = 60
MAX_SECONDS = 300
# What ffmpeg is told to read each recognised container as. Naming the demuxer keeps ffmpeg from
# guessing, and from formats that open other files or URLs (playlists, concat lists).
CONTAINERS = {"mp4": "mov", "webm": "matroska", "mp3": "mp3", "ogg": "ogg", "wav": "wav", "flac": "flac", "gif": "gif"}
VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm")
AUDIO_TYPES = ("audio/mpeg", "audio/mp3", "audio/ogg", "audio/wav", "audio/flac", "audio/x-flac")
# What /media/ serves of what is written here.
CONTENT_TYPES = {"mp4": "video/mp4", "mp3": "audio/mpeg"}
TIMEOUT = 300  # seconds for one ffmpeg run: a hostile file cannot hold a worker for ever


def available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def container(head: bytes) -> str | None:
    """The container these first bytes begin, among CONTAINERS, or None."""
    if head[4:8] == b"ftyp":
        # The same box begins HEIF and AVIF pictures, which are not taken.
        return None if head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"} else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


@dataclass(frozen=True)
class Probe:
    """What ffprobe found: a video stream's size and frame rate (none for audio), the duration."""

    kind: str  # "video" or "audio"
    width: int
    height: int
    frame_rate: float
    duration: float


def refuse_without_ffmpeg() -> None:
    if not available():
        raise Invalid(_("This server cannot take video or audio: ffmpeg is not installed on it."))


def probe(path: Path, name: str) -> Probe:
    """Check a stored upload of the container `name` by its streams. Invalid: no picture or sound
    in it, damaged, longer than MAX_SECONDS, frames over MAX_PIXELS or faster than MAX_FRAME_RATE."""
    refuse_without_ffmpeg()
    found = _run(
        ["ffprobe", "-v", "error", "-protocol_whitelist", "file", "-f", CONTAINERS[name], "-print_format", "json",
         "-show_format", "-show_streams", str(path)]
    )
    try:
        info = json.loads(found.stdout or b"{}")
    except ValueError:
        info = {}
    streams = info.get("streams") or []
    # A cover picture inside a sound file is a "video" stream too; it is not a picture that moves.
    pictures = [
        s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    sounds = [s for s in streams if s.get("codec_type") == "audio"]
    if found.returncode != 0 or not (pictures or sounds):
        raise Invalid(_("The video or audio file is damaged or incomplete."))
    duration = _number(info.get("format", {}).get("duration"))
    if duration > MAX_SECONDS:
        raise Invalid(_("The video or audio is too long: at most %(limit)d seconds.") % {"limit": MAX_SECONDS})
    if not pictures:
        return Probe("audio", 0, 0, 0.0, duration)
    picture = pictures[0]
    width, height = int(picture.get("width") or 0), int(picture.get("height") or 0)
    if not width or not height:
        raise Invalid(_("The video or audio file is damaged or incomplete."))
    if width * height > MAX_PIXELS:
        raise Invalid(
            _("The video is too large: at most %(width)d x %(height)d pixels.") % {"width": 1920, "height": 1080}
        )
    frame_rate = _rate(picture.get("avg_frame_rate")) or _rate(picture.get("r_frame_rate"))
    if frame_rate > MAX_FRAME_RATE:
        raise Invalid(_("The video has too many frames a second: at most %(limit)d.") % {"limit": MAX_FRAME_RATE})
    return Probe("video", width, height, frame_rate, duration)


def transcode(source: Path, name: str, found: Probe, folder: Path) -> tuple[Path, Path | None]:
    """Write the upload again into `folder`: the file (MP4 or MP3) and a video's poster (a JPEG of
    its first frame, for images.py to write again), or None for audio. Invalid if ffmpeg fails."""
    refuse_without_ffmpeg()
    reading = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-protocol_whitelist", "file", "-f", CONTAINERS[name]]
    # Nothing but the first picture and sound: no metadata, chapters, subtitles or data streams.
    dropping = ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    if found.kind == "video":
        out = folder / "video.mp4"
        command = [
            *reading, "-i", str(source), "-map", "0:v:0", "-map", "0:a:0?", *dropping,
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:a", "aac", "-b:a", "128k", "-ac", "2",
            "-movflags", "+faststart", "-f", "mp4", str(out),
        ]
    else:
        out = folder / "audio.mp3"
        command = [
            *reading, "-i", str(source), "-map", "0:a:0", *dropping, "-c:a", "libmp3lame", "-b:a", "192k",
            "-write_xing", "1", "-id3v2_version", "0", "-f", "mp3", str(out),
        ]
    if _run(command).returncode != 0 or not out.exists():
        raise Invalid(_("The video or audio file is damaged or incomplete."))
    if found.kind != "video":
        return out, None
    poster = folder / "poster.jpg"
    made = _run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(out), "-frames:v", "1", "-f", "image2",
                 "-c:v", "mjpeg", str(poster)])
    return out, poster if made.returncode == 0 and poster.exists() else None


def written(path: Path) -> Probe:
    """The probe of a file transcode wrote (its size and duration as served)."""
    return probe(path, "mp4" if path.suffix == ".mp4" else "mp3")


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        raise Invalid(_("The video or audio took too long to process.")) from e


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rate(value) -> float:
    """ffprobe's "30000/1001" as a number of frames a second."""
    top, _slash, bottom = str(value or "0/0").partition("/")
    try:
        return float(top) / float(bottom or 1)
    except (ValueError, ZeroDivisionError):
        return 0.0
