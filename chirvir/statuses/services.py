"""Use cases of statuses: post (with a poll) and edit (every rule of a post's text lives here), delete, repost,
like, bookmark, pin, and reading a thread or a post's history. Delivery to timelines, and the news
of a post, an edit or a deletion to live streams, follow as jobs after commit."""

from dataclasses import dataclass
from datetime import timedelta

import regex
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts.models import Account
from chirvir.core import metrics, outbound, text
from chirvir.core.errors import Invalid, NotAllowed, NotFound, UnexpectedMentions
from chirvir.core.ids import next_id, parse_id
from chirvir.core.links import profile_url, tag_url
from chirvir.core.paging import Page, paginate
from chirvir.core.queries import Prepared
from chirvir.media import services as media_rules
from chirvir.moderation import spam
from chirvir.notifications.models import NotificationType
from chirvir.notifications.services import notify
from chirvir.polls import services as polls
from chirvir.polls.tasks import poll_closing_job
from chirvir.quotes import services as quotes
from chirvir.search import services as search
from chirvir.statuses.models import (
    AccountConversation,
    Bookmark,
    ConversationMute,
    Favourite,
    IdempotencyKey,
    Mention,
    Status,
    StatusEdit,
    StatusPin,
    StatusTag,
    Tag,
    Visibility,
)
from chirvir.timelines.tasks import delete_announcement_job, delivery_job, edit_announcement_job, feed_removal_job

# Twitter's SMS convention, honoured everywhere: "d alice see you at 6" is a direct message.
DIRECT_PREFIX = regex.compile(r"^[dD]\s+@?([A-Za-z0-9_]{1,30})\s+(\S.*)$", regex.DOTALL)
LANGUAGE_CODE = regex.compile(r"[a-z]{2,3}")
MAX_SPOILER = 500
CONTEXT_LIMIT = 200
IDEMPOTENCY_WINDOW = timedelta(hours=1)
MAX_PINS = 5  # Mastodon's


def text_config() -> text.TextConfig:
    return text.load_config(settings.TEXT_CONFIG, settings.MAX_CHARS)


def _find_accounts(usernames) -> dict[str, Account]:
    """Active accounts by username, matched without regard to case, keyed in lower case."""
    wanted = {u.lower() for u in usernames}
    if not wanted:
        return {}
    found = Account.objects.annotate(key=Lower("username")).filter(key__in=wanted, is_active=True)
    return {a.key: a for a in found}


def _visible_status(viewer: Account | None, status_id) -> Status:
    status_id = parse_id(status_id)
    status = status_id and Status.objects.gated().filter(id=status_id).first()
    if status is None or not audience.can_see(audience.Viewer.of(viewer), status):
        raise NotFound(_("That post does not exist or is not visible to you."))
    return status


def get_status(viewer: Account | None, status_id: int) -> Status:
    """A status the viewer may see; NotFound for the rest, so their existence does not leak."""
    return _visible_status(viewer, status_id)


def _rewrite_direct_prefix(body: str) -> tuple[str, str | None]:
    """"d alice hi" becomes "@alice hi" and names its recipient."""
    match = DIRECT_PREFIX.match(body)
    if not match:
        return body, None
    return f"@{match.group(1)} {match.group(2)}", match.group(1).lower()


@dataclass(frozen=True)
class Marks:
    """What a viewer did to a set of statuses: liked, reposted, bookmarked, pinned (their IDs),
    and the threads of them they muted (their conversation IDs)."""

    favourited: frozenset[int] = frozenset()
    reblogged: frozenset[int] = frozenset()
    bookmarked: frozenset[int] = frozenset()
    pinned: frozenset[int] = frozenset()
    muted: frozenset[int] = frozenset()


def viewer_marks(viewer: Account | None, statuses) -> Marks:
    """The viewer's marks on these statuses and on the originals they repost."""
    if viewer is None or not viewer.is_authenticated:
        return Marks()
    originals = [s.reblog for s in statuses if s.reblog_id]
    found = _marks_of(
        viewer,
        {s.id for s in statuses} | {s.id for s in originals},
        {s.conversation_id for s in [*statuses, *originals] if s.conversation_id},
    )
    return Marks(*map(frozenset, found))


def _draft(body: str | None) -> tuple[str, str | None, text.Count]:
    """A post's text as it is stored (NFC, trimmed, a "d alice" prefix written as a mention), the
    recipient that prefix names, and its count. Text too long to fit whatever it holds is counted
    as sent, which refuses it at once, before NFC or anything else reads it."""
    config = text_config()
    body = (body or "").strip()
    if text.too_long(body, text.max_length(config)):
        return body, None, text.count(body, config)
    body, recipient = _rewrite_direct_prefix(text.neutralise(text.normalize(body)).strip())
    return body, recipient, text.count(body, config)


