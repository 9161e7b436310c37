"""`make run-scale`: Chirvir's scale-out mode on one machine, as many machines would run it, in the
foreground until interrupted: PostgreSQL (a cluster of its own under the data directory, or
DATABASE_URL), Redis (a redis-server of its own, or REDIS_URL), two `chirvir web` (Granian WSGI),
one `chirvir streaming` and two `chirvir worker`, behind nginx on CHIRVIR_BIND (from
deploy/nginx.conf.template). A process that dies is started again, after a pause that grows while it
keeps dying (the redis-server it started too); PostgreSQL, a server of its own, is left to its operator.
Where each process is goes to CHIRVIR_DATA_DIR/run-scale/state.json, their logs beside it."""

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

# The restarts (a process that dies is started again, after a growing pause) are `chirvir serve`'s own.
from chirvir.core.supervisor import Child, signal_group

ROOT = Path(__file__).resolve().parent.parent
WEB_PROCESSES, STREAMING_PROCESSES, WORKER_PROCESSES = 2, 1, 2
STARTUP_SECONDS = 180  # a first migrate on a loaded two-core machine is slow


def say(message: str) -> None:
    print(f"run-scale: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def postgres_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        sys.exit("run-scale: PostgreSQL is not installed (apt-get install postgresql), or give DATABASE_URL.")
    return found[-1].parent


def start_postgresql(run: Path, data: Path, stack: ExitStack) -> str:
    """The cluster under the data directory (made at the first start), on a free loopback port."""
    binaries = postgres_binaries()
    cluster = data / "postgresql"
    if not (cluster / "PG_VERSION").exists():
        cluster.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(cluster, "postgres", "postgres")
        say(f"making a PostgreSQL cluster in {cluster}")
        # Trust on loopback: this cluster listens on 127.0.0.1 only, for this machine's processes.
        subprocess.run(as_postgres([str(binaries / "initdb"), "-D", str(cluster), "-U", "postgres", "-A", "trust"]),
                       check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    log = run / "postgresql.log"
    log.touch()
    if os.geteuid() == 0:
        shutil.chown(log, "postgres", "postgres")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {cluster}"
    subprocess.run(as_postgres([str(binaries / "pg_ctl"), "-D", str(cluster), "-l", str(log), "-w", "-o", options,
                                "start"]), check=True, stdout=subprocess.DEVNULL)
    stack.callback(subprocess.run, as_postgres([str(binaries / "pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"]),
                   stdout=subprocess.DEVNULL)
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = 'chirvir'").fetchone():
            server.execute("CREATE DATABASE chirvir")
    return f"postgres://postgres@127.0.0.1:{port}/chirvir"


def nginx_config(run: Path, temp: Path, listen: str, web: list[int], streaming: list[int], max_body_mb: str) -> Path:
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    # As root, nginx's worker runs as nobody, which reaches only the world-readable temporary directory.
    config = template.format(
        user="user nobody nogroup;" if os.geteuid() == 0 else "",
        run=run, temp=temp, listen=listen, max_body=f"{max_body_mb}m",
        web_servers="\n".join(f"        server 127.0.0.1:{port};" for port in web),
        streaming_servers="\n".join(f"        server 127.0.0.1:{port};" for port in streaming),
    )
    path = run / "nginx.conf"
    path.write_text(config)
    return path


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> None:
    data = Path(os.environ.get("CHIRVIR_DATA_DIR", "data")).expanduser().resolve()
    bind = os.environ.get("CHIRVIR_BIND", "127.0.0.1:8000")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("run-scale: nginx is not installed (apt-get install nginx).")
    run = data / "run-scale"
    run.mkdir(parents=True, exist_ok=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logging.basicConfig(format="run-scale: %(message)s")  # the supervisor's word that a process ended
    children: list[Child] = []
    with ExitStack() as stack:
        try:
            database_url = os.environ.get("DATABASE_URL") or start_postgresql(run, data, stack)
            redis_url = os.environ.get("REDIS_URL") or ""
            if not redis_url:
                port = free_port()
                (data / "redis").mkdir(exist_ok=True)
                # Redis holds nothing that cannot be rebuilt but the job queue, kept in its append-only file.
                children.append(Child("redis", [
                    shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", str(port),
                    "--dir", str(data / "redis"), "--appendonly", "yes", "--save", "",
                ], dict(os.environ), run / "redis.log", ROOT))
                redis_url = f"redis://127.0.0.1:{port}/0"
            env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
            env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, CHIRVIR_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
            env.setdefault("CHIRVIR_URL", f"http://{bind}")
            # nginx is the proxy on this machine: its X-Forwarded-For names the client.
            env.setdefault("CHIRVIR_TRUSTED_PROXIES", "127.0.0.1")
            chirvir = [sys.executable, "-m", "chirvir.cli"]
            say(f"migrating {database_url}")
            subprocess.run([*chirvir, "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)
            metrics = Path(env.get("CHIRVIR_METRICS_DIR") or data / "metrics")
            for old in metrics.glob("*.db"):  # an earlier run's samples (chirvir/core/metrics.py)
                old.unlink()
            web = [free_port() for _ in range(WEB_PROCESSES)]
            streaming = [free_port() for _ in range(STREAMING_PROCESSES)]
            for n, port in enumerate(web, 1):
                argv = [*chirvir, "web", "--wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
                children.append(Child(f"web{n}", argv, env, run / f"web{n}.log", ROOT))
            for n, port in enumerate(streaming, 1):
                argv = [*chirvir, "streaming", "--bind", f"127.0.0.1:{port}"]
                children.append(Child(f"streaming{n}", argv, env, run / f"streaming{n}.log", ROOT))
            for n in range(1, WORKER_PROCESSES + 1):
                children.append(Child(f"worker{n}", [*chirvir, "worker"], env, run / f"worker{n}.log", ROOT))
            temp = Path(tempfile.mkdtemp(prefix="chirvir-nginx-"))
            stack.callback(shutil.rmtree, temp, ignore_errors=True)
            temp.chmod(0o755)
            config = nginx_config(run, temp, bind, web, streaming, env.get("CHIRVIR_MAX_BODY_MB") or "40")
            proxy = [nginx, "-p", str(run), "-e", str(run / "nginx-error.log"), "-c", str(config)]
            children.append(Child("nginx", proxy, dict(os.environ), run / "nginx.log", ROOT))
            write_state(run, children, database_url, redis_url, data)

            deadline = time.monotonic() + STARTUP_SECONDS
            site = f"http://{bind}"
            while not (answers(f"{site}/health") and answers(f"{site}/api/v1/streaming/health")
                       and all(answers(f"http://127.0.0.1:{port}/health") for port in web)):
                if time.monotonic() > deadline:
                    raise SystemExit(f"run-scale: not serving after {STARTUP_SECONDS} s; see the logs in {run}")
                tend(children, run, database_url, redis_url, data)
                time.sleep(0.3)
            say(f"Chirvir (scale-out) is serving {env['CHIRVIR_URL']}/ (Ctrl-C stops it)")
            while True:
                time.sleep(0.5)
                tend(children, run, database_url, redis_url, data)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:  # all at once, then wait for each
                signal_group(child.process, signal.SIGTERM)
            for child in children:
                child.stop()
    say("stopped")


def tend(children: list[Child], run: Path, database_url: str, redis_url: str, data: Path) -> None:
    now = time.monotonic()
    if any([child.tend(now) for child in children]):
        write_state(run, children, database_url, redis_url, data)


def write_state(run: Path, children: list[Child], database_url: str, redis_url: str, data: Path) -> None:
    """Where everything is, for an operator (and the fault tests) to find a process by name."""
    state = {
        "database_url": database_url, "redis_url": redis_url,
        # The cluster's directory, when it is the one this started (not DATABASE_URL's server).
        "postgresql": None if os.environ.get("DATABASE_URL") else str(data / "postgresql"),
        "processes": {child.name: child.process.pid for child in children},
    }
    (run / "state.json.new").write_text(json.dumps(state, indent=2))
    (run / "state.json.new").replace(run / "state.json")


if __name__ == "__main__":
    main()
