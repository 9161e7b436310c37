"""Use cases of media attachments: upload (a picture is written again at once; a video or audio
file is checked at once and written again afterwards, by a job or before answering), describe and
focus one, and the rules by which a post takes its media. What types and limits are taken is said
here once, for the instance document and the upload form alike."""

import secrets
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.queries import Prepared
from chirvir.media import images, video
from chirvir.media.models import EditedMedia, MediaAttachment, MediaType
from chirvir.statuses.models import Status, StatusEdit

MAX_ATTACHMENTS = 4  # Mastodon's
MAX_DESCRIPTION = 1500  # Mastodon's
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
ALONE = {MediaType.VIDEO, MediaType.AUDIO, MediaType.GIFV}
UNATTACHED_TTL = timedelta(days=1)  # as Mastodon's media clean-up: uploads no post took are removed


def supported_mime_types() -> list[str]:
    """The types uploads are taken in: video and audio only where ffmpeg is installed."""
    return [*IMAGE_TYPES, *((*video.VIDEO_TYPES, *video.AUDIO_TYPES) if video.available() else ())]


def limits() -> dict[str, int]:
    """The limits uploads are held to, as Mastodon's instance document names them (0: no video)."""
    with_video = video.available()
    return {
        "image_size_limit": images.MAX_BYTES,
        "image_matrix_limit": images.MAX_PIXELS,
        "video_size_limit": video.MAX_BYTES if with_video else 0,
        "video_frame_rate_limit": video.MAX_FRAME_RATE if with_video else 0,
        "video_matrix_limit": video.MAX_PIXELS if with_video else 0,
    }


