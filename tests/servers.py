"""A real Chirvir for tests that need the whole thing: `chirvir serve` in a process of its own
(web, streaming and the job consumer on one port, as `make run` starts them), with its own data
directory and database, not the test run's settings. Its database is of the test run's kind: the
embedded SQLite in its data directory, or, on a PostgreSQL run, a database of its own on the same
server (and on a scale-out run, keys of its own in the same Redis), so that both of CI's passes
reach the served process.

Every database a test run needs (each worker's test database, each served data directory's) is a
copy of one template that `chirvir migrate` makes once per run: migrating from nothing takes 12 s
of a core, and a run needs dozens of databases."""

import fcntl
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SQLITE_NAME = "chirvir.sqlite3"  # the embedded database's file in a data directory (chirvir/settings.py)
# One name per run, shared by pytest-xdist's workers (they inherit it from the process that starts
# them, which made it and removes the template at the end).
MADE_THE_RUN = "CHIRVIR_TEST_RUN" not in os.environ
RUN = os.environ.setdefault("CHIRVIR_TEST_RUN", uuid.uuid4().hex[:12])
_databases: dict[Path, str] = {}  # data directory -> the PostgreSQL database URL its servers and commands use
_redis_prefixes: dict[Path, str] = {}  # data directory -> the Redis key prefix its servers use
# Data directories being served now, once for each server on them (two may share one database).
_serving: list[Path] = []
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str | None:
    """The run's PostgreSQL server (DATABASE_URL), or None on the embedded default."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in {"postgres", "postgresql"} else None


def _on_postgres(url: str, statement: sql.Composable) -> None:
    # The maintenance database: the run's own may not exist (the test database is test_<name>).
    with psycopg.connect(url, dbname="postgres", autocommit=True) as server:
        server.execute(statement)


def template_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"chirvir-template-{RUN}"


def template_name() -> str:
    return f"chirvir_template_{RUN}"


def _template() -> Path:
    """Make the run's template once, whichever worker asks first (the others wait on the lock);
    returns its data directory, whose chirvir.sqlite3 is the template on SQLite."""
    where = template_dir()
    where.mkdir(exist_ok=True)
    with open(where / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (where / "migrated").exists():
            env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
            if url := postgres_url():
                _on_postgres(url, sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(template_name())))
                _on_postgres(url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template_name())))
                env["DATABASE_URL"] = urlsplit(url)._replace(path=f"/{template_name()}").geturl()
            _migrate(where / "data", env)
            (where / "migrated").touch()
    return where / "data"


def _migrate(data: Path, env: dict) -> None:
    """`chirvir migrate` of `data`'s database, in a process with `env` (and `data` as its data directory)."""
    env.update(CHIRVIR_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "chirvir.cli", "migrate", "--verbosity", "0"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def template_url() -> str:
    """On PostgreSQL, the URL of the run's migrated template database, for a test to copy into a server of its own."""
    _template()
    return urlsplit(postgres_url())._replace(path=f"/{template_name()}").geturl()


def copy_template_to(destination: sqlite3.Connection | str) -> None:
    """A migrated database: on SQLite into `destination` (a connection to an empty database), on
    PostgreSQL as a new database of that name."""
    data = _template()
    if url := postgres_url():
        _on_postgres(url, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(destination), sql.Identifier(template_name())))
        return
    with sqlite3.connect(data / SQLITE_NAME) as source:
        source.backup(destination)
    source.close()


def remove_template() -> None:
    """At the run's end, by the process that started it."""
    if not MADE_THE_RUN:
        return
    if postgres_url() and (template_dir() / "migrated").exists():
        drop_database(template_name())
    shutil.rmtree(template_dir(), ignore_errors=True)


def database_of(data: Path) -> str | None:
    """The migrated database of a data directory, made from the template the first time it is
    asked for and kept until the test ends, across restarts of its server: on SQLite the file in
    the directory (None is returned), on PostgreSQL a database on the run's server (its URL)."""
    if not (url := postgres_url()):
        if not (data / SQLITE_NAME).exists():
            _sqlite_template_into(data)
        return None
    if data not in _databases:
        name = f"chirvir_serve_{secrets.token_hex(6)}"
        copy_template_to(name)
        _databases[data] = urlsplit(url)._replace(path=f"/{name}").geturl()
    return _databases[data]


