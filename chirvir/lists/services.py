"""Use cases of lists: create, change and delete a list; add and remove members; subscribe to
another person's public list; and who may read which list. Mastodon's rules: only accounts the
owner follows can be members, and an unfollow or a block takes them off; its error messages.
Feed work (a member's posts joining or leaving a list, or the owner's home) follows as a job
after commit."""

import unicodedata

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chirvir.accounts.models import Account, Block, Follow
from chirvir.core.errors import Invalid, NotFound
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page, paginate
from chirvir.lists.models import List, ListMember, ListSubscription, RepliesPolicy
from chirvir.timelines.tasks import list_feed_removal_job, list_merge_job, list_unmerge_job, merge_job, unmerge_job

MAX_TITLE = 100
MAX_LISTS = 50  # per owner, as Mastodon's default
MAX_MEMBERS = 5000


def _not_found() -> NotFound:
    # Mastodon's words for a list that is not the caller's and for an account it does not follow.
    return NotFound(_("Record not found"))


def _title(title: str | None) -> str:
    title = unicodedata.normalize("NFC", (title or "").strip())
    if not title:
        raise Invalid(_("Validation failed: Title can't be blank"))
    if len(title) > MAX_TITLE:
        message = _("Validation failed: Title is too long (maximum is %(limit)d characters)")
        raise Invalid(message % {"limit": MAX_TITLE})
    return title


def _replies_policy(value: str) -> str:
    if value not in RepliesPolicy.values:
        raise Invalid(_("'%(value)s' is not a valid replies_policy") % {"value": value})
    return value


def _homes_change(lst: List, account_ids, *, leaving_home: bool) -> None:
    """Members of an exclusive list are read there, not at home: their posts leave the owner's
    home when they join one (or the list becomes exclusive), and come back when they leave."""
    job = unmerge_job if leaving_home else merge_job
    for account_id in list(account_ids):
        transaction.on_commit(lambda a=account_id: job(lst.owner_id, a))


@transaction.atomic
def create_list(owner: Account, title: str, *, replies_policy: str = RepliesPolicy.LIST, exclusive: bool = False,
                public: bool = False) -> List:
    """A new list of the owner's; `replies_policy` is followed, list (the default) or none."""
    lst = List(owner=owner, title=_title(title), replies_policy=_replies_policy(replies_policy or RepliesPolicy.LIST),
               exclusive=bool(exclusive), public=bool(public))
    if List.objects.filter(owner=owner).count() >= MAX_LISTS:
        raise Invalid(_("Validation failed: You can have at most %(limit)d lists") % {"limit": MAX_LISTS})
    lst.save(force_insert=True)
    return lst


@transaction.atomic
def update_list(owner: Account, list_id, *, title: str | None = None, replies_policy: str | None = None,
                exclusive: bool | None = None, public: bool | None = None) -> List:
    """Change what is given of a list. Making it exclusive takes its members' posts out of the
    owner's home (and back, undone); a new replies policy makes the list's feed again; a list
    made private loses its subscribers."""
    lst = get_own_list(owner, list_id)
    fields = []
    if title is not None:
        lst.title = _title(title)
        fields.append("title")
    policy_changed = replies_policy is not None and _replies_policy(replies_policy) != lst.replies_policy
    if policy_changed:
        lst.replies_policy = replies_policy
        fields.append("replies_policy")
        transaction.on_commit(lambda: list_feed_removal_job(lst.id))  # rebuilt by the new policy when read
    if exclusive is not None and bool(exclusive) != lst.exclusive:
        lst.exclusive = bool(exclusive)
        fields.append("exclusive")
        _homes_change(lst, lst.members.values_list("account_id", flat=True), leaving_home=lst.exclusive)
    if public is not None and bool(public) != lst.public:
        lst.public = bool(public)
        fields.append("public")
        if not lst.public:
            lst.subscriptions.all().delete()
    if fields:
        lst.save(update_fields=fields)
    return lst


@transaction.atomic
def delete_list(owner: Account, list_id) -> None:
    """Delete a list with its members and subscriptions; the members of an exclusive list are
    read at home again."""
    lst = get_own_list(owner, list_id)
    if lst.exclusive:
        _homes_change(lst, lst.members.values_list("account_id", flat=True), leaving_home=False)
    list_id = lst.id
    lst.delete()
    transaction.on_commit(lambda: list_feed_removal_job(list_id))


def get_own_list(owner: Account, list_id) -> List:
    lst = List.objects.filter(id=parse_id(list_id), owner=owner).select_related("owner").first()
    if lst is None:
        raise _not_found()
    return lst


def _blocked_between(a: Account | None, b: Account) -> bool:
    if a is None or not a.is_authenticated:
        return False
    return Block.objects.filter(account=a, target_account=b).exists() or Block.objects.filter(
        account=b, target_account=a
    ).exists()


def may_read(viewer: Account | None, lst: List) -> bool:
    """Who may read a list (its timeline and members): its owner; a public one, anyone its
    active owner has no block with, signed in or not. Each post in it is then shown only as the
    reader's own audience gate allows."""
    if viewer is not None and viewer.is_authenticated and viewer.id == lst.owner_id:
        return True
    return lst.public and lst.owner.is_active and not _blocked_between(viewer, lst.owner)


def readable_list(viewer: Account | None, list_id) -> List:
    lst = List.objects.filter(id=parse_id(list_id)).select_related("owner").first()
    if lst is None or not may_read(viewer, lst):
        raise _not_found()
    return lst


def lists_of(owner: Account) -> list[List]:
    return list(List.objects.filter(owner=owner).select_related("owner").order_by("id"))


def public_lists_of(viewer: Account | None, owner: Account) -> list[List]:
    """The public lists shown on an account's profile."""
    lists = List.objects.filter(owner=owner, public=True).select_related("owner").order_by("id")
    return [lst for lst in lists if may_read(viewer, lst)]


def lists_holding(owner: Account, account: Account) -> list[List]:
    """The owner's lists that hold the account (Mastodon's GET /api/v1/accounts/:id/lists)."""
    return list(List.objects.filter(owner=owner, members__account=account).select_related("owner").order_by("id"))


def _accounts(ids) -> list[Account]:
    wanted = [i for i in (parse_id(x) for x in ids) if i is not None]
    if len(wanted) != len(list(ids)):
        raise _not_found()
    return list(Account.objects.filter(id__in=wanted))


@transaction.atomic
def add_members(owner: Account, list_id, account_ids) -> None:
    """Put accounts on the owner's list. Each must be one the owner follows (a protected one
    has approved the owner), and not on it already; then all are added, or none."""
    lst = get_own_list(owner, list_id)
    wanted = _accounts(account_ids)
    followed = set(
        Follow.objects.filter(account=owner, target_account__in=wanted, target_account__is_active=True).values_list(
            "target_account_id", flat=True
        )
    )
    if not wanted or len(followed) != len({a.id for a in wanted}):
        raise _not_found()
    if ListMember.objects.filter(list=lst, account_id__in=followed).exists():
        raise Invalid(_("Validation failed: Account has already been taken"))
    if lst.members.count() + len(followed) > MAX_MEMBERS:
        raise Invalid(_("Validation failed: A list holds at most %(limit)d accounts") % {"limit": MAX_MEMBERS})
    try:
        with transaction.atomic():
            ListMember.objects.bulk_create([ListMember(list=lst, account_id=i) for i in followed])
    except IntegrityError as e:  # the same account added a moment ago
        raise Invalid(_("Validation failed: Account has already been taken")) from e
    for account_id in followed:
        transaction.on_commit(lambda a=account_id: list_merge_job(lst.id, a))
    if lst.exclusive:
        _homes_change(lst, followed, leaving_home=True)


@transaction.atomic
def remove_members(owner: Account, list_id, account_ids) -> None:
    """Take accounts off the owner's list (those not on it are ignored)."""
    lst = get_own_list(owner, list_id)
    wanted = [i for i in (parse_id(x) for x in account_ids) if i is not None]
    gone = list(ListMember.objects.filter(list=lst, account_id__in=wanted).values_list("account_id", flat=True))
    ListMember.objects.filter(list=lst, account_id__in=gone).delete()
    _left(lst, gone)


def _left(lst: List, account_ids: list[int]) -> None:
    for account_id in account_ids:
        transaction.on_commit(lambda a=account_id: list_unmerge_job(lst.id, a))
    if lst.exclusive:
        _homes_change(lst, account_ids, leaving_home=False)


def forget_member(owner: Account, account: Account) -> None:
    """The owner stopped following the account (an unfollow or a block): it leaves every list of
    the owner's. Its posts do not come back home: the owner no longer follows it."""
    rows = ListMember.objects.filter(list__owner=owner, account=account)
    list_ids = list(rows.values_list("list_id", flat=True))
    rows.delete()
    for list_id in list_ids:
        transaction.on_commit(lambda i=list_id: list_unmerge_job(i, account.id))


def end_subscriptions_between(a: Account, b: Account) -> None:
    """After a block: neither reads the other's lists any more."""
    ListSubscription.objects.filter(account=a, list__owner=b).delete()
    ListSubscription.objects.filter(account=b, list__owner=a).delete()


def members(lst: List, page: Page | None) -> list[tuple[int, Account]]:
    """(membership row ID, account) pairs of a list, newest member first; every one without a page."""
    rows = ListMember.objects.filter(list=lst, account__is_active=True).select_related("account")
    rows = paginate(rows, page) if page is not None else rows.order_by("-id")
    return [(row.id, row.account) for row in rows]


@transaction.atomic
def subscribe(account: Account, list_id) -> List:
    """Read another person's public list as one of one's timelines. Subscribing again changes nothing."""
    lst = readable_list(account, list_id)
    if lst.owner_id == account.id:
        raise Invalid(_("You can't subscribe to your own list."))
    ListSubscription.objects.get_or_create(list=lst, account=account)
    return lst


@transaction.atomic
def unsubscribe(account: Account, list_id) -> None:
    ListSubscription.objects.filter(list_id=parse_id(list_id), account=account).delete()


def subscribed_lists(account: Account) -> list[List]:
    """The public lists the account subscribes to, most recent subscription first, as far as it
    may still read them."""
    rows = ListSubscription.objects.filter(account=account).select_related("list__owner").order_by("-id")
    return [row.list for row in rows if may_read(account, row.list)]


def is_subscribed(account: Account | None, lst: List) -> bool:
    if account is None or not account.is_authenticated:
        return False
    return ListSubscription.objects.filter(list=lst, account=account).exists()
