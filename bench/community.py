"""The synthetic community that `chirvir bench` loads: accounts with a power-law follower graph, a
share of them inactive, seed posts already in the active accounts' homes, and the tokens and
session cookies that the load (bench/load.py) uses through the Mastodon API and the web. It is
written with bulk inserts straight into the tables, and kept with a version stamp so that the
next run of the same shape copies it instead of building it again."""

import itertools
import json
import random
import shutil
import time
from pathlib import Path

from bench.delivery import follower_counts, setup_django

# 2: witnesses' follows are the newest rows, so a witness is the last follower delivery reaches.
VERSION = 2
STAMP = "community.json"
# Activity as real services see it: most accounts signed in long ago and read nothing now. An
# inactive account still follows and is followed, and still gets feed rows on delivery, but it
# never reads or posts during the run and its home feed is not built (its first read would
# rebuild it, as for a new user's).
INACTIVE_SHARE = 0.6
INACTIVE_DAYS = 60
WORDS = "the weather is lovely today and I am drinking tea with friends before the train leaves".split()


def shape_of(accounts: int, mean: float, exponent: float, seed: int, posts: int) -> dict:
    """What the community is made from; a stored one is reused only when this is equal."""
    return {"version": VERSION, "accounts": accounts, "mean_followers": mean, "exponent": exponent, "seed": seed,
            "seed_posts": posts, "inactive_share": INACTIVE_SHARE}


def stored(directory: Path, wanted: dict) -> dict | None:
    """The stamp of the community kept in `directory`, if it was built from `wanted`."""
    stamp = directory / STAMP
    if not stamp.exists():
        return None
    found = json.loads(stamp.read_text())
    return found if {k: found.get(k) for k in wanted} == wanted else None


def build(directory: Path, wanted: dict, tokens: dict, progress=None) -> dict:
    """Make the community in `directory` (its data directory, or the database DATABASE_URL names)
    and write its stamp last, so that an interrupted build is never taken for a whole one.
    `tokens` says how many accounts of each role get a token: posters, readers, witnesses and
    pages (web sessions). Returns the stamp."""
    setup_django(directory)
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throwaway build: a crash means building again, so no fsync while it runs.
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -400000")  # 400 MB: the indexes being made stay in memory
    stamp = fill(directory, wanted, tokens, progress)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp["build_seconds"] = round(time.monotonic() - started, 1)
    (directory / STAMP).write_text(json.dumps(stamp, indent=2))
    return stamp