def measure(body: str) -> text.Count:
    """How long a draft is as its post would be counted: the rule the composer's counter shows."""
    return _draft(body)[2]


def _text(body: str, with_media: bool = False) -> tuple[str, str | None]:
    """A post's text as it is stored and the recipient its "d alice" prefix names; Invalid if it
    is over the limit, or empty without media."""
    body, recipient, counted = _draft(body)
    if not body:
        if with_media:
            return body, recipient
        raise Invalid(_("Your post is empty."))
    if not counted.valid:
        raise Invalid(
            _("Your post is %(length)d characters long; the limit is %(limit)d.")
            % {"length": counted.weighted_length, "limit": counted.max_length}
        )
    return body, recipient


def _spoiler(spoiler_text: str | None) -> str:
    spoiler_text = (spoiler_text or "").strip()
    if not text.too_long(spoiler_text, MAX_SPOILER):
        spoiler_text = text.normalize(spoiler_text).strip()
    if len(spoiler_text) > MAX_SPOILER:
        raise Invalid(_("The content warning is at most %(limit)d characters.") % {"limit": MAX_SPOILER})
    return spoiler_text


def _language(language: str | None) -> str | None:
    language = (language or "").strip().lower() or None
    if language and not LANGUAGE_CODE.fullmatch(language):
        raise Invalid(_("Language must be an ISO 639 code such as en, hi, kk, ar or id."))
    return language


def _entities(body: str) -> tuple[str, dict[str, Account], set[str]]:
    """The safe HTML of a post's text, the accounts it mentions (keyed by lower-case username)
    and the keys of its hashtags; Invalid if it links to a blocked domain (chirvir.core.outbound)."""
    entities = text.extract_entities(body)
    if blocked := outbound.first_blocked(e.value for e in entities if e.kind == "url"):
        message = _("Posts can't link to %(domain)s: it is on this site's list of harmful sites.")
        raise Invalid(message % {"domain": blocked})
    mentioned = _find_accounts(e.value for e in entities if e.kind == "mention")
    hashtags = {Tag.key(e.value) for e in entities if e.kind == "hashtag"}

    def mention_url(username: str) -> str | None:
        account = mentioned.get(username.lower())
        return profile_url(account.username) if account else None

    content = text.render_html(body, mention_url=mention_url, hashtag_url=lambda name: tag_url(Tag.key(name)))
    return content, mentioned, hashtags


def _check_recipients(body: str, mentioned: dict[str, Account]) -> None:
    """A direct message reaches only the accounts it names, so a name that is no account (a typo,
    a closed account) would send it to nobody in silence: Invalid names the first such name."""
    for username in text.extract_mentions(body):
        if username.lower() not in mentioned:
            raise Invalid(_("There is no account named @%(username)s.") % {"username": username})


@dataclass(frozen=True)
class _Checked:
    """A post that passed every rule, ready to store."""

    body: str
    visibility: str
    spoiler_text: str
    sensitive: bool
    language: str | None
    parent: Status | None
    media: list
    content: str
    mentioned: dict[str, Account]
    hashtags: set[str]
    poll: polls.PollDraft | None
    quoted: Status | None
    quote_approval_policy: str


def _check(
    author, body, *, visibility, in_reply_to_id, language, spoiler_text, sensitive, media_ids, poll,
    quoted_status_id=None, quote_approval_policy=None, allowed_mentions=None,
) -> _Checked:
    media = media_rules.attachable(author, media_ids)
    if media and poll is not None:
        raise Invalid(_("A post with a poll cannot have media attached."))
    body, direct_recipient = _text(body, with_media=bool(media))
    if direct_recipient:
        visibility = Visibility.DIRECT
    visibility = visibility or author.default_visibility or Visibility.PUBLIC
    if visibility not in Visibility.values:
        raise Invalid(_("Visibility must be one of public, unlisted, private or direct."))
    spoiler_text = _spoiler(spoiler_text)
    language = _language(language) or author.posting_language or None
    if sensitive is None:
        sensitive = author.default_sensitive
    quote_approval_policy = quotes.policy(quote_approval_policy, author.default_quote_policy)
    quoted = quotes.quotable(author, quoted_status_id) if quoted_status_id else None

    parent = None
    if in_reply_to_id is not None:
        try:
            parent = _visible_status(author, in_reply_to_id)
        except NotFound as e:
            raise NotFound(_("The post you are replying to does not exist or is not visible to you.")) from e
        if parent.reblog_id:
            parent = parent.reblog

    content, mentioned, hashtags = _entities(body)
    if visibility == Visibility.DIRECT:
        _check_recipients(body, mentioned)
    if allowed_mentions is not None:
        allowed = {parse_id(i) for i in allowed_mentions}
        unexpected = [a for a in mentioned.values() if a.pk != author.pk and a.pk not in allowed]
        if unexpected:
            raise UnexpectedMentions(_("Post would be sent to unexpected accounts"), unexpected)
    return _Checked(body, visibility, spoiler_text, bool(sensitive), language, parent, media, content, mentioned,
                    hashtags, poll, quoted, quote_approval_policy)


