"""Delivery through the job queue: marked undelivered with the post, delivered after commit,
re-queued by the sweep when a crash lost the job, and idempotent."""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.timelines import delivery as timelines
from chirvir.timelines import tasks
from tests.feed_state import holding, in_feed


def two_undelivered_posts(alice, bob, monkeypatch):
    """Two posts of alice's, which bob follows, stored with their delivery jobs not run; and the
    list that every announcement to the streams goes to from now on."""
    accounts.follow(bob, alice)
    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kw: None)
    first, second = (statuses.post_status(alice, f"post {i}") for i in range(2))
    monkeypatch.undo()
    announced = []
    monkeypatch.setattr(timelines.events, "publish_all", lambda items: announced.extend(list(items)))
    return first, second, announced


def another_connection() -> psycopg.Connection:
    """A connection of its own to the test's PostgreSQL database: another worker, or another request."""
    db = connection.settings_dict
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"])


def test_a_post_is_stored_undelivered_and_delivered_after_commit(alice, bob):
    accounts.follow(bob, alice)
    with transaction.atomic():
        status = statuses.post_status(alice, "hello")
        assert Status.objects.get(id=status.id).delivered_at is None
        assert not holding(status.id, (alice, bob))
    assert Status.objects.get(id=status.id).delivered_at is not None
    assert len(holding(status.id, (alice, bob))) == 2


def test_a_failed_post_leaves_nothing_behind_and_queues_nothing(alice, bob):
    accounts.follow(bob, alice)
    try:
        with transaction.atomic():
            statuses.post_status(alice, "#rolled back @bob")
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    assert not Status.objects.exists() and not in_feed(bob)
    assert not bob.notifications.exists()


def test_the_sweep_requeues_a_lost_delivery(alice, bob, monkeypatch):
    accounts.follow(bob, alice)
    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kw: None)  # the job is lost
    status = statuses.post_status(alice, "lost in a crash")
    monkeypatch.undo()
    assert not holding(status.id, (alice, bob))
    Status.objects.filter(id=status.id).update(created_at=status.created_at.replace(year=2020))
    assert tasks.sweep.call_local() == 1
    assert len(holding(status.id, (alice, bob))) == 2
    assert tasks.sweep.call_local() == 0  # delivered: nothing left to sweep


def test_delivering_twice_changes_nothing(alice, bob):
    accounts.follow(bob, alice)
    status = statuses.post_status(alice, "once")
    assert timelines.deliver_status(status.id) == 0
    Status.objects.filter(id=status.id).update(delivered_at=None)
    assert timelines.deliver_status(status.id) == 1
    assert len(holding(status.id, (alice, bob))) == 2


def test_delivering_a_deleted_post_does_nothing(alice):
    status = statuses.post_status(alice, "gone")
    statuses.delete_status(alice, status.id)
    assert timelines.deliver_status(status.id) == 0


def test_one_delivery_job_takes_the_posts_waiting_after_it(alice, bob, monkeypatch):
    accounts.follow(bob, alice)
    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kw: None)  # jobs not yet run
    posts = [statuses.post_status(alice, f"post {i}") for i in range(3)]
    monkeypatch.undo()
    assert timelines.deliver_status(posts[0].id) == 3
    assert not Status.objects.filter(delivered_at__isnull=True).exists()
    assert len(in_feed(bob)) == 3


def test_a_batch_another_worker_delivered_meanwhile_is_not_announced_again(alice, bob, monkeypatch):
    """Two workers: this one reads its batch (the second post), and before it writes, the other
    one's batch takes that post too. The streams hear of the post once: a second `update` reached a
    follower's live home in CI (tests/streaming/test_streaming.py)."""
    first, second, announced = two_undelivered_posts(alice, bob, monkeypatch)
    recipients, other_worker = timelines.home_recipients, {}

    def meanwhile_the_other_worker_delivers(route):
        if "delivered" not in other_worker:
            other_worker["delivered"] = None  # its own read of the recipients comes through here
            other_worker["delivered"] = timelines.deliver_status(first.id)
        return recipients(route)

    monkeypatch.setattr(timelines, "home_recipients", meanwhile_the_other_worker_delivers)
    assert timelines.deliver_status(second.id) == 0
    assert other_worker == {"delivered": 2}
    assert [payload["status_id"] for _keys, _name, payload in announced] == [first.id, second.id]
    assert len(in_feed(bob)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")
def test_on_postgresql_overlapping_batches_deliver_each_post_once(alice, bob, monkeypatch):
    first, second, announced = two_undelivered_posts(alice, bob, monkeypatch)
    with another_connection() as other_worker:
        # Another worker's batch holds the second post while this one delivers (its claim,
        # chirvir/timelines/delivery.py); waiting on it would be a failure too (and without a
        # timeout, a hang).
        other_worker.execute("SELECT pg_advisory_xact_lock(%s)", [second.id])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            assert timelines.deliver_status(first.id) == 1
        finally:
            other_worker.commit()
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    assert [payload["status_id"] for _keys, _name, payload in announced] == [first.id]
    assert timelines.deliver_status(second.id) == 1
    assert timelines.deliver_status(second.id) == 0
    assert [payload["status_id"] for _keys, _name, payload in announced] == [first.id, second.id]
    assert len(in_feed(bob)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")
def test_on_postgresql_a_post_whose_row_a_favourite_locks_is_delivered_at_once(alice, bob, monkeypatch):
    """A favourite (or a reply, or a repost) locks the post's row for its count while the post goes
    out. Delivery waits the moment it takes, rather than take the lock for another worker's batch
    and leave the post to the sweep: in CI a public stream missed a post reposted at once."""
    accounts.follow(bob, alice)
    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kw: None)  # the job not yet run
    post = statuses.post_status(alice, "liked at once")
    monkeypatch.undo()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (delivering,) = cursor.fetchone()
    with another_connection() as favouriting:
        favouriting.execute("UPDATE statuses_status SET favourites_count = favourites_count + 1 WHERE id = %s", [post.id])
        waited = []

        def commit_once_delivery_waits():
            # Commits as soon as the delivery waits on the row's lock, or after 10 s when it never does.
            with another_connection() as watcher:
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not waited:
                    found = watcher.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [delivering])
                    if found.fetchone() == ("Lock",):
                        waited.append(True)
                    time.sleep(0.05)
            favouriting.commit()

        committer = threading.Thread(target=commit_once_delivery_waits)
        committer.start()
        try:
            delivered = timelines.deliver_status(post.id)
        finally:
            committer.join()
    assert delivered == 1 and waited == [True]
    assert Status.objects.get(id=post.id).delivered_at is not None
    assert len(in_feed(bob)) == 1