def fill(directory: Path, wanted: dict, tokens: dict, progress=None) -> dict:
    """The community's rows, in the database Django is set up with; the credentials in `directory`."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from chirvir.accounts.models import Account
    from chirvir.core.ids import id_at
    from chirvir.statuses.models import Status

    step = progress or (lambda message: None)
    n, rng = wanted["accounts"], random.Random(wanted["seed"])
    now = timezone.now()
    base = id_at(time.time() - 7 * 86400)  # IDs a week old: later IDs from the sequence are larger
    ids = [base + i for i in range(n)]
    active = [rng.random() >= INACTIVE_SHARE for _ in range(n)]
    long_ago = now - timezone.timedelta(days=INACTIVE_DAYS)
    step(f"{n:,} accounts")
    with transaction.atomic():
        Account.objects.bulk_create(
            [
                Account(id=ids[i], username=f"u{i}", username_skeleton=f"u{i}", password="!", date_joined=long_ago,
                        last_login=now if active[i] else long_ago)
                for i in range(n)
            ],
            batch_size=5000,
        )
    counts = follower_counts(n, wanted["mean_followers"], wanted["exponent"])
    limit = settings.FANOUT_LIMIT
    witnesses = [i for i in range(n - 1, -1, -1) if active[i]][: tokens["witnesses"]]
    step(f"{sum(counts):,} follows")
    follows = _follows(connection, wanted["seed"], counts, ids, base + n, set(witnesses))
    step(f"{wanted['seed_posts']:,} seed posts")
    _seed_posts(connection, rng, ids, wanted["seed_posts"], now)
    step("home feeds of the active accounts")
    feed_rows = _feeds(connection, [ids[i] for i in range(n) if active[i]], limit, settings.FEED_LENGTH)
    step("tokens and sessions")
    roles = _roles(rng, ids, active, counts, limit, witnesses, tokens, connection)
    _credentials(directory, roles)
    return {
        **wanted,
        "follows": follows,
        "active_accounts": sum(active),
        "max_followers": max(counts),
        "above_50000": sum(c > 50_000 for c in counts),
        "above_fanout_limit": sum(c > limit for c in counts),
        "fanout_limit": limit,
        "feed_rows": feed_rows,
        "statuses": Status.objects.count(),
        "tokens": {role: len(roles[role]) for role in ("posters", "readers", "witnesses", "pages")},
    }


def _follows(connection, seed: int, counts: list[int], ids: list[int], first_id: int, witnesses: set[int]) -> int:
    """Rank r's followers drawn uniformly from everyone else, inserted in the order of the table's
    unique (follower, followed) index so that it grows at its end. The witnesses' follows get the
    newest IDs: delivery reads a post's followers in follow order, so each witness is the last
    follower of every account it follows."""
    import numpy

    rng = numpy.random.default_rng(seed)
    n = len(ids)
    targets = numpy.repeat(numpy.arange(n, dtype=numpy.int64), counts)
    followers = numpy.concatenate(
        [rng.choice(n - 1, count, replace=False) for count in counts if count]
    ).astype(numpy.int64) if targets.size else numpy.zeros(0, dtype=numpy.int64)
    followers += followers >= targets  # skip the target itself
    late = numpy.isin(followers, numpy.fromiter(witnesses, dtype=numpy.int64, count=len(witnesses)))
    order = numpy.lexsort((targets, followers, late))
    followers, targets = followers[order] + ids[0], targets[order] + ids[0]  # account IDs are ids[0] + index
    sql = ("INSERT INTO accounts_follow (id, account_id, target_account_id, created_at, show_reblogs, notify)"
           " VALUES (%s, %s, %s, %s, true, false)")
    from django.utils import timezone

    created = connection.ops.adapt_datetimefield_value(timezone.now())
    chunk = 500_000
    with _without_indexes(connection, "accounts_follow"), connection.cursor() as cursor:
        for start in range(0, targets.size, chunk):
            rows = zip(range(first_id + start, first_id + min(targets.size, start + chunk)),
                       followers[start:start + chunk].tolist(), targets[start:start + chunk].tolist(),
                       itertools.repeat(created))
            cursor.executemany(sql, list(rows))
    with connection.cursor() as cursor:  # with the indexes back
        cursor.execute(
            "UPDATE accounts_account SET"
            " followers_count = (SELECT COUNT(*) FROM accounts_follow f"
            " WHERE f.target_account_id = accounts_account.id),"
            " following_count = (SELECT COUNT(*) FROM accounts_follow f WHERE f.account_id = accounts_account.id)"
        )
    return int(targets.size)


class _without_indexes:
    """Drop a SQLite table's secondary indexes while it is filled, and make them again after:
    one sorted pass per index instead of a random B-tree insert per row. Elsewhere, nothing."""

    def __init__(self, connection, table: str):
        self.connection, self.table, self.indexes = connection, table, []

    def __enter__(self):
        if self.connection.vendor == "sqlite":
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                               " AND sql IS NOT NULL", [self.table])
                self.indexes = cursor.fetchall()
                for name, _sql in self.indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        with self.connection.cursor() as cursor:
            for _name, sql in self.indexes:
                cursor.execute(sql)


def _seed_posts(connection, rng, ids: list[int], posts: int, now) -> None:
    """Plain public posts spread over the last week by random authors, already delivered."""
    from django.utils import timezone

    from chirvir.core.ids import id_at

    week = 7 * 86400
    # From an hour after the accounts' and follows' IDs were made to an hour ago, so no ID meets theirs.
    stamps = sorted(time.time() - week + 3600 + rng.random() * (week - 7200) for _ in range(posts))
    rows = []
    for i, at in enumerate(stamps):
        text = " ".join(rng.sample(WORDS, rng.randint(4, 10))) + f" {i}"
        created = timezone.datetime.fromtimestamp(at, tz=timezone.get_current_timezone())
        rows.append((id_at(at) + i % 65536, rng.choice(ids), text, f"<p>{text}</p>", created, created))
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO statuses_status (id, account_id, text, content, visibility, spoiler_text, sensitive, language,"
            " created_at, replies_count, reblogs_count, favourites_count, quotes_count, quote_approval_policy,"
            " delivered_at) VALUES (%s, %s, %s, %s, 'public', '', false, 'en', %s, 0, 0, 0, 0, 'public', %s)",
            rows,
        )
        cursor.execute(
            "UPDATE accounts_account SET statuses_count = (SELECT COUNT(*) FROM statuses_status s"
            " WHERE s.account_id = accounts_account.id)"
        )
        cursor.execute(
            "UPDATE accounts_account SET last_status_at = (SELECT MAX(created_at) FROM statuses_status s"
            " WHERE s.account_id = accounts_account.id)"
        )


def _feeds(connection, owners: list[int], fanout_limit: int, length: int) -> int:
    """The active accounts' home feeds as rebuild_home makes them, in three statements for all of
    them: their own posts and those of followed accounts that are fanned out, newest `length`
    each. (The seed community has no blocks, mutes, lists, replies or reposts, so this is all
    rebuild_home takes; tests/test_bench.py compares the two.)"""
    from chirvir.timelines.feeds import feed_store

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_owner (id bigint PRIMARY KEY)")
        cursor.executemany("INSERT INTO bench_owner (id) VALUES (%s)", [(o,) for o in owners])
        with _without_indexes(connection, "timelines_feedentry"):
            cursor.execute(
                "INSERT INTO timelines_feedentry (account_id, status_id, author_id, origin_author_id)"
                " SELECT f.account_id, s.id, s.account_id, s.account_id FROM accounts_follow f"
                " JOIN bench_owner o ON o.id = f.account_id"
                " JOIN accounts_account a ON a.id = f.target_account_id AND a.followers_count <= %s"
                " JOIN statuses_status s ON s.account_id = f.target_account_id"
                " UNION ALL SELECT s.account_id, s.id, s.account_id, s.account_id FROM statuses_status s"
                " JOIN bench_owner o ON o.id = s.account_id",
                [fanout_limit],
            )
            rows = cursor.rowcount
        rows -= feed_store().trim(length)
        cursor.execute("INSERT INTO timelines_feed (account_id) SELECT id FROM bench_owner")
        cursor.execute("DROP TABLE bench_owner")
    return rows


def _roles(rng, ids, active, counts, limit, witnesses, tokens, connection) -> dict:
    """Which accounts the load acts as: posters (active, fanned out on write: the accounts whose
    delivery is measured are among them), readers, witnesses (whose homes are watched for the
    posters' posts) and page readers (web sessions, among the readers)."""
    by_id = {account_id: i for i, account_id in enumerate(ids)}
    watched: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        for w in witnesses:
            cursor.execute("SELECT target_account_id FROM accounts_follow WHERE account_id = %s", [ids[w]])
            watched[w] = [by_id[t] for (t,) in cursor.fetchall() if counts[by_id[t]] <= limit and active[by_id[t]]]
    tracked = {t for followees in watched.values() for t in followees}
    candidates = [i for i in range(len(ids)) if active[i] and counts[i] <= limit and i not in witnesses]
    posters = sorted(tracked | set(rng.sample(candidates, min(len(candidates), tokens["posters"]))))
    readers = rng.sample([i for i in range(len(ids)) if active[i]], min(sum(active), tokens["readers"]))
    return {
        "posters": [ids[i] for i in posters],
        "readers": [ids[i] for i in readers],
        "pages": [ids[i] for i in readers[: tokens["pages"]]],
        "witnesses": [ids[w] for w in witnesses],
        "watched": {str(ids[w]): [ids[t] for t in followees] for w, followees in watched.items()},
    }


def _credentials(directory: Path, roles: dict) -> None:
    """Tokens (one per line, in each role's order) and session keys for the load, and which
    accounts each witness watches (credentials.json)."""
    from chirvir.accounts.models import Account
    from chirvir.oauth import services as auth

    from bench.api import _session

    app, _client_id, _secret = auth.create_application("bench")
    roles_ = ("posters", "readers", "witnesses", "pages")
    accounts = Account.objects.in_bulk({i for role in roles_ for i in roles[role]})
    issued = {}

    def token(account_id):
        if account_id not in issued:
            issued[account_id] = auth.issue_token(app, accounts[account_id], "read write")
        return issued[account_id]

    credentials = {role: [token(i) for i in roles[role]] for role in ("posters", "readers", "witnesses")}
    credentials["sessions"] = [_session(accounts[i]) for i in roles["pages"]]
    credentials["watched"] = roles["watched"]
    credentials["witness_ids"] = roles["witnesses"]
    (directory / "credentials.json").write_text(json.dumps(credentials))


def copy(source: Path, target: Path) -> None:
    """A fresh copy of a kept community for one run (its runs add posts and feed rows)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