def upload_media(
    owner: Account, upload, *, description: str = "", focus: str | None = None, wait: bool = True, thumbnail=None
):
    """Take an uploaded file as one of the owner's media, free for a post. What it is comes from
    its bytes alone: a JPEG, PNG, GIF or WebP picture is written again at once (images.py: EXIF
    and GPS dropped, turned upright, at most 1920 px, a 640 px preview and its blurhash); an MP4
    or WebM video, an animated GIF (as `gifv`, where ffmpeg is) or an MP3, Ogg, WAV or FLAC
    sound is checked by ffprobe at once and written again by ffmpeg (video.py) before this
    returns, or with `wait=False` by a job after commit, until which its file is empty. Invalid
    for anything else, and past any limit. A video or sound may bring its own `thumbnail`, a
    picture taken by the same rules, shown instead of the video's first frame (as on Mastodon;
    a picture is its own preview, and ignores one)."""
    description = _description(description)
    focus_x, focus_y = _focus(focus)
    if upload is None:
        raise Invalid(_("Choose a file to upload."))
    upload.seek(0)
    container = video.container(upload.read(16))
    upload.seek(0)
    if container is None and upload.size <= images.MAX_BYTES and video.available() and images.is_animated(upload):
        container = "gif"  # played as a silent looping video, as Mastodon's gifv
    if container is None:
        picture = images.encode_attachment(upload)
        return MediaAttachment.objects.create(
            account=owner,
            type=MediaType.IMAGE,
            file=images.store(picture.full),
            thumbnail=images.store(picture.preview),
            blurhash=picture.blurhash,
            meta={"original": _dimensions(*picture.full.size), "small": _dimensions(*picture.preview.size)},
            description=description,
            focus_x=focus_x,
            focus_y=focus_y,
        )
    video.refuse_without_ffmpeg()
    poster = images.encode_attachment(thumbnail) if thumbnail is not None else None
    if upload.size > video.MAX_BYTES:
        raise Invalid(
            _("A video or audio file must be smaller than %(limit)d MB.") % {"limit": video.MAX_BYTES // 2**20}
        )
    with tempfile.TemporaryDirectory(prefix="chirvir-media-") as folder:
        path = Path(folder) / "upload"
        with open(path, "wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                out.write(chunk)
        found = video.probe(path, container)
        # Kept until processed under a name /media/ never serves (its extension is no type's).
        with open(path, "rb") as kept:
            original = default_storage.save(f"incoming/{secrets.token_hex(16)}.{container}.upload", File(kept))
    media = MediaAttachment.objects.create(
        account=owner,
        type=MediaType.GIFV if container == "gif" else MediaType.VIDEO if found.kind == "video" else MediaType.AUDIO,
        original=original,
        thumbnail=images.store(poster.preview) if poster else "",
        blurhash=poster.blurhash if poster else "",
        meta={"small": _dimensions(*poster.preview.size)} if poster else {},
        description=description,
        focus_x=focus_x,
        focus_y=focus_y,
    )
    if wait:
        process_media(media.id)
    else:
        from chirvir.media.tasks import processing_job  # the job module imports this one

        transaction.on_commit(lambda: processing_job(media.id))
    media.refresh_from_db()  # as it is now: a job that runs at once may have processed it
    return media


def process_media(media_id: int) -> None:
    """Write a waiting video or audio upload again (ffmpeg), with a video's poster as its preview,
    and forget the upload. Idempotent: media processed already, or gone, is left as it is. A file
    ffmpeg cannot read keeps its reason in `error`, for the uploader's next look."""
    media = MediaAttachment.objects.filter(id=media_id).first()
    if media is None or media.processed or not media.original:
        return
    container = media.original.rsplit(".", 2)[-2]
    with tempfile.TemporaryDirectory(prefix="chirvir-media-") as folder:
        source = Path(folder) / "upload"
        with default_storage.open(media.original, "rb") as stored, open(source, "wb") as out:
            shutil.copyfileobj(stored, out)
        try:
            found = video.probe(source, container)
            written, poster = video.transcode(source, container, found, Path(folder))
            served = video.written(written)
            still = None
            if poster is not None:
                with open(poster, "rb") as frame:
                    still = images.encode_attachment(File(frame, name="poster.jpg"))
        except Invalid as e:
            MediaAttachment.objects.filter(id=media.id).update(error=str(e), original="")
            default_storage.delete(media.original)
            return
        with open(written, "rb") as out:
            media.file = default_storage.save(f"media/{secrets.token_hex(16)}{written.suffix}", File(out))
    chosen = media.meta.get("small") if media.thumbnail else None  # the uploader's own thumbnail stays
    if still is not None and not chosen:
        media.thumbnail = images.store(still.preview)
        media.blurhash = still.blurhash
    media.meta = _av_meta(served, still)
    if chosen:
        media.meta["small"] = chosen
    default_storage.delete(media.original)
    media.original = ""
    media.save(update_fields=["file", "thumbnail", "blurhash", "meta", "original"])


def get_media(owner: Account, media_id) -> MediaAttachment:
    """One of the owner's own media; NotFound for anyone else's."""
    media = MediaAttachment.objects.filter(id=parse_id(media_id) or 0, account=owner).first()
    if media is None:
        raise NotFound(_("That media does not exist."))
    return media


def update_media(owner: Account, media_id, *, description: str | None = None, focus: str | None = None):
    """Change the description or focus of one's media that no post has taken yet (as Mastodon,
    which changes a posted one's through an edit of the post)."""
    media = get_media(owner, media_id)
    if media.status_id is not None:
        raise NotFound(_("That media does not exist."))
    if description is not None:
        media.description = _description(description)
    if focus is not None:
        media.focus_x, media.focus_y = _focus(focus)
    media.save(update_fields=["description", "focus_x", "focus_y"])
    return media


def attachable(author: Account, media_ids, status: Status | None = None) -> list[MediaAttachment]:
    """The media a post by `author` may take, in the order given: at most MAX_ATTACHMENTS, the
    author's own, processed, and taken by no other post (an edited `status` keeps its own); a
    video or audio file goes alone."""
    ids = list(dict.fromkeys(parse_id(i) for i in media_ids))
    if not ids:
        return []  # most posts carry none: no query to build
    if len(ids) > MAX_ATTACHMENTS:
        raise Invalid(_("A post may have at most %(limit)d media attachments.") % {"limit": MAX_ATTACHMENTS})
    found = {m.id: m for m in MediaAttachment.objects.filter(id__in=[i for i in ids if i], account=author)}
    media = [found.get(i) for i in ids]
    if any(m is None or m.status_id not in (None, status and status.id) for m in media):
        raise Invalid(_("Validation failed: media that is not yours, or is attached to another post."))
    if any(not m.processed for m in media):
        raise Invalid(_("Cannot attach files that have not finished processing. Try again in a moment!"))
    if len(media) > 1 and any(m.type in ALONE for m in media):
        raise Invalid(_("A video or audio file cannot share a post with other media."))
    return media


def attach(status: Status, media: list[MediaAttachment]) -> None:
    """Make the status carry exactly these media, in this order; any it carried before go free."""
    release(status, keep=[m.id for m in media])
    for position, m in enumerate(media):
        MediaAttachment.objects.filter(id=m.id).update(status=status, position=position, detached_at=None)


def release(status: Status, keep=()) -> None:
    """Let the status's media go (but those in `keep`): free again for a post, as "delete and
    redraft" needs, and removed a day later if no post takes them."""
    gone = MediaAttachment.objects.filter(status=status).exclude(id__in=list(keep))
    gone.update(status=None, detached_at=timezone.now())


def keep_for_history(version: StatusEdit, media_ids) -> None:
    """Remember which media, in order, an earlier version of a post carried."""
    EditedMedia.objects.bulk_create(
        [EditedMedia(edit=version, media_id=media_id, position=at) for at, media_id in enumerate(media_ids)]
    )


# Every page of posts asks it: compiled once (chirvir/core/queries.py), read afresh each time.
_OF_STATUSES = Prepared(
    lambda ids: MediaAttachment.objects.filter(status_id__in=ids).order_by("status_id", "position", "id")
)


def attachments_of(status_ids) -> dict[int, list[MediaAttachment]]:
    """The media each of these posts carries, in order, by the post's ID (none: an empty list)."""
    held: dict[int, list[MediaAttachment]] = {i: [] for i in status_ids}
    for m in _OF_STATUSES(sorted(held)):
        held[m.status_id].append(m)
    return held


def media_of_versions(versions: list[StatusEdit]) -> dict[int, list[MediaAttachment]]:
    """The media each stored version of a post carried, by the version's ID."""
    held: dict[int, list[MediaAttachment]] = {}
    for row in EditedMedia.objects.filter(edit__in=[v for v in versions if v.pk]).select_related("media"):
        held.setdefault(row.edit_id, []).append(row.media)
    return held


def remove_unattached(now=None) -> int:
    """Remove media that no post has held for a day (from its upload or its release), and that
    no earlier version of a post shows, with its files; returns how many went."""
    cutoff = (now or timezone.now()) - UNATTACHED_TTL
    in_history = EditedMedia.objects.filter(media=OuterRef("pk"))
    stale = MediaAttachment.objects.filter(status__isnull=True, created_at__lt=cutoff).filter(
        Q(detached_at__isnull=True) | Q(detached_at__lt=cutoff)
    )
    removed = 0
    for media in stale.exclude(Exists(in_history)).iterator():
        for name in (media.file.name, media.thumbnail.name, media.original):
            if name:
                default_storage.delete(name)
        removed += MediaAttachment.objects.filter(id=media.id, status__isnull=True).delete()[0]
    return removed


def _description(description) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(_("The description is at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION})
    return description


def _focus(focus) -> tuple[float, float]:
    """Mastodon's focal point "x,y", each from -1.0 to 1.0 (the centre is 0,0)."""
    if focus in (None, ""):
        return 0.0, 0.0
    try:
        x, y = (float(part) for part in str(focus).split(","))
    except ValueError:
        raise Invalid(_("The focus must be two numbers from -1 to 1, such as 0.5,-0.2.")) from None
    if not (-1 <= x <= 1 and -1 <= y <= 1):
        raise Invalid(_("The focus must be two numbers from -1 to 1, such as 0.5,-0.2."))
    return x, y


def _dimensions(width: int, height: int) -> dict:
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": round(width / height, 4)}


def _av_meta(found: video.Probe, still: images.Attachment | None) -> dict:
    """Mastodon's meta of a video or sound: its length, and a video's size, frame rate and poster."""
    minutes, seconds = divmod(found.duration, 60)
    hours, minutes = divmod(int(minutes), 60)
    meta = {"length": f"{hours}:{minutes:02d}:{seconds:05.2f}", "duration": round(found.duration, 3)}
    original = {"duration": round(found.duration, 3)}
    if found.kind == "video":
        fps = round(found.frame_rate)
        meta.update(fps=fps, **_dimensions(found.width, found.height))
        original.update(width=found.width, height=found.height, frame_rate=f"{fps}/1")
    meta["original"] = original
    if still is not None:
        meta["small"] = _dimensions(*still.preview.size)
    return meta
