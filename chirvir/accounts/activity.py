"""When each account last used the site (a page signed in, the API or a stream with its token),
kept to the hour: fan-out on write reaches only followers active within settings.ACTIVE_DAYS, as
Mastodon's reaches only users signed in within its USER_ACTIVE_DAYS, so the posts of a popular
account cost nothing for those who left long ago."""

from datetime import timedelta

from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.timelines import delivery

# At most one write per account per hour, whatever the number of requests.
RECORDED_EVERY = timedelta(hours=1)


def note_activity(account: Account) -> None:
    """The account uses the site now: its last activity moves on (a write at most once an hour;
    the row is read anyway to authenticate). One that comes back after ACTIVE_DAYS away missed
    the fan-out meanwhile: its home and list feeds are dropped here, before the request reads
    them, and rebuilt whole from the follow graph when read."""
    now = timezone.now()
    last = account.last_active_at
    if last is not None and now - last < RECORDED_EVERY:
        return
    Account.objects.filter(pk=account.pk).update(last_active_at=now)
    account.last_active_at = now
    if last is None or last < delivery.active_since():
        delivery.drop_feeds_of(account.pk)
