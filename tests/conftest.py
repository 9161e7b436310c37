"""Shared fixtures. Tests that touch the database run in real transactions (the database is
emptied between tests), because delivery jobs start only when a post's transaction commits."""

import email
import email.policy
import os
import resource
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connections, transaction
from django.test import TransactionTestCase, override_settings
from django.utils import translation

from chirvir.accounts import services as accounts
from chirvir.api.counters import counters
from chirvir.core import redis
from tests import servers
from tests.redis_server import redis_server
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
# The test data the suite carries (tests/data/README.md says where each file comes from).
DATA = ROOT / "tests" / "data"
PURE = {
    "test_text_conformance.py", "test_text_html.py", "test_text_length.py", "test_serve.py", "test_browser.py",
    "test_live.py", "test_install.py", "test_media_in_the_browser.py", "test_lists_in_the_browser.py",
    "test_phishing_in_the_browser.py",

    "test_polls_in_the_browser.py",

    "test_filters_in_the_browser.py",

    "test_two_factor_in_the_browser.py",

    "test_moderation_in_the_browser.py",

    "test_tags_in_the_browser.py",

    "test_widgets_in_the_browser.py", "test_ci_passes.py",
}


# What migrating leaves in the database besides the schema: the rows Django's post_migrate makes.
# No test adds or removes one; emptying keeps them (checked by count, see below).
MADE_BY_MIGRATING = ("django_content_type", "auth_permission")
_emptying: dict[str, tuple[str, tuple]] = {}  # alias -> (the query naming the tables with rows, kept counts)
_flush = TransactionTestCase._fixture_teardown


def empty_the_database(test_case):
    """The end of every test: every table emptied, as Django's `flush` leaves them, but faster.
    `flush` deletes the content types and permissions too and makes them again through
    post_migrate (0.2 s a test on SQLite, 0.5 s on PostgreSQL on this machine), and on PostgreSQL
    TRUNCATEs all 75 tables, which makes new files for each and its indexes (0.2-0.5 s more).
    Here those rows are kept, and only the tables a test wrote to are emptied, by DELETE in one
    transaction (0.02-0.1 s), the foreign keys checked at its commit (Django makes them deferrable)."""
    for alias in test_case._databases_names(include_mirrors=False):
        connection = connections[alias]
        if alias not in _emptying:
            quote = connection.ops.quote_name
            tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
            find = " UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {quote(t)})" for t in tables if t not in MADE_BY_MIGRATING
            )
            _emptying[alias] = find, _kept_counts(connection)
        find, counts = _emptying[alias]
        if _kept_counts(connection) != counts:  # a test changed them: Django's own flush makes them again
            _flush(test_case)
            continue
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(find)
            deletes = [f"DELETE FROM {connection.ops.quote_name(table)}" for (table,) in cursor.fetchall()]
            if connection.vendor == "postgresql" and deletes:
                cursor.execute(";".join(["SET CONSTRAINTS ALL DEFERRED", *deletes]))  # one round trip
            else:
                for delete in deletes:
                    cursor.execute(delete)


def _kept_counts(connection) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in MADE_BY_MIGRATING))
        return cursor.fetchone()


TransactionTestCase._fixture_teardown = empty_the_database


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """pytest-django's test database, copied from the run's migrated template (tests/servers.py)
    rather than migrated again by every worker; dropped at the end, as pytest-django drops its own."""
    connection = connections["default"]
    with django_db_blocker.unblock():
        connection.close()
        if connection.vendor == "sqlite":
            name = connection.creation._get_test_db_name()  # in memory, open until the process ends
        else:
            name = f"test_{connection.settings_dict['NAME']}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
            servers.drop_database(name)
            servers.copy_template_to(name)
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            servers.copy_template_to(connection.connection)
    yield
    if connection.vendor != "sqlite":
        with django_db_blocker.unblock():
            connection.close()
            servers.drop_database(name)


@pytest.fixture(autouse=True)
def served_databases_dropped():
    """A served data directory keeps its PostgreSQL database across restarts within a test."""
    yield
    servers.drop_databases_not_served()


def pytest_unconfigure(config):
    servers.drop_databases_not_served()  # those of the servers the last module shared
    servers.remove_template()


