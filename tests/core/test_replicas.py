"""Reads that may lag go to a PostgreSQL replica, everything else to the primary (chirvir/core/replicas.py),
against real servers: a primary and its streaming hot standby, made here with initdb and pg_basebackup -R on
free loopback ports, and a `chirvir serve` given both. With the standby's replay paused, a new post is missing
from what is read on the standby and there in what is read on the primary (its author's own reads above all);
with the standby stopped, the site answers from the primary."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from mastodon import Mastodon

from chirvir.core.replicas import RETRY_AFTER_SECONDS
from tests.servers import free_port, postgres_url, serving, template_url

pytestmark = pytest.mark.slow
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
if not postgres_url():
    pytest.skip("read replicas are PostgreSQL's: this runs on the PostgreSQL pass (DATABASE_URL=postgres://...)",
                allow_module_level=True)
if not PG_BIN:
    pytest.skip("PostgreSQL's initdb and pg_basebackup are not installed (.ci/run installs them)",
                allow_module_level=True)
BIN = PG_BIN[-1].parent


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.2)
    return result


class Cluster:
    """One PostgreSQL server on a loopback port of its own, its socket in its own directory."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()

    def url(self, database: str = "chirvir") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        subprocess.run(as_postgres([str(BIN / "pg_ctl"), "-D", str(self.directory), "-l",
                                    str(self.directory.parent / f"{self.directory.name}.log"), "-w", "-o", options,
                                    "start"]), check=True, stdout=subprocess.DEVNULL, timeout=60)

    def stop(self) -> None:
        subprocess.run(as_postgres([str(BIN / "pg_ctl"), "-D", str(self.directory), "-m", "fast", "-w", "stop"]),
                       check=True, stdout=subprocess.DEVNULL, timeout=60)

    def query(self, sql: str, *params, database: str = "chirvir"):
        """The first row of a query's answer (None for a command)."""
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchone() if cursor.description else None


