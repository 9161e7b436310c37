"""`make run-scale` (deploy/run_scale.py) as an operator starts it, and the faults it must survive:
PostgreSQL of its own, a Redis this module starts and hands it as REDIS_URL (so that a test may stop
and flush it; both are started here, so this does the same in both of CI's passes, and runs in the SQLite one), two web, one streaming
and two worker processes behind nginx. Apps talk to nginx only: Mastodon.py posts and reads, a
WebSocket stream comes through it, pages render. Then, on the same running stack: workers killed
mid-burst, PostgreSQL restarted under load, the streaming process killed, Redis flushed, Redis
stopped."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import orjson
import pytest
from mastodon import Mastodon
from websockets.exceptions import InvalidHandshake
from websockets.sync.client import connect

from tests.redis_server import RedisServer
from tests.servers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.same_in_every_pass]
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
MISSING = [name for name, found in [
    ("nginx", shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")),
    ("redis-server", shutil.which("redis-server")),
    ("PostgreSQL's initdb", PG_BIN),
] if not found]
if MISSING:
    pytest.skip(f"the scale-out stack needs {', '.join(MISSING)} (.ci/run installs them)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if result := check():
                return result
        except (httpx.HTTPError, OSError, InvalidHandshake):
            pass
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.3)


class Stack:
    def __init__(self, base: str, data: Path, process: subprocess.Popen, redis: RedisServer):
        self.base, self.data, self.process, self.redis = base, data, process, redis

    @property
    def state(self) -> dict:
        return json.loads((self.data / "run-scale" / "state.json").read_text())

    def pid(self, name: str) -> int:
        return self.state["processes"][name]

    def kill(self, name: str) -> int:
        """SIGKILL a process and the group it leads (a Granian server's workers too)."""
        pid = self.pid(name)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def restarted(self, name: str, old_pid: int, seconds: float = 30) -> int:
        return wait_until(lambda: self.pid(name) != old_pid and self.pid(name), seconds, f"{name} started again")

    def account(self, username: str) -> Mastodon:
        client_id, client_secret = Mastodon.create_app("scale-out tests", api_base_url=self.base,
                                                       scopes=["read", "write", "follow"])
        anonymous = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=self.base)
        token = anonymous.create_account(username, "a long password 7", f"{username}@example.org", agreement=True,
                                         scopes=["read", "write", "follow"])
        return Mastodon(access_token=token, api_base_url=self.base, request_timeout=20)