def check_post(
    author: Account,
    body: str,
    *,
    visibility: str | None = None,
    in_reply_to_id: int | None = None,
    language: str | None = None,
    spoiler_text: str = "",
    sensitive: bool | None = None,
    media_ids=(),
    poll: polls.PollDraft | None = None,
) -> str:
    """Refuse, as `post_status` would, a post that breaks a rule, storing nothing: a scheduled
    post is checked when it is scheduled. Returns the visibility it would have."""
    return _check(
        author, body, visibility=visibility, in_reply_to_id=in_reply_to_id, language=language,
        spoiler_text=spoiler_text, sensitive=sensitive, media_ids=media_ids, poll=poll,
    ).visibility


def post_status(
    author: Account,
    body: str,
    *,
    visibility: str | None = None,
    in_reply_to_id: int | None = None,
    language: str | None = None,
    spoiler_text: str = "",
    sensitive: bool | None = None,
    idempotency_key: str | None = None,
    media_ids=(),
    poll: polls.PollDraft | None = None,
    quoted_status_id=None,
    quote_approval_policy: str | None = None,
    allowed_mentions=None,
) -> Status:
    """Post a status. The text is NFC-normalised and must fit the limit as twitter-text counts
    it (CHIRVIR_TEXT_CONFIG, CHIRVIR_MAX_CHARS); it may be empty when the post has media (the
    author's own uploads, by chirvir.media's rules: at most four). Mentions notify those who may
    see the post; hashtags are recorded; a direct message reaches the accounts it mentions and
    joins their conversation, and is refused if it names an account that does not exist. A post
    may carry a poll (chirvir.polls' rules), never with media; a job closes it at its end. Stored
    in one transaction, marked undelivered; delivery is a job. The same idempotency key from the
    same author within an hour returns the first post. A visibility, sensitivity or language not given
    is the author's default (Mastodon's source settings), and so is who may quote it
    (`quote_approval_policy`). A post may quote another (`quoted_status_id`) by chirvir.quotes'
    rules: one the author may see, open to all, whose policy lets the author quote it. With
    `allowed_mentions` (account IDs), a post that would mention anyone else is refused
    (UnexpectedMentions, naming them), as Mastodon's. With CHIRVIR_REQUIRE_CONFIRMED_EMAIL, an
    account posts only once its e-mail address is confirmed."""
    if settings.REQUIRE_CONFIRMED_EMAIL and author.email_confirmed_at is None:
        # Mastodon's words, which apps show as they are.
        raise NotAllowed(_("Your login is missing a confirmed e-mail address"))
    idempotency_key = (idempotency_key or "")[:200]
    if idempotency_key:
        earlier = _post_for_key(author, idempotency_key)
        if earlier is not None:
            return earlier
    spam.check_posting_limit(author)
    post = _check(
        author, body, visibility=visibility, in_reply_to_id=in_reply_to_id, language=language,
        spoiler_text=spoiler_text, sensitive=sensitive, media_ids=media_ids, poll=poll,
        quoted_status_id=quoted_status_id, quote_approval_policy=quote_approval_policy,
        allowed_mentions=allowed_mentions,
    )
    parent, mentioned = post.parent, post.mentioned

    try:
        with transaction.atomic():
            status_id = next_id()
            status = Status.objects.create(
                id=status_id,
                conversation_id=parent.conversation_id if parent is not None else status_id,
                account=author,
                text=post.body,
                content=post.content,
                visibility=post.visibility,
                spoiler_text=post.spoiler_text,
                sensitive=post.sensitive or bool(post.spoiler_text),
                language=post.language,
                in_reply_to=parent,
                in_reply_to_account_id=parent.account_id if parent else None,
                quote_approval_policy=post.quote_approval_policy,
            )
            mentions = Mention.objects.bulk_create(
                [Mention(status=status, account=a) for a in mentioned.values() if a.pk != author.pk]
            )
            tags = _tags(post.hashtags) if post.hashtags else []
            StatusTag.objects.bulk_create([StatusTag(status=status, tag=t) for t in tags])
            if post.media:
                media_rules.attach(status, post.media)
            if post.poll is not None:
                _close_at_its_end(polls.create_poll(status, post.poll))
            if post.quoted is not None:
                quotes.attach_quote(status, post.quoted)
            Account.objects.filter(pk=author.pk).update(
                statuses_count=F("statuses_count") + 1, last_status_at=timezone.now()
            )
            if parent is not None:
                Status.objects.filter(pk=parent.pk).update(replies_count=F("replies_count") + 1)
            for account in mentioned.values():
                notify(account, NotificationType.MENTION, author, status)
            if post.visibility == Visibility.DIRECT:
                _join_conversation(status, author, [a for a in mentioned.values() if a.pk != author.pk])
            if idempotency_key:
                # Unique per author and key: of two requests racing with one key, the second fails here
                # and everything it wrote is rolled back.
                IdempotencyKey.objects.create(account=author, key=idempotency_key, status=status)
            search.index_status(status)
            spam.review(status, mentioned=len(mentioned))
            # The post stands once committed: a queue that cannot take the job (Redis away) is
            # logged, and the sweep delivers the post, still marked undelivered, once it can.
            transaction.on_commit(lambda: delivery_job(status.id), robust=True)
            transaction.on_commit(metrics.count_post)
            _keep_written(status, mentions=mentions, tags=tags, media_attachments=post.media)
    except IntegrityError:
        # Another request with the same key won the race; its post is the answer.
        earlier = idempotency_key and _post_for_key(author, idempotency_key)
        if earlier:
            return earlier
        raise
    return status