# The files that take longest, longest first, as CI's passes measured them (`--durations=0`, summed
# by file). They are handed to pytest-xdist's workers first, so that no worker is left with one of
# them at the end while the other idles (the Makefile turns off xdist's own ordering, by test count).
# None of them shares a package's server (tests/web/conftest.py `site`), which taking one out of its
# package's run would start twice.
LONGEST_FIRST = [
    "tests/test_privacy_sweep.py", "tests/test_serve.py", "tests/test_audience_property.py", "tests/test_commands.py",
    "tests/test_bench.py", "tests/test_scale_out.py", "tests/test_embedded_faults.py",
    "tests/statuses/test_scheduled.py", "tests/api/test_toot_integration.py", "tests/web/test_languages.py",
    "tests/streaming/test_streaming.py", "tests/trends/test_trends_api.py", "tests/push/test_push_live.py",
    "tests/auth/test_brute_force.py", "tests/api/test_status_cache.py", "tests/core/test_metrics.py",
    "tests/api/test_endpoints.py", "tests/api/test_oauth.py", "tests/search/test_search_clients.py",
    "tests/api/test_ratelimit.py",
]


# CI's PostgreSQL + Redis pass sets this (.ci/run): a test marked `same_in_every_pass` sets the pass's
# database and Redis aside (it runs the embedded default, or starts PostgreSQL and Redis of its own),
# so it does the very same thing in both passes, and the SQLite pass beside it runs it.
SAME_RAN_BESIDE = pytest.mark.skip(
    reason="sets this pass's database and Redis aside, so CI's SQLite pass runs the very same test (.ci/run)"
)


def pytest_collection_modifyitems(config, items):
    skip_alike = bool(os.environ.get("CHIRVIR_SKIP_SAME_IN_EVERY_PASS"))
    for item in items:
        if item.path.name not in PURE:
            item.add_marker(pytest.mark.django_db(transaction=True))
        if skip_alike and item.get_closest_marker("same_in_every_pass"):
            item.add_marker(SAME_RAN_BESIDE)
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    root = Path(str(config.rootpath))
    items.sort(key=lambda item: rank.get(item.path.relative_to(root).as_posix(), len(rank)))


# `CHIRVIR_TEST_CPU_LOG=file make test`: each test's CPU, with that of the processes it started and
# waited for (its servers, commands and browsers), its wall time and the run's database, one line a
# test appended to the file (CI's two passes may share one); `python -m tests.cpu_by_file file` sums
# them by file. On two cores the suite is CPU-bound, so this, not the wall time that xdist's
# workers and the other pass share, says where its time goes.
CPU_LOG = os.environ.get("CHIRVIR_TEST_CPU_LOG")


def _cpu_seconds() -> float:
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not CPU_LOG:
        yield
        return
    cpu, wall = _cpu_seconds(), time.monotonic()
    yield
    with open(CPU_LOG, "a") as log:
        log.write(f"{_cpu_seconds() - cpu:.3f} {time.monotonic() - wall:.3f} {connections['default'].vendor} "
                  f"{item.nodeid}\n")


@pytest.fixture(autouse=True)
def no_requests_counted():
    """Every test starts with fresh rate limits: the counters live in their own file in the test
    run's data directory, which the emptying of the database between tests does not reach."""
    counters().clear()


@pytest.fixture(autouse=True)
def no_redis_keys_left():
    """In the scale-out pass, every test starts with none of this worker's keys in Redis (feeds,
    cache, counters), as with none of its rows in the database; other workers' keys stay."""
    yield
    if redis.enabled():
        redis.forget_everything()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own (tests/redis_server.py): one it may flush or restart."""
    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture(autouse=True)
def no_ip_blocks_remembered():
    """The no_access IP blocks are cached in the process for a few seconds (chirvir.moderation.blocks):
    a block of the test before, whose rows the emptying of the database took, must not outlive it."""
    from chirvir.moderation import blocks

    blocks.forget_cached_blocks()


@pytest.fixture(autouse=True)
def english_afterwards():
    """A page request in another language leaves that language active in the test's thread (the
    test client serves in it); every test starts in English, whatever ran before it."""
    yield
    translation.deactivate()


@pytest.fixture
def make_account():
    def make(username, **profile):
        account = accounts.register(username, "a long password 7", email=profile.pop("email", ""))
        if profile:
            accounts.update_profile(account, **profile)
        return account

    return make


@pytest.fixture
def alice(make_account):
    return make_account("alice", display_name="Alice")


@pytest.fixture
def bob(make_account):
    return make_account("bob", display_name="Bob")


@pytest.fixture
def carol(make_account):
    return make_account("carol", display_name="Carol")


def fresh(account):
    """The account as stored now (counts change in the database, not on the object)."""
    account.refresh_from_db()
    return account


class Inbox:
    """A real SMTP server's mailbox (aiosmtpd on loopback): what it was sent, as messages."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    """Mail goes out over SMTP to a server on 127.0.0.1 for the test's length; yields its Inbox."""
    port = free_port()
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port
    ):
        yield box
    controller.stop()
