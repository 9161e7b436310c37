"""A streaming database thread outlives what fails in it: the work's own error, and its care for
stale connections (Django's close_old_connections) failing before or after the work. Before, a
failure of that care ended the thread, which nothing starts again, and left the work's stream
waiting for ever (CI saw it once, as an exception in a thread named streaming-db)."""

import concurrent.futures
import queue
import threading

import pytest
from django.db import connection

from chirvir.accounts.models import Account
from chirvir.streaming.streams import _do_database_work

WAIT = 10


def submit(work_queue, work):
    future = concurrent.futures.Future()
    work_queue.put((future, work, ()))
    return future


def test_a_database_thread_lives_on_past_a_failure_of_its_connection_care(django_db_blocker):
    work_queue = queue.SimpleQueue()
    thread = threading.Thread(target=_do_database_work, args=(work_queue,), daemon=True)
    thread.start()
    # The thread's connection is opened by a first piece of work...
    assert submit(work_queue, Account.objects.count).result(WAIT) == 0
    # ...and checked before the next: here the check itself fails, as pytest-django refuses any use
    # of a connection while it blocks the database (a broken connection fails it in the same place).
    with django_db_blocker.block():
        failed = submit(work_queue, lambda: "not reached")
        with pytest.raises(RuntimeError, match="Database access not allowed"):
            failed.result(WAIT)
    assert thread.is_alive()
    with pytest.raises(ZeroDivisionError):
        submit(work_queue, lambda: 1 / 0).result(WAIT)
    assert submit(work_queue, Account.objects.count).result(WAIT) == 0
    assert thread.is_alive()
    submit(work_queue, lambda: connection.close()).result(WAIT)  # the thread's own, not held past the test