def _keep_written(status: Status, **relations) -> None:
    """Keep on a new status the relations its post just wrote, as a prefetch would have loaded
    them, so that rendering it for its author (the API's answer) reads none of them back: that
    prefetch was about a third of a post's CPU (docs/performance.md)."""
    cache = status.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in relations.items():
        loaded = getattr(status, name).all()
        loaded._result_cache, loaded._prefetch_done = list(rows), True
        cache[name] = loaded


def _close_at_its_end(poll) -> None:
    seconds = max(0.0, (poll.expires_at - timezone.now()).total_seconds())
    transaction.on_commit(lambda: poll_closing_job.schedule((poll.id,), delay=seconds))


def _post_for_key(author: Account, key: str) -> Status | None:
    """The post made with this key within the hour; an older key is forgotten."""
    found = IdempotencyKey.objects.filter(account=author, key=key).first()
    if found is None:
        return None
    if found.created_at < timezone.now() - IDEMPOTENCY_WINDOW:
        found.delete()
        return None
    return found.status


def _tags(keys) -> list[Tag]:
    """The Tag rows for these keys, made for the ones new to the instance."""
    keys = sorted(keys)
    found = _TAGS(keys)
    missing = set(keys) - {t.name for t in found}
    if missing:
        Tag.objects.bulk_create([Tag(name=key) for key in missing], ignore_conflicts=True)
        found = _TAGS(keys)
    return found


# Every post with hashtags asks it: compiled once (chirvir/core/queries.py), read afresh each time.
_TAGS = Prepared(lambda keys: Tag.objects.filter(name__in=keys))


def _join_conversation(status: Status, author: Account, recipients: list[Account]) -> None:
    viewer_can_see = [a for a in recipients if audience.can_see(audience.Viewer.of(a), status)]
    everyone = [author, *viewer_can_see]
    for account in everyone:
        ac, _created = AccountConversation.objects.get_or_create(account=account, conversation_id=status.conversation_id)
        ac.last_status = status
        ac.unread = account.pk != author.pk
        ac.save(update_fields=["last_status", "unread"])
        ac.participants.add(*[a for a in everyone if a.pk != account.pk])


