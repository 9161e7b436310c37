"""Delivery through the job queue: marked undelivered with the post, delivered after commit,
re-queued by the sweep when a crash lost the job, and idempotent."""

import psycopg
import pytest
from django.db import connection, transaction

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.timelines import delivery as timelines
from chirvir.timelines import tasks
from tests.feed_state import holding, in_feed


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")
def test_on_postgresql_overlapping_batches_deliver_each_post_once(alice, bob, monkeypatch):
    accounts.follow(bob, alice)
    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kw: None)  # jobs not yet run
    first, second = (statuses.post_status(alice, f"post {i}") for i in range(2))
    monkeypatch.undo()
    announced = []
    monkeypatch.setattr(timelines.events, "publish_all", lambda items: announced.extend(list(items)))
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    ) as other_worker:
        # Another worker's batch holds the second post while this one delivers; waiting on its
        # lock would be a failure too (and without a timeout, a hang).
        other_worker.execute("SELECT id FROM statuses_status WHERE id = %s FOR UPDATE", [second.id])
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
