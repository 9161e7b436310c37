"""Fan-out on write reaches only followers active within CHIRVIR_ACTIVE_DAYS, in both run modes: an
account away longer gets no push, and its home (and its lists) are rebuilt when it comes back,
so it still reads every post it is owed. Activity is written at most once an hour."""

from datetime import timedelta

from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.lists import services as lists
from chirvir.statuses import services as statuses
from chirvir.timelines import reads
from tests.conftest import fresh
from tests.feed_state import in_feed


def away(account, days):
    Account.objects.filter(pk=account.pk).update(last_active_at=timezone.now() - timedelta(days=days))


def test_an_inactive_follower_gets_no_push_and_reads_the_post_when_back(api_client, alice, bob, carol, settings):
    accounts.follow(bob, alice)
    accounts.follow(carol, alice)
    reads.home(bob), reads.home(carol)  # both feeds exist; later posts arrive by delivery
    away(bob, settings.ACTIVE_DAYS + 1)
    away(carol, settings.ACTIVE_DAYS - 1)
    post = statuses.post_status(alice, "while bob was away")
    assert post.id not in in_feed(bob)
    assert post.id in in_feed(carol) and post.id in in_feed(alice)

    response = api_client(bob).get("/api/v1/timelines/home")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [str(post.id)]
    assert post.id in in_feed(bob)  # rebuilt on that first read: later posts are pushed to it
    later = statuses.post_status(alice, "bob is back")
    assert later.id in in_feed(bob)


def test_an_inactive_owners_list_gets_no_push_and_is_rebuilt_when_back(api_client, alice, bob, settings):
    accounts.follow(bob, alice)
    friends = lists.create_list(bob, "Friends")
    lists.add_members(bob, friends.id, [alice.id])
    reads.list_timeline(bob, friends)
    away(bob, settings.ACTIVE_DAYS + 1)
    post = statuses.post_status(alice, "for the list")
    assert post.id not in in_feed(friends.id)
    response = api_client(bob).get(f"/api/v1/timelines/list/{friends.id}")
    assert [s["id"] for s in response.json()] == [str(post.id)]


def test_activity_is_written_at_most_once_an_hour(api_client, bob):
    client = api_client(bob)
    half_an_hour_ago = timezone.now() - timedelta(minutes=30)
    Account.objects.filter(pk=bob.pk).update(last_active_at=half_an_hour_ago)
    client.get("/api/v1/accounts/verify_credentials")
    assert fresh(bob).last_active_at == half_an_hour_ago
    away(bob, 1)
    client.get("/api/v1/accounts/verify_credentials")
    assert timezone.now() - fresh(bob).last_active_at < timedelta(minutes=1)


def test_signed_in_pages_count_as_activity(client, bob):
    away(bob, 3)
    client.force_login(bob)
    client.get("/")
    assert timezone.now() - fresh(bob).last_active_at < timedelta(minutes=1)
