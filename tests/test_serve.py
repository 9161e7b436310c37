"""`chirvir serve` as `make run` starts it: a real process on a free port, with its own data
directory, the web server and the job consumer; the demo community's posts are delivered by the
real Huey consumer reading its SQLite queue."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.servers import ROOT, embedded_database, manage, served_process

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def served(tmp_path):
    """`make run` on a fresh machine: a data directory with nothing in it yet, which `serve` migrates."""
    yield from _serve(tmp_path)


@pytest.fixture
def served_again(tmp_path):
    """`make run` on a machine where it has run before: its database already migrated."""
    embedded_database(tmp_path / "data")
    yield from _serve(tmp_path)


def _serve(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(tmp_path / "data"), CHIRVIR_BIND=f"127.0.0.1:{port}")
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: get(f"{base}/health") == (200, "OK"), 90, "/health")
        yield base, env, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def chirvir(env, *args) -> str:
    result = subprocess.run([sys.executable, "-m", "chirvir.cli", *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.same_in_every_pass  # the embedded default, whatever the pass
def test_serve_answers_health_and_the_instance_documents(served):
    base, env, _ = served
    port = base.rsplit(":", 1)[1]
    for path in ("/api/v1/instance", "/api/v1/instance/"):
        status, body = get(base + path)
        v1 = json.loads(body)
        assert status == 200
        assert v1["configuration"]["statuses"]["max_characters"] == 140
        assert v1["uri"] == f"127.0.0.1:{port}"
        assert v1["version"].startswith("4.5.0 (compatible; Chirvir ")
        assert v1["urls"]["streaming_api"] == f"ws://127.0.0.1:{port}"
    v2 = json.loads(get(base + "/api/v2/instance")[1])
    assert v2["configuration"]["statuses"]["max_characters"] == 140
    assert v2["configuration"]["urls"]["streaming"] == f"ws://127.0.0.1:{port}"
    assert get(base + "/api/v1/streaming/health") == (200, "OK")


@pytest.mark.same_in_every_pass  # the embedded default, whatever the pass
def test_the_demo_community_is_delivered_by_the_job_consumer_and_everything_stays_in_the_data_dir(served_again, tmp_path):
    base, env, process = served_again
    out = chirvir(env, "demo")
    assert "Demo community ready: 12 accounts" in out
    count_undelivered = (
        "from chirvir.statuses.models import Status; "
        "print(Status.objects.count(), Status.objects.filter(delivered_at__isnull=True).count())"
    )

    def all_delivered():
        total, undelivered = map(int, chirvir(env, "shell", "--no-imports", "-c", count_undelivered).split())
        return total > 20 and undelivered == 0

    wait_until(all_delivered, 60, "the consumer to deliver every demo post")
    feeds = chirvir(env, "shell", "--no-imports", "-c", "from chirvir.timelines.models import FeedEntry; print(FeedEntry.objects.count())")
    assert int(feeds) > 100
    assert json.loads(get(base + "/api/v1/instance")[1])["stats"]["user_count"] == 12
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    data = Path(env["CHIRVIR_DATA_DIR"])
    assert {"chirvir.sqlite3", "jobs.sqlite3", "secret_key"} <= {p.name for p in data.iterdir()}


@pytest.mark.same_in_every_pass  # the embedded default, whatever the pass
def test_posting_through_the_served_api_reaches_the_home_timeline(served_again):
    base, env, _ = served_again
    token = chirvir(
        env, "shell", "--no-imports", "-c",
        "from chirvir.accounts.services import register; from chirvir.oauth import services as auth; "
        "app, _, _ = auth.create_application('test'); "
        "print(auth.issue_token(app, register('poster', 'a long password 7'), 'read write'))",
    ).strip()
    headers = {"Authorization": f"Bearer {token}"}
    form = urllib.request.Request(f"{base}/api/v1/statuses", data=b"status=from+a+form", headers=headers)
    as_json = urllib.request.Request(
        f"{base}/api/v1/statuses", data=json.dumps({"status": "from JSON, नमस्ते"}).encode(),
        headers={**headers, "Content-Type": "application/json"},
    )
    for request in (form, as_json):
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def home():
        request = urllib.request.Request(f"{base}/api/v1/timelines/home", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return [s["content"] for s in json.loads(response.read())]

    assert wait_until(lambda: home() == ["<p>from JSON, नमस्ते</p>", "<p>from a form</p>"], 30, "the posts in home")


# --- What an operator meets ---


def child_pids(pid: int) -> dict[int, str]:
    """The live children of `pid`, by command line, from /proc."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                children[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            pass  # the process ended while we looked
    return children


