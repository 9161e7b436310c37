"""Use cases of accounts: register, update the profile, follow and unfollow, answer follow
requests, block and mute. Each is one transaction; timeline work follows as a job after commit."""

import unicodedata
from dataclasses import dataclass

import regex
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account, Block, Follow, FollowRequest, Mute
from chirvir.core.errors import Invalid, NotAllowed, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page, paginate
from chirvir.lists import services as lists
from chirvir.media import images
from chirvir.notifications.models import NotificationType
from chirvir.notifications.services import notify
from chirvir.timelines.tasks import merge_job, unmerge_job

USERNAME = regex.compile(r"[A-Za-z0-9_]{1,30}")
MAX_DISPLAY_NAME = 30
MAX_NOTE = 500
MAX_LOCATION = 30
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
    return username


def _clean_line(value: str, field: str, limit: int) -> str:
    value = unicodedata.normalize("NFC", value.strip())
    if _has_hidden(value, _JOINERS):
        raise Invalid(_("%(field)s can't contain invisible or direction-control characters.") % {"field": field})
    if len(value) > limit:
        raise Invalid(_("%(field)s is at most %(limit)d characters.") % {"field": field, "limit": limit})
    return value


def register(
    username: str, password: str, *, email: str = "", display_name: str = "", language: str = "", active: bool = True
) -> Account:
    """A new account. The username is unique without regard to case; the password must pass
    Django's validators (length, common passwords, likeness to the username). An inactive
    account (registrations needing approval) cannot log in until an operator activates it."""
    validate_username(username)
    display_name = _clean_line(display_name, _("Display name"), MAX_DISPLAY_NAME)
    if email:
        try:
            validate_email(email)
        except ValidationError as e:
            raise Invalid(_("Enter a valid e-mail address.")) from e
        if Account.objects.filter(email__iexact=email).exists():
            raise Invalid(_("That e-mail address is already in use."))
    account = Account(
        username=username, email=email, display_name=display_name, language=language, is_active=active
    )
    try:
        password_validation.validate_password(password, account)
    except ValidationError as e:
        raise Invalid(" ".join(e.messages)) from e
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save(force_insert=True)
    except IntegrityError as e:  # the same name registered a moment ago
        raise Invalid(_("The username @%(username)s is taken.") % {"username": username}) from e
    return account


def update_profile(account: Account, **changes) -> Account:
    """Change any of display_name, note, location, website, avatar, header, locked, language, email.
    Unlocking an account approves the follow requests that wait on it. An avatar or header is
    stored as chirvir.media.images writes it again, and the file it replaces is removed."""
    fields = []
    if "display_name" in changes:
        account.display_name = _clean_line(changes["display_name"], _("Display name"), MAX_DISPLAY_NAME)
        fields.append("display_name")
    if "note" in changes:
        note = unicodedata.normalize("NFC", changes["note"].strip())
        if len(note) > MAX_NOTE:
            raise Invalid(_("%(field)s is at most %(limit)d characters.") % {"field": _("Bio"), "limit": MAX_NOTE})
        account.note = note
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
        account.email = email
        fields.append("email")
    if "language" in changes:
        language = changes["language"] or ""
        if language and language not in dict(Account._meta.get_field("language").choices):
            raise Invalid(_("Chirvir is not translated into %(language)s.") % {"language": language})
        account.language = language
        fields.append("language")
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
        transaction.on_commit(lambda: images.remove(*replaced))  # the files they replace
        if unlocking:
            for request in FollowRequest.objects.filter(target_account=account).select_related("account"):
                approve_follow_request(account, request.account)
    return account


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
    return bool(deleted)


def is_blocked_between(a: Account, b: Account) -> bool:
    return Block.objects.filter(account=a, target_account=b).exists() or Block.objects.filter(
        account=b, target_account=a
    ).exists()


@transaction.atomic
def follow(follower: Account, target: Account, *, reblogs: bool = True, notify_posts: bool = False):
    """Follow an account, or ask to when it is protected. Following again only updates the
    options. Returns the Follow or the FollowRequest."""
    if follower.pk == target.pk:
        raise Invalid(_("You can't follow yourself."))
    if not target.is_active or is_blocked_between(follower, target):
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
def mute(account: Account, target: Account, *, notifications: bool = True) -> Mute:
    """Hide an account's posts from home and, unless told otherwise, its notifications."""
    if account.pk == target.pk:
        raise Invalid(_("You can't mute yourself."))
    mute_, created = Mute.objects.get_or_create(
        account=account, target_account=target, defaults={"hide_notifications": notifications}
    )
    if not created and mute_.hide_notifications != notifications:
        mute_.hide_notifications = notifications
        mute_.save(update_fields=["hide_notifications"])
    return mute_


@transaction.atomic
def unmute(account: Account, target: Account) -> None:
    Mute.objects.filter(account=account, target_account=target).delete()


@dataclass(frozen=True)
class Relation:
    """How the viewer stands to another account, as a profile page shows it."""

    following: bool = False
    requested: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False


def relation(viewer: Account | None, target: Account) -> Relation:
    if viewer is None or not viewer.is_authenticated or viewer.pk == target.pk:
        return Relation()
    return Relation(
        following=Follow.objects.filter(account=viewer, target_account=target).exists(),
        requested=FollowRequest.objects.filter(account=viewer, target_account=target).exists(),
        followed_by=Follow.objects.filter(account=target, target_account=viewer).exists(),
        blocking=Block.objects.filter(account=viewer, target_account=target).exists(),
        blocked_by=Block.objects.filter(account=target, target_account=viewer).exists(),
    )


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


def search_accounts(query: str, limit: int = 40, offset: int = 0) -> list[Account]:
    """Accounts whose username or display name contains the query, usernames that start with
    it first."""
    query = unicodedata.normalize("NFC", (query or "").strip().lstrip("@"))
    if not query:
        return []
    found = Account.objects.filter(is_active=True).filter(
        Q(username__icontains=query) | Q(display_name__icontains=query)
    )
    ranked = sorted(found[:200], key=lambda a: (not a.username.lower().startswith(query.lower()), a.username.lower()))
    return ranked[offset : offset + limit]


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


def follow_requests(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(FollowRequest.objects.filter(target_account=account), page, "account")


def blocks(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(Block.objects.filter(account=account), page, "target_account")


def mutes(account: Account, page: Page = Page(limit=40)):
    return _paged_relations(Mute.objects.filter(account=account), page, "target_account")


def follow_request_count(account: Account) -> int:
    return FollowRequest.objects.filter(target_account=account).count()
