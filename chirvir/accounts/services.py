"""Use cases of accounts: register, update the profile, follow and unfollow, answer follow
requests, block and mute, endorse, keep private notes, remove a follower. Each is one
transaction; timeline work follows as a job after commit."""

import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import regex
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts.confirmation import send_confirmation
from chirvir.accounts.models import Account, AccountNote, Block, Endorsement, Follow, FollowRequest, Mute
from chirvir.core import confusables, text
from chirvir.core.errors import Invalid, NotAllowed, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page, paginate
from chirvir.core.queries import Prepared
from chirvir.lists import services as lists
from chirvir.media import images
from chirvir.moderation import blocks as moderation_blocks
from chirvir.notifications.models import NotificationType
from chirvir.notifications.services import notify
from chirvir.statuses.services import LANGUAGE_CODE
from chirvir.search import services as search
from chirvir.timelines.tasks import merge_job, unmerge_job

MAX_USERNAME = 30
USERNAME = regex.compile(rf"[A-Za-z0-9_]{{1,{MAX_USERNAME}}}")
MAX_DISPLAY_NAME = 30
MAX_NOTE = 500
MAX_LOCATION = 30
MAX_WEBSITE = Account._meta.get_field("website").max_length
# Mastodon's: four profile fields, each name and value at most 255 characters.
MAX_PROFILE_FIELDS = 4
MAX_FIELD_NAME = 255
MAX_FIELD_VALUE = 255
MAX_ACCOUNT_NOTE = 2000  # as Mastodon's
# What a post may default to (a direct message always says whom it is for).
DEFAULT_VISIBILITIES = ("public", "unlisted", "private")
QUOTE_POLICIES = ("public", "followers", "nobody")  # Mastodon 4.5's quote_policy, as statuses.QuotePolicy
# Characters that change how text around them is drawn without being seen: a name holding
# them can pass for another (bidi overrides turn "gnp.exe" round, zero-width ones hide).
_INVISIBLE = regex.compile(r"[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]")
# Display names keep the joiners: Indic scripts and emoji sequences need them.
_JOINERS = frozenset("\u200c\u200d")