@pytest.fixture(scope="module")
def stack():
    data = Path(tempfile.mkdtemp(prefix="chirvir-scale-"))
    data.chmod(0o755)  # run as root, PostgreSQL's own user must reach its cluster inside
    port = free_port()
    redis = RedisServer(data)
    redis.start()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), CHIRVIR_BIND=f"127.0.0.1:{port}", REDIS_URL=redis.url,
               CHIRVIR_POSTS_PER_HOUR="0", CHIRVIR_RATE_LIMIT="100000")  # counted in Redis, never reached
    log = open(data / "run-scale.out", "w")
    process = subprocess.Popen([sys.executable, "deploy/run_scale.py"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: process.poll() is None and "is serving" in (data / "run-scale.out").read_text()
                   or (process.poll() is not None and pytest.fail((data / "run-scale.out").read_text())),
                   240, "run-scale serving")
        yield Stack(base, data, process, redis)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        redis.stop()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def community(stack):
    """alice, followed by bob, carol and dave."""
    people = {name: stack.account(name) for name in ("alice", "bob", "carol", "dave")}
    alice_id = people["alice"].me()["id"]
    for name in ("bob", "carol", "dave"):
        people[name].account_follow(alice_id)
    return people


def home_ids(client: Mastodon) -> set[int]:
    """Every ID in the home timeline, paged through."""
    found, page = set(), client.timeline_home(limit=40)
    while page:
        found |= {int(s["id"]) for s in page}
        page = client.fetch_next(page)
    return found


def everyone_has(people: dict, accepted: set[int]) -> bool:
    return all(accepted <= home_ids(people[name]) for name in ("bob", "carol", "dave"))


def burst(client: Mastodon, count: int, label: str, pause: float = 0.0) -> tuple[set[int], int]:
    """Post `count` times; returns the IDs of the posts accepted, and how many were refused."""
    accepted, refused = set(), 0
    for n in range(count):
        try:
            accepted.add(int(client.status_post(f"{label} {n}")["id"]))
        except Exception:  # a refusal during a fault (502 from nginx, 500 from a lost database)
            refused += 1
        time.sleep(pause)
    return accepted, refused


def test_the_same_api_and_pages_as_make_run_through_nginx(stack, community):
    alice, bob = community["alice"], community["bob"]
    # The instance document sends apps to nginx for streaming too.
    instance = httpx.get(f"{stack.base}/api/v1/instance", timeout=20).json()
    assert instance["urls"]["streaming_api"] == stack.base.replace("http://", "ws://")
    token = bob.access_token
    with connect(f"{stack.base.replace('http', 'ws')}/api/v1/streaming?access_token={token}&stream=user",
                 open_timeout=20) as stream:
        posted = alice.status_post("हर कोई देखे: through nginx")
        event = json.loads(stream.recv(timeout=30))
        while event.get("event") != "update":
            event = json.loads(stream.recv(timeout=30))
        assert json.loads(event["payload"])["id"] == posted["id"]
    assert wait_until(lambda: int(posted["id"]) in home_ids(bob), 30, "the post in bob's home")
    page = httpx.get(f"{stack.base}/@alice", timeout=20)
    assert page.status_code == 200 and "through nginx" in page.text
    assert httpx.get(f"{stack.base}/static/chirvir/missing.png", timeout=20).status_code in (200, 404)
    # /metrics adds up the machine's processes; through nginx, the client it names is checked.
    metrics = httpx.get(f"{stack.base}/metrics", timeout=20)
    assert metrics.status_code == 200 and "chirvir_posts_total" in metrics.text
    spoofed = httpx.get(f"{stack.base}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=20)
    assert spoofed.status_code == 403


def test_workers_killed_mid_burst_lose_no_accepted_post(stack, community):
    alice = community["alice"]
    accepted, refused = burst(alice, 10, "before the kill")
    # At once after a post is accepted its delivery job has just been taken off the queue by a
    # worker (which waits on it), and is running: SIGKILL now takes that job with it.
    accepted.add(int(alice.status_post("its job in flight")["id"]))
    killed = {name: stack.kill(name) for name in ("worker1", "worker2")}
    more, refused_after = burst(alice, 20, "while no worker runs")
    assert refused == refused_after == 0  # the web side never needs the workers to accept a post
    for name, pid in killed.items():
        stack.restarted(name, pid)
    wait_until(lambda: everyone_has(community, accepted | more), 50, "every post in every follower's home")


def test_postgresql_restarted_under_load_and_the_service_recovers_by_itself(stack, community):
    alice = community["alice"]
    results = {}
    poster = threading.Thread(
        target=lambda: results.update(zip(("accepted", "refused"), burst(alice, 40, "restart", pause=0.2)))
    )
    poster.start()
    time.sleep(1.5)
    cluster = stack.state["postgresql"]
    pg_ctl = str(PG_BIN[-1].parent / "pg_ctl")
    command = [pg_ctl, "-D", cluster, "-m", "fast", "-w", "restart"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=60)
    # Nobody touches the services. Once PostgreSQL is back, each process's connections are found
    # dead before they are used, not by a failed request: the next posts and a new stream work at once.
    after = {int(alice.status_post(f"after the restart {n}")["id"]) for n in range(6)}
    url = f"{stack.base.replace('http', 'ws')}/api/v1/streaming?access_token={alice.access_token}&stream=user"
    with connect(url, open_timeout=20):
        pass
    poster.join(timeout=120)
    assert results["accepted"], "no post was accepted around the restart"
    wait_until(lambda: everyone_has(community, results["accepted"] | after), 50, "every post delivered")


def test_a_killed_streaming_process_leaves_clients_nothing_to_miss(stack, community):
    alice, bob = community["alice"], community["bob"]
    url = f"{stack.base.replace('http', 'ws')}/api/v1/streaming?access_token={bob.access_token}&stream=user"

    def updates(stream, wanted: int) -> list[int]:
        seen = []
        while len(seen) < wanted:
            event = orjson.loads(stream.recv(timeout=30))
            if event.get("event") == "update":
                seen.append(int(orjson.loads(event["payload"])["id"]))
        return seen

    with connect(url, open_timeout=20) as stream:
        first = int(alice.status_post("before the crash")["id"])
        seen = updates(stream, 1)
        assert seen == [first]
        old = stack.kill("streaming1")
        missed = {int(alice.status_post(f"while streaming is down {n}")["id"]) for n in range(3)}
    # The client reconnects (nginx answers 502 until the process is back), then catches up by
    # since_id on the home timeline, as Mastodon's apps do: what it was owed meanwhile is there.
    stream = wait_until(lambda: connect(url, open_timeout=5), 40, "the stream reconnected")
    with stream:
        stack.restarted("streaming1", old)
        wait_until(lambda: missed <= {int(s["id"]) for s in bob.timeline_home(since_id=max(seen), limit=40)},
                   30, "the missed posts caught up by since_id")
        live = int(alice.status_post("after the reconnect")["id"])
        heard = []
        while live not in heard:  # a missed post delivered late may be heard first
            heard += updates(stream, 1)


def test_a_flushed_redis_leaves_every_feed_rebuilt_as_it_was(stack, community):
    alice, bob = community["alice"], community["bob"]
    bob.status_post("bob's own")  # a home holds its owner's posts too
    followers = ("bob", "carol", "dave")
    wait_until(lambda: undelivered(stack) == 0, 30, "nothing left to deliver")
    before = {name: [s["id"] for s in community[name].timeline_home(limit=40)] for name in followers}
    assert all(before.values())
    stack.redis.client().flushall()
    after = {name: [s["id"] for s in community[name].timeline_home(limit=40)] for name in followers}
    assert after == before
    # ...and the rebuilt feeds take new posts as before.
    posted = alice.status_post("after the flush")["id"]
    wait_until(lambda: all(community[name].timeline_home(limit=1)[0]["id"] == posted for name in followers),
               30, "the new post in every home")


def test_with_redis_stopped_posting_is_accepted_and_delivered_once_it_is_back(stack, community):
    alice = community["alice"]
    stack.redis.stop()
    try:
        accepted, refused = burst(alice, 5, "while redis is down")
        # A mention queues a push to its apps as well; that queue is down too.
        accepted.add(int(alice.status_post("@bob while redis is down")["id"]))
        assert refused == 0 and len(accepted) == 6
    finally:
        stack.redis.start()  # on the same port, empty: as a Redis that lost its memory
    # Their delivery jobs never reached the queue; the posts are marked undelivered in PostgreSQL, and
    # the minutely sweep queues them again (30 s after they were posted, at its next minute).
    wait_until(lambda: undelivered(stack) == 0, 100, "the posts delivered once Redis is back")
    assert everyone_has(community, accepted)


def undelivered(stack) -> float:
    for line in httpx.get(f"{stack.base}/metrics", timeout=20).text.splitlines():
        if line.startswith("chirvir_undelivered_posts "):
            return float(line.split()[1])
    raise AssertionError("no chirvir_undelivered_posts in /metrics")
