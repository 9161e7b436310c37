"""The Redis feed store against a real redis-server of the test's own (in both of CI's passes):
feeds trimmed to their length on every push, read in exact ID order however close the IDs, an
author's posts taken out, and every feed rebuilt from the follow graph after Redis lost them."""

import pytest

from chirvir.accounts import services as accounts
from chirvir.core.paging import Page
from chirvir.statuses import services as statuses
from chirvir.timelines import feeds
from chirvir.timelines.feeds import Entry, RedisFeedStore


@pytest.fixture
def store(private_redis, monkeypatch):
    """The Redis store on the private server, in place of this run's own."""
    redis_store = RedisFeedStore(private_redis.client(), prefix="test:feed")
    monkeypatch.setattr(feeds, "_STORE", redis_store)
    return redis_store


def entry(status_id, author_id=1, origin_author_id=None):
    return Entry(status_id, author_id, origin_author_id or author_id)


def test_a_push_trims_a_feed_to_its_length(store, settings):
    settings.FEED_LENGTH = 5
    store.replace(7, [])
    for status_id in range(100, 110):
        store.push(entry(status_id), [7])
    assert store.read(7, Page(limit=20)) == [109, 108, 107, 106, 105]
    assert store.exists(7)
    assert store.client.zcard("test:feed:7") == 6  # the five, and the mark that the feed exists
    for status_id in range(110, 113):
        store.push(entry(status_id), [8])  # a feed never built: pushed to, missing all the same
    assert store.trim(2) == 3 + 1  # 7 keeps its newest two, 8 too
    assert store.read(7, Page()) == [109, 108] and store.read(8, Page()) == [112, 111]
    assert store.exists(7) and not store.exists(8)


def test_ids_closer_than_a_scores_precision_keep_their_order_and_pages(store):
    # Time-ordered IDs above 2**53: neighbours share a double, so the score alone cannot order them.
    base = (1_800_000_000_000 << 16) + 3
    ids = [base + i for i in range(40)]
    assert len({float(i) for i in ids}) < len(ids)
    store.replace(7, [entry(i) for i in reversed(ids)])
    newest_first = ids[::-1]
    assert store.read(7, Page(limit=40)) == newest_first
    assert store.read(7, Page(max_id=ids[20], limit=5)) == newest_first[20:25]
    assert store.read(7, Page(since_id=ids[30], limit=40)) == newest_first[:9]
    assert store.read(7, Page(min_id=ids[10], limit=3)) == [ids[13], ids[12], ids[11]]


def test_a_feed_pushed_to_but_never_built_counts_as_missing(store):
    store.push(entry(5), [7])  # a feed dropped or flushed away just before delivery
    assert not store.exists(7)
    store.replace(7, [entry(4)])
    assert store.exists(7) and store.read(7, Page()) == [4]


def test_an_authors_posts_and_reposts_of_them_leave_one_feed(store):
    store.replace(7, [entry(10, author_id=2), entry(11, author_id=3, origin_author_id=2), entry(12, author_id=3)])
    store.replace(8, [entry(10, author_id=2)])
    store.remove_author(7, 2)
    assert store.read(7, Page()) == [12]
    assert store.read(8, Page()) == [10]
    store.remove_from(7, [12])
    assert store.read(7, Page()) == [] and store.exists(7)


def test_deleted_statuses_leave_every_feed(store):
    base = (1_800_000_000_000 << 16) + 3  # with neighbours sharing its score, which stay
    for owner in range(600):  # more feeds than one SCAN step
        store.replace(owner, [entry(base), entry(base + 1), entry(base + 2)])
    store.remove_statuses([base + 1])
    assert all(store.read(owner, Page()) == [base + 2, base] for owner in (0, 299, 599))
    store.drop(5)
    assert not store.exists(5)


def test_after_a_flush_every_home_is_rebuilt_from_the_follow_graph(store, private_redis, alice, bob, carol):
    from chirvir.timelines import reads

    accounts.follow(alice, bob)
    accounts.follow(carol, bob)
    accounts.follow(carol, alice)
    reads.home(alice), reads.home(carol)
    posts = [statuses.post_status(author, text) for author, text in ((bob, "bob 1"), (alice, "alice 1"), (bob, "bob 2"))]
    before = {a.username: [s.text for s in reads.home(a)] for a in (alice, bob, carol)}
    assert before == {
        "alice": ["bob 2", "alice 1", "bob 1"], "bob": ["bob 2", "bob 1"], "carol": ["bob 2", "alice 1", "bob 1"]
    }
    assert private_redis.client().flushall()
    assert not any(store.exists(a.id) for a in (alice, bob, carol))
    assert {a.username: [s.text for s in reads.home(a)] for a in (alice, bob, carol)} == before
    later = statuses.post_status(bob, "bob 3")  # delivery goes on into the rebuilt feeds
    assert [s.id for s in reads.home(carol)] == [later.id, *(p.id for p in reversed(posts))]


def test_a_post_made_while_redis_is_down_is_accepted_and_delivered_once_it_is_back(store, private_redis, alice, bob):
    from chirvir.statuses.models import Status
    from chirvir.timelines import reads, tasks

    accounts.follow(bob, alice)
    reads.home(bob)
    private_redis.stop()
    post = statuses.post_status(alice, "while Redis is away")  # accepted: nothing raised
    assert Status.objects.get(id=post.id).delivered_at is None
    private_redis.start()  # empty, as after a restart without persistence
    Status.objects.filter(id=post.id).update(created_at=post.created_at.replace(year=2020))
    tasks.sweep.call_local()  # what each worker runs every minute
    assert [s.text for s in reads.home(bob)] == ["while Redis is away"]
    assert Status.objects.get(id=post.id).delivered_at is not None
