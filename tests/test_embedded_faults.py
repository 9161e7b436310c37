"""The embedded mode's worst crash: `make run` (`chirvir serve`) and everything it started killed
with SIGKILL in the middle of a posting burst, as a power cut would stop it. The SQLite files pass
`PRAGMA integrity_check` as the crash left them, and once started again every post that was
accepted is there and in every follower's home. Always on SQLite: that is the mode this is about."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from mastodon import Mastodon

from tests.servers import ROOT, embedded_database

pytestmark = [pytest.mark.slow, pytest.mark.same_in_every_pass]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), CHIRVIR_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT),
               CHIRVIR_RATE_LIMIT="0", CHIRVIR_POSTS_PER_HOUR="0")
    log = open(data.parent / "serve.log", "a")
    process = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "serve"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # a loaded two-core machine is slow to start it
    while True:
        assert process.poll() is None, (data.parent / "serve.log").read_text()
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "chirvir serve did not come up"
        time.sleep(0.2)


def kill_everything(process: subprocess.Popen) -> None:
    """SIGKILL `chirvir serve` and each child's process group (its children lead groups of their own)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    process.kill()
    for child in children:
        try:
            os.killpg(int(child), signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_everything(process)


def account(base: str, username: str) -> Mastodon:
    client_id, secret = Mastodon.create_app("crash tests", api_base_url=base, scopes=["read", "write", "follow"])
    token = Mastodon(client_id=client_id, client_secret=secret, api_base_url=base).create_account(
        username, "a long password 7", f"{username}@example.org", agreement=True, scopes=["read", "write", "follow"]
    )
    return Mastodon(access_token=token, api_base_url=base, request_timeout=20)


def home_ids(client: Mastodon) -> set[int]:
    found, page = set(), client.timeline_home(limit=40)
    while page:
        found |= {int(s["id"]) for s in page}
        page = client.fetch_next(page)
    return found


def test_kill_9_of_serve_mid_burst_loses_no_accepted_post_and_the_database_is_whole(tmp_path):
    data = embedded_database(tmp_path / "data")
    base, process = start(data)
    try:
        alice, bob, carol = (account(base, name) for name in ("alice", "bob", "carol"))
        alice_id = alice.me()["id"]
        for follower in (bob, carol):
            follower.account_follow(alice_id)
        accepted: set[int] = set()

        def burst():
            for n in range(200):
                try:
                    accepted.add(int(alice.status_post(f"mid-burst {n}")["id"]))
                except Exception:
                    return  # the server is gone: what it answered before is what counts

        poster = threading.Thread(target=burst)
        poster.start()
        deadline = time.monotonic() + 60
        while len(accepted) < 10:
            assert time.monotonic() < deadline, "the burst did not start"
            time.sleep(0.05)
        kill_everything(process)
        poster.join(timeout=60)
    except BaseException:
        stop(process)
        raise

    for name in ("chirvir.sqlite3", "jobs.sqlite3"):
        with sqlite3.connect(data / name) as db:  # as the crash left it, its WAL included
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], name

    base, process = start(data)
    try:
        for client in (alice, bob, carol):
            client.api_base_url = base
        deadline = time.monotonic() + 45
        while not all(accepted <= home_ids(follower) for follower in (bob, carol)):
            assert time.monotonic() < deadline, f"{len(accepted)} accepted posts, not all in every follower's home"
            time.sleep(0.5)
    finally:
        stop(process)


def chirvir(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "chirvir.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_worker_that_starts_delivers_at_once_the_post_whose_job_a_killed_worker_took(tmp_path):
    """A worker killed mid-job leaves its post stored, undelivered, and its job gone from the queue.
    The next worker to start delivers it at once: well before the sweep could (it waits until a
    post is 30 s old)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(embedded_database(tmp_path / "data")), PYTHONPATH=str(ROOT))
    lost = chirvir(env, "shell", "--no-imports", "-c", (
        "from chirvir.accounts import services as accounts; from chirvir.statuses.services import post_status; "
        "from chirvir.jobs import huey; "
        "alice = accounts.register('alice', 'a long password 7'); bob = accounts.register('bob', 'a long password 7'); "
        "accounts.follow(bob, alice); status = post_status(alice, 'its job was in flight'); "
        # The queue as the killed worker left it: without the job.
        "huey.flush(); status.refresh_from_db(); print(status.id, status.delivered_at is None)"
    )).split()
    assert lost[1] == "True"
    delivered_in = (
        "from chirvir.statuses.models import Status; s = Status.objects.get(id=%s); "
        "print(-1 if s.delivered_at is None else (s.delivered_at - s.created_at).total_seconds())" % lost[0]
    )
    worker = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while (seconds := float(chirvir(env, "shell", "--no-imports", "-c", delivered_in))) == -1:
            assert time.monotonic() < deadline, "the post was never delivered"
            time.sleep(1)
        assert seconds < 30, f"delivered {seconds:.1f} s after it was posted: by the sweep, not by the starting worker"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