def _has_hidden(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    return any(ch not in allowed for ch in _INVISIBLE.findall(text))


def validate_username(username: str) -> str:
    if _has_hidden(username):
        raise Invalid(_("A username can't contain invisible or direction-control characters."))
    if not USERNAME.fullmatch(username):
        raise Invalid(_("A username is 1 to 30 letters (a-z), digits and underscores."))
    if Account.objects.filter(username__iexact=username).exists():
        raise Invalid(_("The username @%(username)s is taken.") % {"username": username})
    alike = Account.objects.filter(username_skeleton=confusables.skeleton(username)).first()
    if alike is not None:
        raise Invalid(
            _("The username @%(username)s looks too much like @%(existing)s, which is taken.")
            % {"username": username, "existing": alike.username}
        )
    return username


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names an account may choose (Asia/Kolkata, Europe/Berlin...)."""
    return frozenset(zoneinfo.available_timezones())


def _time_zone(name: str) -> str:
    name = (name or "").strip()
    if name and name not in time_zones():
        raise Invalid(_("%(name)s is not a time zone.") % {"name": name})
    return name


def _within(value: str, field: str, limit: int) -> str:
    """The text trimmed and in NFC; Invalid if it is longer than limit code points. Text far over
    the limit is refused on its length alone, before NFC or any other check reads it."""
    value = value.strip()
    if text.too_long(value, limit) or len(value := unicodedata.normalize("NFC", value)) > limit:
        raise Invalid(_("%(field)s is at most %(limit)d characters.") % {"field": field, "limit": limit})
    return value


def _clean_line(value: str, field: str, limit: int) -> str:
    value = _within(value, field, limit)
    if _has_hidden(value, _JOINERS):
        raise Invalid(_("%(field)s can't contain invisible or direction-control characters.") % {"field": field})
    return value


def register(
    username: str,
    password: str,
    *,
    email: str = "",
    display_name: str = "",
    language: str = "",
    time_zone: str = "",
    active: bool = True,
    address: str = "",
) -> Account:
    """A new account. The username is unique without regard to case; the password must pass
    Django's validators (length, common passwords, likeness to the username). An inactive
    account (registrations needing approval) cannot log in until an operator activates it.
    A time zone the sign-up guessed (the browser's) that is no known zone is left out, not refused.
    Where posting needs a confirmed e-mail address (CHIRVIR_REQUIRE_CONFIRMED_EMAIL), the link
    that confirms it is mailed at once. The moderators' blocks (chirvir.moderation.blocks) apply:
    to the e-mail address, and to `address`, the client's IP address: an approval block leaves the
    account inactive, waiting for a moderator."""
    validate_username(username)
    display_name = _clean_line(display_name, _("Display name"), MAX_DISPLAY_NAME)
    if email:
        try:
            validate_email(email)
        except ValidationError as e:
            raise Invalid(_("Enter a valid e-mail address.")) from e
        if Account.objects.filter(email__iexact=email).exists():
            raise Invalid(_("That e-mail address is already in use."))
    if moderation_blocks.check_sign_up(email, address):
        active = False
    time_zone = time_zone if time_zone in time_zones() else ""
    account = Account(
        username=username,
        username_skeleton=confusables.skeleton(username),
        email=email,
        display_name=display_name,
        language=language,
        time_zone=time_zone,
        is_active=active,
    )
    try:
        password_validation.validate_password(password, account)
    except ValidationError as e:
        raise Invalid(" ".join(e.messages)) from e
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save(force_insert=True)
            search.index_account(account)
    except IntegrityError as e:  # the same name registered a moment ago
        raise Invalid(_("The username @%(username)s is taken.") % {"username": username}) from e
    if settings.REQUIRE_CONFIRMED_EMAIL and email:
        send_confirmation(account)  # posting waits for it
    return account


def update_profile(account: Account, **changes) -> Account:
    """Change any of display_name, note, location, website, avatar, header, locked, language (the
    interface's), time_zone, email, and Mastodon's bot, discoverable, default_visibility,
    default_sensitive, posting_language (any ISO 639 code; what a post's language defaults to),
    default_quote_policy (who may quote a new post: public, followers or nobody) and
    profile_fields ((name, value) pairs, replacing those there were). Unlocking an account approves
    the follow requests that wait on it. An avatar or header is stored as chirvir.media.images
    writes it again, and the file it replaces is removed."""
    fields = []
    if "display_name" in changes:
        account.display_name = _clean_line(changes["display_name"], _("Display name"), MAX_DISPLAY_NAME)
        fields.append("display_name")
    if "note" in changes:
        account.note = text.neutralise(_within(changes["note"], _("Bio"), MAX_NOTE))
        fields.append("note")
    if "location" in changes:
        account.location = _clean_line(changes["location"], _("Location"), MAX_LOCATION)
        fields.append("location")
    if "website" in changes:
        website = changes["website"].strip()
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError as e:
                raise Invalid(_("The website must be an http or https address.")) from e
        account.website = website
        fields.append("website")
    if "email" in changes:
        email = (changes["email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as e:
                raise Invalid(_("Enter a valid e-mail address.")) from e
            if Account.objects.filter(email__iexact=email).exclude(pk=account.pk).exists():
                raise Invalid(_("That e-mail address is already in use."))
        if email.lower() != account.email.lower():
            account.email_confirmed_at = None  # a new address is confirmed anew
            fields.append("email_confirmed_at")
        account.email = email
        fields.append("email")
    if "language" in changes:
        language = changes["language"] or ""
        if language and language not in dict(Account._meta.get_field("language").choices):
            raise Invalid(_("Chirvir is not translated into %(language)s.") % {"language": language})
        account.language = language
        fields.append("language")
    if "time_zone" in changes:
        account.time_zone = _time_zone(changes["time_zone"])
        fields.append("time_zone")
    for flag in ("bot", "discoverable", "default_sensitive"):
        if flag in changes:
            setattr(account, flag, bool(changes[flag]))
            fields.append(flag)
    if "default_visibility" in changes:
        if changes["default_visibility"] not in DEFAULT_VISIBILITIES:
            raise Invalid(_("Visibility must be one of public, unlisted, private or direct."))
        account.default_visibility = changes["default_visibility"]
        fields.append("default_visibility")
    if "default_quote_policy" in changes:
        if changes["default_quote_policy"] not in QUOTE_POLICIES:
            raise Invalid(_("Validation failed: quote_policy must be one of public, followers or nobody."))
        account.default_quote_policy = changes["default_quote_policy"]
        fields.append("default_quote_policy")
    if "posting_language" in changes:
        language = (changes["posting_language"] or "").strip().lower()
        if language and not LANGUAGE_CODE.fullmatch(language):
            raise Invalid(_("Language must be an ISO 639 code such as en, hi, kk, ar or id."))
        account.posting_language = language
        fields.append("posting_language")
    if "profile_fields" in changes:
        account.profile_fields = _profile_fields(changes["profile_fields"], account.profile_fields)
        fields.append("profile_fields")
    uses = {"avatar": images.AVATAR, "header": images.HEADER}
    # Both are encoded (and so checked) before either is stored.
    encoded = {f: images.encode(changes[f], uses[f]) for f in uses if changes.get(f) is not None}
    replaced = []
    for image_field, image in encoded.items():
        replaced.append(getattr(account, image_field).name)
        setattr(account, image_field, images.store(image))
        fields.append(image_field)
    unlocking = "locked" in changes and account.locked and not changes["locked"]
    if "locked" in changes:
        account.locked = bool(changes["locked"])
        fields.append("locked")
    with transaction.atomic():
        account.save(update_fields=fields)
        if "display_name" in fields:
            search.index_account(account)
        transaction.on_commit(lambda: images.remove(*replaced))  # the files they replace
        if "profile_fields" in fields:
            # Imported here: the accounts jobs module imports this one.
            from chirvir.accounts.tasks import profile_links_job

            transaction.on_commit(lambda: profile_links_job(account.id))
        if unlocking:
            for request in FollowRequest.objects.filter(target_account=account).select_related("account"):
                approve_follow_request(account, request.account)
    return account


def _profile_fields(pairs, before=()) -> list[dict]:
    """(name, value) pairs as stored: trimmed, NFC, without invisible characters, a pair left
    blank on both sides dropped (as Mastodon drops it), at most MAX_PROFILE_FIELDS. A link's
    `verified_at` (accounts/links.py) stays while its value does; the check runs again anyway."""
    verified = {f["value"]: f["verified_at"] for f in before if f.get("verified_at")}
    stored = []
    for name, value in pairs:
        name = _clean_line(name or "", "A profile field's name", MAX_FIELD_NAME)
        value = _clean_line(value or "", "A profile field's value", MAX_FIELD_VALUE)
        if name or value:
            field = {"name": name, "value": value}
            if value in verified:
                field["verified_at"] = verified[value]
            stored.append(field)
    if len(stored) > MAX_PROFILE_FIELDS:
        # Mastodon's words for it; the API alone sends profile fields.
        raise Invalid(f"Validation failed: Fields is too long (maximum is {MAX_PROFILE_FIELDS} fields)")
    return stored


def _add_follow(follower: Account, target: Account, reblogs: bool, notify_posts: bool) -> Follow:
    follow = Follow.objects.create(account=follower, target_account=target, show_reblogs=reblogs, notify=notify_posts)
    Account.objects.filter(pk=follower.pk).update(following_count=F("following_count") + 1)
    Account.objects.filter(pk=target.pk).update(followers_count=F("followers_count") + 1)
    transaction.on_commit(lambda: merge_job(follower.id, target.id))
    return follow


def _remove_follow(follower: Account, target: Account) -> bool:
    deleted, _rows = Follow.objects.filter(account=follower, target_account=target).delete()
    if deleted:
        Account.objects.filter(pk=follower.pk).update(following_count=F("following_count") - 1)
        Account.objects.filter(pk=target.pk).update(followers_count=F("followers_count") - 1)
        transaction.on_commit(lambda: unmerge_job(follower.id, target.id))
        lists.forget_member(follower, target)  # only accounts one follows can be on one's lists
        Endorsement.objects.filter(account=follower, target_account=target).delete()  # so too endorsed ones
    return bool(deleted)


@transaction.atomic
def follow(follower: Account, target: Account, *, reblogs: bool = True, notify_posts: bool = False):
    """Follow an account, or ask to when it is protected. Following again only updates the
    options. Returns the Follow or the FollowRequest."""
    if follower.pk == target.pk:
        raise Invalid(_("You can't follow yourself."))
    if not target.is_active or Block.between(follower, target):
        raise NotAllowed(_("You can't follow this account."))
    existing = Follow.objects.filter(account=follower, target_account=target).first()
    if existing:
        existing.show_reblogs, existing.notify = reblogs, notify_posts
        existing.save(update_fields=["show_reblogs", "notify"])
        return existing
    if target.locked:
        request, created = FollowRequest.objects.get_or_create(
            account=follower, target_account=target, defaults={"show_reblogs": reblogs, "notify": notify_posts}
        )
        if created:
            notify(target, NotificationType.FOLLOW_REQUEST, follower)
        return request
    follow_ = _add_follow(follower, target, reblogs, notify_posts)
    notify(target, NotificationType.FOLLOW, follower)
    return follow_


@transaction.atomic
def unfollow(follower: Account, target: Account) -> None:
    """Stop following, or withdraw a request; the target's posts leave the follower's home."""
    FollowRequest.objects.filter(account=follower, target_account=target).delete()
    _remove_follow(follower, target)


@transaction.atomic
def remove_from_followers(account: Account, follower: Account) -> None:
    """Make an account stop following this one (Mastodon's remove_from_followers): this one's
    posts leave its home, as if it had unfollowed; it may follow again (block it to stop that)."""
    _remove_follow(follower, account)


@transaction.atomic
def approve_follow_request(target: Account, requester: Account) -> Follow:
    request = FollowRequest.objects.filter(account=requester, target_account=target).first()
    if request is None:
        existing = Follow.objects.filter(account=requester, target_account=target).first()
        if existing:
            return existing
        raise Invalid(_("@%(username)s has not asked to follow you.") % {"username": requester.username})
    request.delete()
    return _add_follow(requester, target, request.show_reblogs, request.notify)


@transaction.atomic
def reject_follow_request(target: Account, requester: Account) -> None:
    FollowRequest.objects.filter(account=requester, target_account=target).delete()


@transaction.atomic
def block(account: Account, target: Account) -> Block:
    """Block an account: follows and requests end both ways, each leaves the other's home, and
    the target's posts, mentions and replies no longer reach the blocker (the audience gate)."""
    if account.pk == target.pk:
        raise Invalid(_("You can't block yourself."))
    block_, _created = Block.objects.get_or_create(account=account, target_account=target)
    lists.end_subscriptions_between(account, target)
    for a, b in ((account, target), (target, account)):
        FollowRequest.objects.filter(account=a, target_account=b).delete()
        if not _remove_follow(a, b):
            # Not following, yet a reposted post of the other may sit in the home feed.
                transaction.on_commit(lambda a=a, b=b: unmerge_job(a.id, b.id))
    return block_


@transaction.atomic
def unblock(account: Account, target: Account) -> None:
    Block.objects.filter(account=account, target_account=target).delete()


@transaction.atomic
def mute(account: Account, target: Account, *, notifications: bool = True, duration: int = 0) -> Mute:
    """Hide an account's posts from home and, unless told otherwise, its notifications; for
    `duration` seconds, or until unmuted when it is 0. Muting again sets both anew."""
    if account.pk == target.pk:
        raise Invalid(_("You can't mute yourself."))
    if duration < 0:
        raise Invalid("Validation failed: Duration must be 0 (until unmuted) or a number of seconds")
    expires_at = timezone.now() + timedelta(seconds=duration) if duration else None
    mute_, _created = Mute.objects.update_or_create(
        account=account, target_account=target, defaults={"hide_notifications": notifications, "expires_at": expires_at}
    )
    return mute_


def remove_expired_mutes() -> int:
    """Delete the timed mutes that are over (the gate ignores them already); returns how many."""
    deleted, _rows = Mute.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@transaction.atomic
def unmute(account: Account, target: Account) -> None:
    Mute.objects.filter(account=account, target_account=target).delete()


@transaction.atomic
def endorse(account: Account, target: Account) -> Endorsement:
    """Feature an account on one's profile. Only an account one follows, as on Mastodon; it
    stops being endorsed when the follow ends."""
    if not Follow.objects.filter(account=account, target_account=target).exists():
        raise Invalid("Validation failed: You must be already following the person you want to endorse")
    return Endorsement.objects.get_or_create(account=account, target_account=target)[0]


@transaction.atomic
def unendorse(account: Account, target: Account) -> None:
    Endorsement.objects.filter(account=account, target_account=target).delete()


def endorsements(account: Account, page: Page = Page(limit=40)):
    """The accounts an account endorses (its profile shows them), newest first, paged by the row."""
    rows = Endorsement.objects.filter(account=account, target_account__is_active=True)
    return _paged_relations(rows, page, "target_account")


@transaction.atomic
def set_note(account: Account, target: Account, comment: str) -> None:
    """Keep a note about another account that only the writer reads; an empty one is removed."""
    comment = unicodedata.normalize("NFC", (comment or "").strip())
    if len(comment) > MAX_ACCOUNT_NOTE:
        raise Invalid(f"Validation failed: Comment is too long (maximum is {MAX_ACCOUNT_NOTE} characters)")
    if not comment:
        AccountNote.objects.filter(account=account, target_account=target).delete()
        return
    AccountNote.objects.update_or_create(account=account, target_account=target, defaults={"comment": comment})


def remove_image(account: Account, field: str) -> Account:
    """Take the avatar or header off a profile (its file is removed); clients show the default."""
    if field not in ("avatar", "header"):
        raise Invalid(f"No such image: {field}")
    name = getattr(account, field).name
    if name:
        with transaction.atomic():
            setattr(account, field, "")
            account.save(update_fields=[field])
            transaction.on_commit(lambda: images.remove(name))
    return account


@dataclass(frozen=True)
class Relation:
    """How the viewer stands to another account: what a profile page's buttons and Mastodon's
    Relationship entity both show."""

    following: bool = False
    showing_reblogs: bool = False
    notifying: bool = False
    requested: bool = False
    requested_by: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    muting_expires_at: datetime | None = None
    endorsed: bool = False
    note: str = ""


def relations(viewer: Account | None, targets) -> dict[int, Relation]:
    """How the viewer stands to each of these accounts, keyed by their IDs, in a few statements
    whatever their number. Towards oneself, and for a visitor, nothing is set."""
    targets = list(targets)
    if viewer is None or not viewer.is_authenticated:
        return {t.id: Relation() for t in targets}
    ids = [t.id for t in targets if t.id != viewer.pk]

    def edges(model, mine: bool):
        if mine:
            return {r.target_account_id: r for r in model.objects.filter(account=viewer, target_account_id__in=ids)}
        return {r.account_id: r for r in model.objects.filter(target_account=viewer, account_id__in=ids)}

    following, followed_by = edges(Follow, True), edges(Follow, False)
    requested, requested_by = edges(FollowRequest, True), edges(FollowRequest, False)
    blocking, blocked_by = edges(Block, True), edges(Block, False)
    muting = {m.target_account_id: m for m in Mute.objects.in_force().filter(account=viewer, target_account_id__in=ids)}
    endorsed = {e.target_account_id for e in Endorsement.objects.filter(account=viewer, target_account_id__in=ids)}
    notes = AccountNote.objects.filter(account=viewer, target_account_id__in=ids)
    notes = {n.target_account_id: n.comment for n in notes}
    result = {}
    for t in targets:
        follow, mute = following.get(t.id), muting.get(t.id)
        result[t.id] = Relation(
            following=follow is not None,
            showing_reblogs=follow is not None and follow.show_reblogs,
            notifying=follow is not None and follow.notify,
            requested=t.id in requested,
            requested_by=t.id in requested_by,
            followed_by=t.id in followed_by,
            blocking=t.id in blocking,
            blocked_by=t.id in blocked_by,
            muting=mute is not None,
            muting_notifications=mute is not None and mute.hide_notifications,
            muting_expires_at=mute.expires_at if mute is not None else None,
            endorsed=t.id in endorsed,
            note=notes.get(t.id, ""),
        )
    return result


def relation(viewer: Account | None, target: Account) -> Relation:
    return relations(viewer, [target])[target.id]


def get_account(account_id) -> Account:
    """An account by ID (suspended ones too: clients show them as suspended)."""
    account = Account.objects.filter(id=parse_id(account_id)).first()
    if account is None:
        raise NotFound(_("That account does not exist."))
    return account


def lookup(username: str) -> Account:
    account = Account.objects.filter(username__iexact=(username or "").lstrip("@").split("@")[0]).first()
    if account is None:
        raise NotFound(_("That account does not exist."))
    return account


def _paged_relations(queryset, page: Page, side: str) -> list[tuple[int, Account]]:
    """(relation row ID, account) pairs, newest relation first; paging runs on the row IDs."""
    rows = paginate(queryset.select_related(side), page)
    return [(row.id, getattr(row, side)) for row in rows]


def followers(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(Follow.objects.filter(target_account=account, account__is_active=True), page, "account")


def following(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(
        Follow.objects.filter(account=account, target_account__is_active=True), page, "target_account"
    )


def followers_seen_by(viewer: Account | None, account: Account, page: Page = Page(limit=40)):
    """An account's followers as a viewer may list them: a protected account's only for its
    approved followers (and itself), as its posts are."""
    if not audience.may_see_posts_of(audience.Viewer.of(viewer), account):
        return []
    return followers(account, page)


def following_seen_by(viewer: Account | None, account: Account, page: Page = Page(limit=40)):
    """Whom an account follows, as a viewer may list them (the rule of `followers_seen_by`)."""
    if not audience.may_see_posts_of(audience.Viewer.of(viewer), account):
        return []
    return following(account, page)


def familiar_followers(viewer: Account, targets: list[Account]) -> dict[int, list[Account]]:
    """For each target, by ID, the accounts the viewer follows that follow it; none for a target
    whose followers the viewer may not list (the rule of `followers_seen_by`)."""
    gate = audience.Viewer.of(viewer)
    listable = [t.id for t in targets if audience.may_see_posts_of(gate, t)]
    found: dict[int, list[Account]] = {t.id: [] for t in targets}
    rows = Follow.objects.filter(
        target_account_id__in=listable, account_id__in=gate.following, account__is_active=True
    ).select_related("account")
    for row in rows.order_by("-id"):
        found[row.target_account_id].append(row.account)
    return found


def follow_requests(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(FollowRequest.objects.filter(target_account=account), page, "account")


def blocks(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(Block.objects.filter(account=account), page, "target_account")


def mutes(account: Account, page: Page = Page(limit=40)) -> list[Mute]:
    """The mutes in force, newest first, with their target accounts (paged by the mute's ID)."""
    return paginate(Mute.objects.in_force().filter(account=account).select_related("target_account"), page)


def follows(account: Account, target: Account) -> bool:
    """Whether account follows target."""
    return Follow.objects.filter(account=account, target_account=target).exists()


# Every page's frame of a signed-in person shows the count: compiled once (chirvir/core/queries.py).
_REQUESTS = Prepared(
    lambda account_id: FollowRequest.objects.filter(target_account_id=account_id)
    .values("target_account_id")
    .annotate(n=Count("id"))
    .values_list("n", flat=True)
)


def follow_request_count(account: Account) -> int:
    return sum(_REQUESTS(account.pk))  # no row when none