def edit_status(
    actor: Account,
    status_id,
    body: str,
    *,
    spoiler_text: str | None = None,
    sensitive: bool | None = None,
    language: str | None = None,
    media_ids=None,
    poll: polls.PollDraft | None = None,
    quote_approval_policy: str | None = None,
) -> Status:
    """Edit one's own post (a repost cannot be). As on Mastodon, the edit's poll is the post's
    poll: none removes it, new options (or one choice instead of several) drop its votes, and it
    runs again from the edit (chirvir.polls.replace_poll). `media_ids`, when given, replaces its
    media by a post's rules (None keeps them). The new text follows every rule of a post's:
    NFC, the limit as twitter-text counts it, mentions, hashtags and the safe HTML made again. A
    content warning, sensitivity or language not given stays as it was (a new content warning
    without `sensitive` makes the post sensitive exactly when there is one, as on Mastodon). As
    on Mastodon, the visibility never changes, nor whom a direct message reaches: its mentions
    stay as they were, and a "d alice" prefix is only a mention. Accounts newly mentioned are
    notified, and so are those who reposted the post (`update`). The version before is kept
    (StatusEdit) for the history; after commit a job tells the live streams that show the post.
    Who may quote it (`quote_approval_policy`) changes when given, without a new version.
    An edit that changes nothing changes nothing. Returns the status as it now is."""
    status = _visible_status(actor, status_id)
    if status.account_id != actor.pk:
        raise NotAllowed(_("You can only edit your own posts."))
    if status.reblog_id:
        raise NotAllowed(_("A repost cannot be edited."))
    media = None if media_ids is None else media_rules.attachable(actor, media_ids, status)
    had_media = list(status.media_attachments.values_list("id", flat=True))
    if poll is not None and (had_media if media is None else media):
        raise Invalid(_("A post with a poll cannot have media attached."))
    body, _recipient = _text(body, with_media=bool(had_media if media is None else media))
    if spoiler_text is not None:
        spoiler_text = _spoiler(spoiler_text)
    if sensitive is None and spoiler_text is None:
        sensitive = status.sensitive
    else:
        sensitive = bool(sensitive) or bool(spoiler_text)
    spoiler_text = status.spoiler_text if spoiler_text is None else spoiler_text
    language = _language(language) or status.language
    same_media = media is None or [m.id for m in media] == had_media
    if quote_approval_policy is not None:
        status = quotes.set_policy(actor, status.id, quote_approval_policy)
    if same_media and polls.same_poll(status, poll) and (body, spoiler_text, sensitive, language) == (
        status.text, status.spoiler_text, status.sensitive, status.language
    ):
        return status
    content, mentioned, hashtags = _entities(body)

    with transaction.atomic():
        # Locked, so that of two edits at once each keeps the version the other made.
        before = Status.objects.select_for_update().get(pk=status.pk)
        version = StatusEdit.objects.create(
            status=before,
            text=before.text,
            content=before.content,
            spoiler_text=before.spoiler_text,
            sensitive=before.sensitive,
            created_at=before.edited_at or before.created_at,
        )
        media_rules.keep_for_history(version, had_media)
        earlier_tags = list(before.tags.values_list("name", flat=True))
        Status.objects.filter(pk=status.pk).update(
            text=body,
            content=content,
            spoiler_text=spoiler_text,
            sensitive=sensitive,
            language=language,
            edited_at=timezone.now(),
        )
        newly_mentioned = []
        if status.visibility != Visibility.DIRECT:
            newly_mentioned = _mention_only(status, [a for a in mentioned.values() if a.pk != actor.pk])
        _tag_only(status, hashtags)
        if not same_media:
            media_rules.attach(status, media)
        new_poll, runs_again = polls.replace_poll(status, poll)
        if runs_again:
            _close_at_its_end(new_poll)
        edited = Status.objects.gated().get(pk=status.pk)
        search.index_status(edited)
        for account in newly_mentioned:
            notify(account, NotificationType.MENTION, actor, edited)
        for repost in Status.objects.filter(reblog=edited).select_related("account"):
            notify(repost.account, NotificationType.UPDATE, actor, edited)
        quotes.notify_quoters(edited)
        transaction.on_commit(lambda: edit_announcement_job(edited.id, earlier_tags))
    return edited


def _mention_only(status: Status, accounts: list[Account]) -> list[Account]:
    """Make the status mention exactly these accounts; returns those it did not mention before."""
    wanted = {a.pk: a for a in accounts}
    had = set(Mention.objects.filter(status=status).values_list("account_id", flat=True))
    Mention.objects.filter(status=status).exclude(account_id__in=wanted).delete()
    new = [a for pk, a in wanted.items() if pk not in had]
    Mention.objects.bulk_create([Mention(status=status, account=a) for a in new])
    return new


def _tag_only(status: Status, keys: set[str]) -> None:
    """Make the status carry exactly the hashtags with these keys."""
    StatusTag.objects.filter(status=status).exclude(tag__name__in=keys).delete()
    had = set(StatusTag.objects.filter(status=status).values_list("tag__name", flat=True))
    if keys - had:
        StatusTag.objects.bulk_create([StatusTag(status=status, tag=t) for t in _tags(keys - had)])


