"""The suite's own footing (tests/conftest.py, tests/servers.py): the test database is a copy of
the run's migrated template, and each test starts on it empty, however the test before left it;
only the rows that migrating makes (content types, permissions) stay, and all of them."""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses

KEPT = {ContentType, Permission}


def test_the_test_database_is_fully_migrated():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_a_test_leaves_rows_in_many_tables(alice, bob, carol):
    accounts.follow(bob, alice)
    accounts.follow(carol, alice)
    post = statuses.post_status(alice, "hello @bob #wildlife")
    statuses.post_status(bob, "a reply", in_reply_to_id=post.id)
    accounts.block(carol, bob)
    written = [m for m in apps.get_models(include_auto_created=True) if m not in KEPT and m.objects.exists()]
    assert len(written) >= 8, written


def test_the_next_test_finds_every_table_empty_but_those_migrating_fills():
    # Runs after the one above (a file runs in order, on one worker).
    left = [m.__name__ for m in apps.get_models(include_auto_created=True) if m not in KEPT and m.objects.exists()]
    assert left == []
    counts = ContentType.objects.count(), Permission.objects.count()
    assert counts[0] >= len(apps.get_models()) and counts[1] > 0
    emit_post_migrate_signal(0, False, connection.alias)  # makes whatever migrating made that is missing
    assert (ContentType.objects.count(), Permission.objects.count()) == counts