def token_for(base: str, data: Path, username: str) -> str:
    """An account made as an operator makes one (on the served instance's database, SQLite or
    PostgreSQL), and a token for it as an app gets one (OAuth)."""
    manage(data, "createuser", username, "--password", "a long password 7")

    def form(path: str, **fields) -> dict:
        request = urllib.request.Request(base + path, data=urllib.parse.urlencode(fields).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    app = form("/api/v1/apps", client_name="test", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read write")
    return form(
        "/oauth/token", grant_type="password", client_id=app["client_id"], client_secret=app["client_secret"],
        username=username, password="a long password 7", scope="read write",
    )["access_token"]


def worker_pid(serve: subprocess.Popen) -> int | None:
    return next((pid for pid, cmdline in child_pids(serve.pid).items() if "chirvir.cli worker" in cmdline), None)


def test_a_second_serve_on_a_port_in_use_refuses_in_one_line_and_the_first_serves_on(tmp_path):
    with served_process(tmp_path) as (base, _):
        port = base.rsplit(":", 1)[1]
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(CHIRVIR_DATA_DIR=str(tmp_path / "other"), CHIRVIR_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT))
        second = subprocess.run(
            [sys.executable, "-m", "chirvir.cli", "serve"], env=env, capture_output=True, text=True, timeout=120
        )
        assert second.returncode != 0
        assert second.stderr.strip().splitlines() == [
            f"CommandError: Cannot serve on 127.0.0.1:{port}: Address already in use. Another server (another Chirvir?)"
            " may be using it; stop it, or choose another address (CHIRVIR_BIND)."
        ]
        assert not (tmp_path / "other" / "chirvir.sqlite3").exists(), "it refused before making a database"
        for _ in range(6):  # Granian would have shared the port: requests alternating between the two
            assert get(f"{base}/health") == (200, "OK")
    # The line names the database too when it is not the embedded one.
    said = (tmp_path / "serve.log").read_text().splitlines()
    assert any(line.split(" (database: ")[0] == f"Data directory: {tmp_path}" for line in said)


def test_a_killed_job_worker_is_started_again_and_every_accepted_post_is_delivered(tmp_path):
    with served_process(tmp_path, CHIRVIR_RATE_LIMIT="0") as (base, serve):
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(CHIRVIR_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
        headers = {"Authorization": f"Bearer {token_for(base, tmp_path, 'poster')}"}

        def post(n: int) -> str:
            body = f"status=post+{n}".encode()
            request = urllib.request.Request(f"{base}/api/v1/statuses", data=body, headers=headers)
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
                return json.loads(response.read())["id"]

        first_worker = wait_until(lambda: worker_pid(serve), 30, "the worker")
        accepted = [post(n) for n in range(10)]
        os.kill(first_worker, signal.SIGKILL)
        # The site keeps taking posts while the worker is down and while it comes back.
        accepted += [post(n) for n in range(10, 30)]
        assert serve.poll() is None
        wait_until(lambda: worker_pid(serve) not in {None, first_worker}, 60, "a new worker")
        accepted += [post(n) for n in range(30, 40)]

        def home() -> list[str]:
            request = urllib.request.Request(f"{base}/api/v1/timelines/home?limit=40", headers=headers)
            with urllib.request.urlopen(request, timeout=10) as response:
                return [s["id"] for s in json.loads(response.read())]

        assert wait_until(lambda: sorted(home()) == sorted(accepted), 150, "every accepted post in home")
    assert "chirvir worker ended (exit -9); starting it again in 1 s" in (tmp_path / "serve.log").read_text()


@pytest.mark.skipif(
    urlsplit(os.environ.get("DATABASE_URL", "")).scheme.startswith("postgres"),
    reason="on PostgreSQL the database is backed up with pg_dump; `chirvir backup` copies the embedded SQLite files",
)
def test_a_backup_taken_while_serving_restores_into_a_server_that_has_the_data(tmp_path):
    live, copy = tmp_path / "live", tmp_path / "backup"
    live.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(live), PYTHONPATH=str(ROOT))
    with served_process(live) as (base, _):
        headers = {"Authorization": f"Bearer {token_for(base, live, 'keeper')}"}
        request = urllib.request.Request(f"{base}/api/v1/statuses", data=b"status=kept+safe", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            status_id = json.loads(response.read())["id"]
        out = chirvir(env, "backup", str(copy))  # while the server runs
        assert f"Backed up {live} to {copy}" in out
    assert "GET /health 200 " in (live / "serve.log").read_text()  # the access log, at INFO by default
    assert {"chirvir.sqlite3", "jobs.sqlite3", "secret_key"} <= {p.name for p in copy.iterdir()}
    assert not [p.name for p in copy.iterdir() if p.name.endswith(("-wal", "-shm"))]
    (copy / "serve.log").unlink()  # the live server's log came along; the restored one writes its own
    restored = tmp_path / "restored"
    copy.rename(restored)  # restoring is making the copy the data directory
    with served_process(restored) as (base, _):
        request = urllib.request.Request(f"{base}/api/v1/statuses/{status_id}", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["content"] == "<p>kept safe</p>"
        request = urllib.request.Request(f"{base}/api/v1/accounts/verify_credentials", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["username"] == "keeper"


@pytest.mark.same_in_every_pass  # the embedded default, whatever the pass
def test_a_backup_refuses_a_destination_that_is_not_new(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(embedded_database(tmp_path / "live")), PYTHONPATH=str(ROOT))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("")
    for dest in (tmp_path / "full", tmp_path / "live" / "inside"):
        command = [sys.executable, "-m", "chirvir.cli", "backup", str(dest)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1, result.stderr