def history(viewer: Account | None, status_id) -> list[StatusEdit]:
    """Every version of a status the viewer may see, oldest first: those its edits kept, then the
    current one (a StatusEdit not stored). A post never edited has only that one."""
    status = _visible_status(viewer, status_id)
    versions = list(StatusEdit.objects.filter(status=status).order_by("id"))
    current = StatusEdit(
        text=status.text,
        content=status.content,
        spoiler_text=status.spoiler_text,
        sensitive=status.sensitive,
        created_at=status.edited_at or status.created_at,
    )
    held = media_rules.media_of_versions(versions)
    for version in versions:
        version.media = held.get(version.pk, [])
    current.media = list(status.media_attachments.all())
    for version in [*versions, current]:
        version.status = status  # its author, without a query each
    return [*versions, current]


def delete_status(actor: Account, status_id: int) -> Status:
    """Delete one's own status: its reposts, likes and notifications go with it, and a job takes
    it out of every home feed. Returns the deleted status (with its text, for redrafts)."""
    status = _visible_status(actor, status_id)
    if status.account_id != actor.pk:
        raise NotAllowed(_("You can only delete your own posts."))
    remove_status(status)
    return status


def remove_status(status: Status) -> None:
    """A status goes, whoever removes it (its author, or a moderator: chirvir/moderation): its
    reposts, likes and notifications with it, out of the search index, and a job takes it out of
    every home and list feed and tells the live streams."""
    with transaction.atomic():
        removed = [status.id, *Status.objects.filter(reblog=status).values_list("id", flat=True)]
        _uncount(status)
        quotes.forget_quote(status)
        for repost in Status.objects.filter(reblog=status).select_related("account"):
            _uncount(repost)
        conversations = list(
            AccountConversation.objects.filter(last_status=status).values_list("id", flat=True)
        )
        # Every live stream that may have shown them hears they are gone: delivery works the
        # streams out from what is remembered here of each, once the rows are gone.
        gone = [_remembered(s) for s in [status, *Status.objects.filter(reblog=status).select_related("reblog")]]
        search.unindex_status(status.id)
        media_rules.release(status)
        status.delete()
        _refresh_conversations(conversations)
        transaction.on_commit(lambda: feed_removal_job(removed))
        transaction.on_commit(lambda: delete_announcement_job(gone))


def _remembered(status: Status) -> dict:
    """What delivery needs of a deleted status to tell the streams that showed it."""
    return {
        "status_id": status.id,
        "account_id": status.account_id,
        "visibility": status.visibility,
        "reblog_account_id": status.reblog.account_id if status.reblog_id else None,
        "in_reply_to_account_id": status.in_reply_to_account_id,
        "tags": [tag.name for tag in status.tags.all()],
        "has_media": status.media_attachments.exists(),
    }


def _uncount(status: Status) -> None:
    Account.objects.filter(pk=status.account_id).update(statuses_count=F("statuses_count") - 1)
    if status.in_reply_to_id:
        Status.objects.filter(pk=status.in_reply_to_id).update(replies_count=F("replies_count") - 1)
    if status.reblog_id:
        Status.objects.filter(pk=status.reblog_id).update(reblogs_count=F("reblogs_count") - 1)


def _refresh_conversations(ids) -> None:
    for ac in AccountConversation.objects.filter(id__in=ids):
        ac.last_status = (
            Status.objects.filter(conversation_id=ac.conversation_id, visibility=Visibility.DIRECT).order_by("-id").first()
        )
        if ac.last_status is None:
            ac.delete()
        else:
            ac.save(update_fields=["last_status"])


def reblog(account: Account, status_id: int) -> Status:
    """Repost a status to one's followers. Only public and unlisted posts of unprotected
    accounts can be reposted; reposting twice returns the first repost."""
    original = _visible_status(account, status_id)
    if original.reblog_id:
        original = original.reblog
    if original.account_id != account.pk and (
        original.visibility not in audience.OPEN or original.account.locked
    ):
        raise NotAllowed(_("This post can't be reposted."))
    existing = Status.objects.filter(account=account, reblog=original).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            repost = Status.objects.create(account=account, reblog=original, visibility=original.visibility)
            Status.objects.filter(pk=original.pk).update(reblogs_count=F("reblogs_count") + 1)
            Account.objects.filter(pk=account.pk).update(statuses_count=F("statuses_count") + 1)
            notify(original.account, NotificationType.REBLOG, account, original)
            transaction.on_commit(lambda: delivery_job(repost.id), robust=True)  # as a post's (post_status)
    except IntegrityError:  # the same repost made a moment ago
        return Status.objects.get(account=account, reblog=original)
    return repost


