"""A real Chirvir for tests that need the whole thing: `chirvir serve` in a process of its own
(web, streaming and the job consumer on one port, as `make run` starts them), with its own data
directory and database, not the test run's settings. Its database is of the test run's kind: the
embedded SQLite in its data directory, or, on a PostgreSQL run, a fresh database on the same
server, so that both of CI's passes reach the served process."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
_databases: dict[Path, str] = {}  # data directory -> the database URL of the server serving it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def database_of_its_own():
    """On a PostgreSQL run, a new empty database on the run's server, dropped when the block ends;
    yields its URL (None on SQLite, where the data directory holds the server's database)."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        yield None
        return
    name = f"chirvir_serve_{secrets.token_hex(6)}"
    # The maintenance database: the run's own may not exist (pytest-django makes test_<name>).
    with psycopg.connect(url, dbname="postgres", autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def serving(data: Path, **settings: str):
    """Serve until the block ends; yields the base URL. `settings` are CHIRVIR_* variables."""
    with served_process(data, **settings) as (base, _process):
        yield base


@contextmanager
def served_process(data: Path, **settings: str):
    """`serving`, for a test that also looks at the server's processes: yields (base URL, Popen)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), CHIRVIR_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT), **settings)
    log_path = data / "serve.log"
    # A second server on a data directory already served shares its database (two processes).
    shared = _databases.get(data)
    with (nullcontext(shared) if shared else database_of_its_own()) as database_url, open(log_path, "a") as log:
        if database_url:
            env["DATABASE_URL"] = database_url
            _databases[data] = database_url

        process = subprocess.Popen(
            [sys.executable, "-m", "chirvir.cli", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # a first migrate on a loaded two-core machine is slow
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "chirvir serve did not come up"
                time.sleep(0.2)
            yield base, process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if not shared:
                _databases.pop(data, None)


def manage(data: Path, *args: str) -> str:
    """Run `chirvir <args>` (a management command, `shell -c ...`) on the database of the server
    serving `data`, as its operator would; returns what it printed."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    if data in _databases:
        env["DATABASE_URL"] = _databases[data]
    command = [sys.executable, "-m", "chirvir.cli", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout
