"""What `make run`'s processes load at start (docs/performance.md, "`make run` idle memory"): every
module a process imports stays resident for as long as it runs, so none loads a backend the
embedded default does not use (psycopg, redis-py), a gateway's client it has not been configured
for (slixmpp, httpx for Kannel), the QR code drawing of the two-factor page, nor, in the job
worker, which serves no page, the admin's registrations and the URL map's views. Read from
Python's own import log (PYTHONPROFILEIMPORTTIME, which every child process inherits) of the real
commands."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import ROOT, embedded_database, free_port

pytestmark = [pytest.mark.slow, pytest.mark.same_in_every_pass]

# A module of each thing no idle process of the embedded default should hold; for psycopg and redis-py
# one they import when they run (Huey tries `import psycopg` and is refused; chirvir.core.redis makes
# `redis` itself a module that waits to be used).
NOT_AT_START = {"psycopg.pq", "redis.client", "slixmpp", "httpx", "qrcode"}


def imported(log: str) -> set[str]:
    return {line.split("|")[2].strip() for line in log.splitlines() if line.startswith("import time:") and "|" in line
            and not line.rstrip().endswith("imported package")}


def environment(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), CHIRVIR_BIND=f"127.0.0.1:{free_port()}", PYTHONPATH=str(ROOT),
               PYTHONPROFILEIMPORTTIME="1")
    return env


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_no_process_of_make_run_loads_an_unused_backend_or_gateway_client(tmp_path):
    env = environment(embedded_database(tmp_path / "data"))
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "serve"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # a loaded two-core machine is slow to start it
        while True:
            assert process.poll() is None, log_path.read_text()[-3000:]
            try:
                if httpx.get(f"http://{env['CHIRVIR_BIND']}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "chirvir serve did not come up"
            time.sleep(0.3)
        page = httpx.get(f"http://{env['CHIRVIR_BIND']}/public", timeout=30)
        assert page.status_code == 200
    finally:
        stop(process)
    modules = imported(log_path.read_text())
    # The log is of processes that served a page (the URL map's views and the admin it discovers)
    # and ran the job consumer, not of an empty start. (A module that importlib.import_module loads,
    # as Django loads the URL map and each admin.py, is not in the log; what it imports is.)
    assert {"chirvir.api.views.instance", "chirvir.web.views.timelines", "chirvir.moderation.admin",
            "huey.consumer"} <= modules
    assert not modules & NOT_AT_START


def test_the_job_worker_loads_neither_the_admin_nor_the_views(tmp_path):
    env = environment(embedded_database(tmp_path / "data"))
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "worker"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
    try:
        # The consumer has started once its imports end (the import log stops growing).
        deadline, size, still_since = time.monotonic() + 120, -1, time.monotonic()
        while time.monotonic() - still_since < 5 or "huey.consumer" not in imported(log_path.read_text()):
            assert process.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "chirvir worker did not settle"
            if (now_size := log_path.stat().st_size) != size:
                size, still_since = now_size, time.monotonic()
            time.sleep(0.5)
    finally:
        stop(process)
    modules = imported(log_path.read_text())
    assert "chirvir.timelines.tasks" in modules  # the jobs it runs
    assert not {m for m in modules if m.startswith("chirvir.") and m.endswith(".admin")}
    assert not {"chirvir.api.views.instance", "chirvir.api.openapi", "chirvir.web.views.timelines"} & modules
    assert not modules & NOT_AT_START