def unreblog(account: Account, status_id: int) -> Status:
    """Undo a repost; returns the original."""
    original = _visible_status(account, status_id)
    if original.reblog_id:
        original = original.reblog
    repost = Status.objects.filter(account=account, reblog=original).first()
    if repost:
        delete_status(account, repost.id)
    original.refresh_from_db(fields=["reblogs_count"])
    return original


def favourite(account: Account, status_id: int) -> Status:
    """Like a status one may see; liking twice changes nothing."""
    status = _visible_status(account, status_id)
    if status.reblog_id:
        status = status.reblog
    with transaction.atomic():
        _fav, created = Favourite.objects.get_or_create(account=account, status=status)
        if created:
            Status.objects.filter(pk=status.pk).update(favourites_count=F("favourites_count") + 1)
            notify(status.account, NotificationType.FAVOURITE, account, status)
    status.refresh_from_db(fields=["favourites_count"])
    return status


def unfavourite(account: Account, status_id: int) -> Status:
    status = _visible_status(account, status_id)
    if status.reblog_id:
        status = status.reblog
    with transaction.atomic():
        deleted, _rows = Favourite.objects.filter(account=account, status=status).delete()
        if deleted:
            Status.objects.filter(pk=status.pk).update(favourites_count=F("favourites_count") - 1)
    status.refresh_from_db(fields=["favourites_count"])
    return status


def bookmark(account: Account, status_id: int) -> Status:
    status = _visible_status(account, status_id)
    if status.reblog_id:
        status = status.reblog
    Bookmark.objects.get_or_create(account=account, status=status)
    return status


def unbookmark(account: Account, status_id: int) -> Status:
    status = _visible_status(account, status_id)
    if status.reblog_id:
        status = status.reblog
    Bookmark.objects.filter(account=account, status=status).delete()
    return status


def pin(account: Account, status_id) -> Status:
    """Pin one's own post to one's profile, at most MAX_PINS of them; a repost or a direct message
    cannot be pinned (Mastodon's rules, in its words). Pinning a pinned post changes nothing."""
    status = _visible_status(account, status_id)
    if StatusPin.objects.filter(account=account, status=status).exists():
        return status
    if status.reblog_id:
        raise Invalid(_("Validation failed: A repost cannot be pinned"))
    if status.account_id != account.pk:
        raise Invalid(_("Validation failed: Someone else's post cannot be pinned"))
    if status.visibility == Visibility.DIRECT:
        raise Invalid(_("Validation failed: Posts that are only visible to mentioned users cannot be pinned"))
    if StatusPin.objects.filter(account=account).count() >= MAX_PINS:
        raise Invalid(_("Validation failed: You have already pinned the maximum number of posts"))
    StatusPin.objects.get_or_create(account=account, status=status)
    return status


def unpin(account: Account, status_id) -> Status:
    """Take a post off one's profile; unpinning one not pinned changes nothing."""
    status = _visible_status(account, status_id)
    StatusPin.objects.filter(account=account, status=status).delete()
    return status