@pytest.fixture(scope="module")
def clusters():
    top = Path(tempfile.mkdtemp(prefix="chirvir-replicas-"))
    top.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(top, "postgres", "postgres")  # its clusters and their logs are made by PostgreSQL's user
    primary, standby = Cluster(top / "primary"), Cluster(top / "standby")
    started = []
    try:
        subprocess.run(as_postgres([str(BIN / "initdb"), "-D", str(primary.directory), "-U", "postgres", "-A",
                                    "trust"]), check=True, stdout=subprocess.DEVNULL, timeout=120)
        primary.start()
        started.append(primary)
        primary.query("CREATE DATABASE chirvir", database="postgres")
        # The run's migrated template, copied in: migrating from nothing would take a minute of this machine.
        dump = subprocess.run([str(BIN / "pg_dump"), "-Fc", "--no-owner", template_url()], check=True,
                              capture_output=True, timeout=120).stdout
        subprocess.run([str(BIN / "pg_restore"), "--no-owner", "-d", primary.url()], input=dump, check=True,
                       capture_output=True, timeout=120)
        # A copy of the primary that follows its WAL and answers reads only (-R writes its primary_conninfo).
        subprocess.run(as_postgres([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U",
                                    "postgres", "-D", str(standby.directory), "-R", "-X", "stream", "-c", "fast"]),
                       check=True, stdout=subprocess.DEVNULL, timeout=120)
        standby.start()
        started.append(standby)
        assert standby.query("SELECT pg_is_in_recovery()")[0], "the copy is a standby"
        yield primary, standby
    finally:
        for cluster in reversed(started):
            subprocess.run(as_postgres([str(BIN / "pg_ctl"), "-D", str(cluster.directory), "-m", "immediate",
                                        "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def site(clusters):
    primary, standby = clusters
    data = Path(tempfile.mkdtemp(prefix="chirvir-replicas-data-"))
    # `chirvir serve` migrates at start (nothing is left to apply), with the standby configured: migrations run on
    # the primary only, which the standby follows.
    settings = {"DATABASE_URL": primary.url(), "CHIRVIR_DATABASE_REPLICA_URLS": standby.url()}
    if not os.environ.get("REDIS_URL"):
        # Without Redis, Django's cache (where a writer's next reads are kept on the primary) is each
        # process's own: one web process, so that every request of the test sees it.
        settings["CHIRVIR_WEB_WORKERS"] = "1"
    try:
        with serving(data, **settings) as base:
            started = (data / "serve.log").read_text()
            said = (f"PostgreSQL at 127.0.0.1:{primary.port}/chirvir;"
                    f" reads that may lag from 127.0.0.1:{standby.port}/chirvir")
            assert said in started, "start-up names the primary and the replica"
            yield base
    finally:
        shutil.rmtree(data, ignore_errors=True)


def caught_up(primary: Cluster, standby: Cluster) -> None:
    target = primary.query("SELECT pg_current_wal_lsn()::text")[0]
    wait_until(lambda: standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0], 30,
               "the standby replayed the primary's WAL")


def account(base: str, username: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app("replica tests", api_base_url=base,
                                                   scopes=["read", "write", "follow"])
    anonymous = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    token = anonymous.create_account(username, "a long password 7", f"{username}@example.org", agreement=True,
                                     scopes=["read", "write", "follow"])
    return Mastodon(access_token=token, api_base_url=base, request_timeout=20)


def ids(response: httpx.Response) -> set[int]:
    assert response.status_code == 200, response.text
    return {int(status["id"]) for status in response.json()}


def anonymous_reads(base: str, author_id) -> dict[str, set[int]]:
    """What someone who is not signed in finds by each read that may lag."""
    return {
        "public timeline": ids(httpx.get(f"{base}/api/v1/timelines/public", timeout=20)),
        "hashtag timeline": ids(httpx.get(f"{base}/api/v1/timelines/tag/finals", timeout=20)),
        "the author's profile": ids(httpx.get(f"{base}/api/v1/accounts/{author_id}/statuses", timeout=20)),
    }


def test_with_replay_paused_a_new_post_is_missing_from_the_replica_reads_only(clusters, site):
    primary, standby = clusters
    alice = account(site, "alice")
    me = alice.me()
    alice.status_post("warming up for the #finals")
    caught_up(primary, standby)
    standby.query("SELECT pg_wal_replay_pause()")
    wait_until(lambda: standby.query("SELECT pg_get_wal_replay_pause_state()")[0] == "paused", 20, "replay paused")
    try:
        post = int(alice.status_post("the final whistle #finals")["id"])
        # The write went to the primary (the standby would refuse it), and has not reached the standby.
        assert primary.query("SELECT count(*) FROM statuses_status WHERE id = %s", post)[0] == 1
        assert standby.query("SELECT count(*) FROM statuses_status WHERE id = %s", post)[0] == 0

        for read, found in anonymous_reads(site, me["id"]).items():
            assert post not in found, f"the {read} was read from the standby"
        found = ids(httpx.get(f"{site}/api/v1/timelines/public", timeout=20))
        assert found, "the standby's older posts are there"

        # Read on the primary: the post itself, and every read of its author, who just wrote.
        assert httpx.get(f"{site}/api/v1/statuses/{post}", timeout=20).status_code == 200
        assert post in {int(s["id"]) for s in alice.timeline_home()}
        assert post in {int(s["id"]) for s in alice.account_statuses(me["id"])}
        assert post in {int(s["id"]) for s in alice.timeline_public()}
        assert post in {int(s["id"]) for s in alice.timeline_hashtag("finals")}
    finally:
        standby.query("SELECT pg_wal_replay_resume()")
    caught_up(primary, standby)
    assert all(post in found for found in anonymous_reads(site, me["id"]).values())


def test_with_the_standby_stopped_the_site_answers_from_the_primary_until_it_is_back(clusters, site):
    primary, standby = clusters
    bob = account(site, "bob")
    me = bob.me()
    standby.stop()
    try:
        post = int(bob.status_post("posting with the standby away #finals")["id"])
        for read, found in anonymous_reads(site, me["id"]).items():
            assert post in found, f"the {read} came from the primary"
        page = httpx.get(f"{site}/public", timeout=20)
        assert page.status_code == 200 and "posting with the standby away" in page.text
    finally:
        standby.start()
    caught_up(primary, standby)

    # Back, the standby is read again once each process's pause on it is over.
    time.sleep(RETRY_AFTER_SECONDS + 1)
    standby.query("SELECT pg_wal_replay_pause()")
    wait_until(lambda: standby.query("SELECT pg_get_wal_replay_pause_state()")[0] == "paused", 20, "replay paused")
    try:
        later = int(bob.status_post("the standby is back #finals")["id"])
        for read, found in anonymous_reads(site, me["id"]).items():
            assert later not in found and post in found, f"the {read} was read from the standby again"
    finally:
        standby.query("SELECT pg_wal_replay_resume()")
