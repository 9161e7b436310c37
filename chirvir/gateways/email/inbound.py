"""Mail that `chirvir smtpd` received, turned into a post: the plain-text part (or HTML-only mail
as text), decoded by its declared charset, without the signature and the quoted reply, with its
pictures, videos and sounds as media; a reply when sent to a notification's reply address. Any
refusal is a `Refused` with its SMTP reply, and leaves nothing behind."""

import email
import email.policy
import logging
import re
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation

from chirvir.core.errors import DomainError
from chirvir.gateways.email import addresses
from chirvir.media import services as media
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status

MEDIA_TYPES = ("image", "video", "audio")
log = logging.getLogger(__name__)


class Refused(Exception):
    """A mail not taken: the SMTP reply says why (code, enhanced status, words)."""

    def __init__(self, code: int, status: str, words: str):
        super().__init__(words)
        self.reply = f"{code} {status} {_ascii(words)}"


def _ascii(words: str) -> str:
    # An SMTP reply line is ASCII (RFC 5321) and one line.
    return " ".join(str(words).split()).encode("ascii", "replace").decode()


def receive(rcpt: str, mail_from: str, content: bytes) -> str:
    """Take one mail for one recipient address; returns the SMTP reply (250 when posted)."""
    with translation.override("en"):  # replies go to mail servers and bounce messages
        try:
            return _receive(rcpt, mail_from, content)
        except Refused as e:
            return e.reply
        except Exception:
            # Our fault, not the mail's (a database that is away): the sender's server tries again later.
            log.exception("a mail to %s could not be taken", rcpt)
            return "451 4.3.0 Not taken for now; please try again later."


def _receive(rcpt: str, mail_from: str, content: bytes) -> str:
    to = addresses.recipient(rcpt)
    if to is None:
        raise Refused(550, "5.1.1", "No such address here, or it was replaced by a new one.")
    message = email.message_from_bytes(content, policy=email.policy.default)
    if to.action == "unsubscribe":
        addresses.unsubscribe(to.account, to.kind)
        return "250 2.0.0 Unsubscribed: no more of these e-mails."
    automatic = str(message.get("Auto-Submitted", "no")).strip().lower()
    bulk = str(message.get("Precedence", "")).strip().lower() in ("bulk", "junk", "list")
    if mail_from in ("", "<>") or automatic != "no" or bulk:
        # A bounce, a vacation reply or a mailing list would post itself, and could loop with us.
        raise Refused(550, "5.7.1", "Automatic mail (bounces, out-of-office replies) is not posted.")
    text = post_text(message)
    attachments = list(media_parts(message))
    if not text and not attachments:
        raise Refused(554, "5.6.0", "Nothing to post: the mail has no text (apart from a signature or quoted "
                                    "reply) and no pictures, videos or sounds.")
    status = _post(to, text, attachments, str(message.get("Message-ID", "")).strip())
    return f"250 2.0.0 Posted as {status.id}"


def _post(to: addresses.Recipient, text: str, attachments, message_id: str) -> Status:
    author = to.account
    options = {}
    if to.in_reply_to_id is not None:
        try:
            parent = statuses.get_status(author, to.in_reply_to_id)
        except DomainError as e:
            raise Refused(550, "5.7.1", str(e)) from None
        text, options["visibility"] = _as_reply(author, parent, text)
        options["in_reply_to_id"] = parent.id
    try:
        with transaction.atomic():  # the uploads and the post, or nothing
            uploaded = [media.upload_media(author, upload) for upload in attachments]
            return statuses.post_status(
                author, text, media_ids=[m.id for m in uploaded],
                # A mail server that retries a mail it thinks undelivered posts it once.
                idempotency_key=f"mail:{message_id}" if message_id else None, **options,
            )
    except DomainError as e:
        raise Refused(554, "5.6.0", f"Not posted: {e}") from None


def _as_reply(author, parent: Status, text: str) -> tuple[str, str]:
    """A reply names the post's author and the others it mentions, and keeps its audience, as the
    web's reply box does (a quiet public post gets a public reply)."""
    names = [parent.account.username] + [m.account.username for m in parent.mentions.select_related("account")]
    named = {n.lower() for n in re.findall(r"@([A-Za-z0-9_]+)", text)}
    prefix = "".join(f"@{n} " for n in dict.fromkeys(names) if n.lower() not in named | {author.username.lower()})
    visibility = parent.visibility if parent.visibility != "unlisted" else "public"
    return prefix + text, visibility


# --- Reading the mail ---


def post_text(message) -> str:
    """The text to post: the plain-text part, else the HTML part as text, decoded by its charset,
    without the signature and the quoted reply."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _decoded(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    elif body.get_param("format", "").lower() == "flowed":
        text = _unflowed(text, body.get_param("delsp", "").lower() == "yes")
    return strip_reply(text)


def _decoded(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"  # undeclared: UTF-8 (RFC 6532), which covers ASCII
    try:
        return payload.decode(charset)
    except LookupError:
        raise Refused(554, "5.6.0", f"The text's character set ({charset}) is not one we know.") from None
    except UnicodeDecodeError:
        raise Refused(554, "5.6.0", f"The text is not valid {charset}, as the mail declares it.") from None


def _unflowed(text: str, delsp: bool) -> str:
    """RFC 3676: a line ending in a space goes on in the next one (the signature line aside)."""
    out: list[str] = []
    carry = ""
    for line in text.splitlines():
        if line.endswith(" ") and line != "-- ":
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def strip_reply(text: str) -> str:
    """Without what follows the signature line ("-- ") or an "Original Message" rule, without quoted
    lines ("> ...") and the line that introduces them ("On ... wrote:")."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.rstrip() == "--" or re.match(r"^\s*-{2,}\s*(original message|forwarded message)", line, re.I):
            break
        if line.lstrip().startswith(">"):
            while kept and not kept[-1].strip():
                kept.pop()
            if kept and kept[-1].rstrip().endswith(":"):  # "On ... wrote:", in any language
                kept.pop()
            continue
        kept.append(line)
    return "\n".join(kept).strip()


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "hr"}
    SKIPPED = {"script", "style", "head", "title", "blockquote"}  # a quoted reply is a blockquote

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The words of an HTML mail, one line for each of its blocks; no markup survives."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def media_parts(message):
    """The pictures, videos and sounds the mail carries, as uploads: attached ones, and inline ones
    that no HTML part refers to (a logo in an HTML signature is one that is referred to)."""
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() not in MEDIA_TYPES:
            continue
        if part.get_content_disposition() != "attachment" and part.get("Content-ID"):
            continue
        data = part.get_payload(decode=True) or b""
        yield SimpleUploadedFile(part.get_filename() or "attachment", data, content_type=part.get_content_type())