def _marks_of(account: Account, status_ids, conversation_ids) -> tuple[set[int], ...]:
    """Which of these statuses the account liked, reposted, bookmarked and pinned, and which of
    these threads it muted. One statement: every page of statuses shown to a signed-in account asks it."""
    ids, threads = list(status_ids), list(conversation_ids) or [0]
    found: tuple[set[int], ...] = (set(), set(), set(), set(), set())
    if not ids:
        return found
    among = ", ".join(["%s"] * len(ids))
    among_threads = ", ".join(["%s"] * len(threads))
    sql = (
        f"SELECT 0, status_id FROM {Favourite._meta.db_table} WHERE account_id = %s AND status_id IN ({among})"
        f" UNION ALL SELECT 1, reblog_id FROM {Status._meta.db_table} WHERE account_id = %s AND reblog_id IN ({among})"
        f" UNION ALL SELECT 2, status_id FROM {Bookmark._meta.db_table} WHERE account_id = %s AND status_id IN ({among})"
        f" UNION ALL SELECT 3, status_id FROM {StatusPin._meta.db_table} WHERE account_id = %s AND status_id IN ({among})"
        f" UNION ALL SELECT 4, conversation_id FROM {ConversationMute._meta.db_table}"
        f" WHERE account_id = %s AND conversation_id IN ({among_threads})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [account.id, *ids] * 4 + [account.id, *threads])
        for kind, status_id in cursor.fetchall():
            found[kind].add(status_id)
    return found


def context(viewer: Account | None, status_id: int) -> tuple[list[Status], list[Status]]:
    """A thread around a status: the visible ancestors, oldest first, and the visible
    descendants in reading order (each reply followed by its own replies)."""
    gate = audience.Viewer.of(viewer)
    status = _visible_status(viewer, status_id)
    ancestors = []
    parent_id = status.in_reply_to_id
    while parent_id is not None and len(ancestors) < CONTEXT_LIMIT:
        parent = Status.objects.filter(id=parent_id).gated().first()
        if parent is None:
            break
        ancestors.append(parent)
        parent_id = parent.in_reply_to_id
    ancestors.reverse()

    # Collect the reply tree level by level, then lay it out depth first.
    children: dict[int, list[Status]] = {}
    level = [status.id]
    seen = 0
    while level and seen < CONTEXT_LIMIT:
        replies = list(Status.objects.filter(in_reply_to_id__in=level).gated().order_by("id")[:CONTEXT_LIMIT])
        for reply in replies:
            children.setdefault(reply.in_reply_to_id, []).append(reply)
        seen += len(replies)
        level = [r.id for r in replies]
    descendants = []
    stack = list(reversed(children.get(status.id, [])))
    while stack:
        node = stack.pop()
        descendants.append(node)
        stack.extend(reversed(children.get(node.id, [])))
    return audience.visible(gate, ancestors), audience.visible(gate, descendants)


def list_conversations(account: Account, page: Page = Page()):
    """The account's direct-message conversations, the most recently active first, each shown
    only while its latest message is one the account may see."""
    viewer = audience.Viewer.of(account)
    qs = (
        AccountConversation.objects.filter(account=account, last_status__isnull=False)
        .select_related("last_status__account")
        .prefetch_related("participants", "last_status__mentions")
    )
    return [c for c in paginate(qs, page, field="last_status_id") if audience.can_see(viewer, c.last_status)]


def mark_conversation_read(account: Account, conversation_id: int, unread: bool = False) -> AccountConversation:
    """Mark one's conversation read (or, with `unread`, unread again to come back to it)."""
    ac = AccountConversation.objects.filter(account=account, id=parse_id(conversation_id)).first()
    if ac is None:
        raise NotFound(_("That conversation does not exist."))
    ac.unread = unread
    ac.save(update_fields=["unread"])
    return ac


def mute_conversation(account: Account, status_id) -> Status:
    """Mute the thread of a status one may see: no notification comes from it any more (its
    posts stay in the timelines, as Mastodon's)."""
    status = _visible_status(account, status_id)
    proper = status.reblog if status.reblog_id else status
    ConversationMute.objects.get_or_create(account=account, conversation_id=proper.conversation_id)
    return status


def unmute_conversation(account: Account, status_id) -> Status:
    status = _visible_status(account, status_id)
    proper = status.reblog if status.reblog_id else status
    ConversationMute.objects.filter(account=account, conversation_id=proper.conversation_id).delete()
    return status


def favourited_by(viewer: Account | None, status_id, page: Page = Page(limit=40)) -> list[tuple[int, Account]]:
    """(like ID, account) of those who liked a status the viewer may see, newest first."""
    status = _visible_status(viewer, status_id)
    rows = paginate(Favourite.objects.filter(status=status, account__is_active=True).select_related("account"), page)
    return [(row.id, row.account) for row in rows]


def reblogged_by(viewer: Account | None, status_id, page: Page = Page(limit=40)) -> list[tuple[int, Account]]:
    """(repost ID, account) of those who reposted a status the viewer may see, newest first; only
    the reposts the viewer may see (a protected account's reach its approved followers only)."""
    gate = audience.Viewer.of(viewer)
    status = _visible_status(viewer, status_id)
    reposts = Status.objects.filter(audience.visible_q(gate), reblog=status)
    reposts = reposts.select_related("account", "reblog__account")
    rows = paginate(reposts, page)
    return [(row.id, row.account) for row in rows if audience.can_see(gate, row)]


def remove_conversation(account: Account, conversation_id) -> None:
    """Take a conversation off one's list; the messages stay, and a new one brings it back."""
    deleted, _rows = AccountConversation.objects.filter(account=account, id=parse_id(conversation_id)).delete()
    if not deleted:
        raise NotFound(_("That conversation does not exist."))