def embedded_database(data: Path) -> Path:
    """`data` with a migrated embedded database, as `chirvir migrate` leaves it, for a test of the
    embedded default whatever the run's kind of database: on a SQLite run a copy of the run's
    template (migrating from nothing is 12 s of a core), on a PostgreSQL run, whose template is
    PostgreSQL's, made by `chirvir migrate`. Returns `data`."""
    if postgres_url():
        data.mkdir(parents=True, exist_ok=True)
        unset = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        _migrate(data, {k: v for k, v in os.environ.items() if k not in unset})
    else:
        _sqlite_template_into(data)
    return data


def _sqlite_template_into(data: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(data / SQLITE_NAME)
    copy_template_to(copy)
    copy.close()


def drop_database(name: str) -> None:
    _on_postgres(postgres_url(), sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def drop_databases_not_served() -> None:
    """After each test: the PostgreSQL databases (and Redis keys) of data directories no server
    serves any more."""
    for data in [d for d in _databases if d not in _serving]:
        drop_database(urlsplit(_databases.pop(data)).path.lstrip("/"))
    for data in [d for d in _redis_prefixes if d not in _serving]:
        _forget_redis_keys(_redis_prefixes.pop(data))


def redis_prefix_of(data: Path) -> str | None:
    """On a scale-out run (REDIS_URL), the key prefix of a data directory in the run's Redis, made
    the first time it is asked for and kept, as its database is, until the test ends (None without
    REDIS_URL)."""
    if not os.environ.get("REDIS_URL"):
        return None
    return _redis_prefixes.setdefault(data, f"chirvir-serve-{secrets.token_hex(6)}")


def _forget_redis_keys(prefix: str) -> None:
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for pattern in (f"{prefix}:*", f"huey.*.{prefix.replace('-', '')}"):
        for name in client.scan_iter(match=pattern, count=1000):
            client.unlink(name)


def _environment(data: Path, env: dict) -> dict:
    """What a process serving `data`, or a command on it, needs to reach its database and keys: the run's kind
    of database, unless the test gives a DATABASE_URL of its own (a PostgreSQL cluster it started)."""
    if "DATABASE_URL" not in env and (database_url := database_of(data)):
        env["DATABASE_URL"] = database_url
    if prefix := redis_prefix_of(data):
        env["CHIRVIR_REDIS_PREFIX"] = prefix
    return env


@contextmanager
def serving(data: Path, **settings: str):
    """Serve until the block ends; yields the base URL. `settings` are CHIRVIR_* variables (and DATABASE_URL,
    for a database of the test's own)."""
    with served_process(data, **settings) as (base, _process):
        yield base


@contextmanager
def served_process(data: Path, **settings: str):
    """`serving`, for a test that also looks at the server's processes: yields (base URL, Popen)."""
    with _served("serve", "CHIRVIR_BIND", "/health", data, settings) as served:
        yield served


@contextmanager
def streaming_process(data: Path, **settings: str):
    """`chirvir streaming` alone, as scale-out runs it, on the database (and keys) of `data`, which
    `serving` may serve beside it: yields (base URL, Popen)."""
    with _served("streaming", "CHIRVIR_STREAMING_BIND", "/api/v1/streaming/health", data, settings) as served:
        yield served


@contextmanager
def _served(command: str, bind: str, health: str, data: Path, settings: dict):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    # One web worker unless a test asks for more (those about several worker processes ask for
    # two): a test's few clients need no second, and each costs a Django start of CPU.
    env.update(CHIRVIR_DATA_DIR=str(data), PYTHONPATH=str(ROOT), **{"CHIRVIR_WEB_WORKERS": "1", **settings})
    env[bind] = f"127.0.0.1:{port}"
    log_path = data / f"{command}.log"
    _environment(data, env)
    _serving.append(data)
    try:
        # Appended to: a second server on a data directory already served (two processes on one
        # database) writes to the same log.
        with open(log_path, "a") as log:
            # A session of its own, so that one that will not stop is killed with every process it
            # started (Granian's workers), none left serving after the test.
            process = subprocess.Popen(
                [sys.executable, "-m", "chirvir.cli", command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 120  # a loaded two-core machine is slow to start it
                while True:
                    assert process.poll() is None, log_path.read_text()
                    try:
                        if httpx.get(f"{base}{health}", timeout=1).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert time.monotonic() < deadline, f"chirvir {command} did not come up"
                    time.sleep(0.2)
                yield base, process
            finally:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
    finally:
        _serving.remove(data)


def manage(data: Path, *args: str) -> str:
    """Run `chirvir <args>` (a management command, `shell -c ...`) on the database of the server
    serving `data`, as its operator would; returns what it printed."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    _environment(data, env)
    command = [sys.executable, "-m", "chirvir.cli", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout
