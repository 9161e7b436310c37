"""A real Chirvir for tests that need the whole thing: `chirvir serve` in a process of its own
(web, streaming and the job consumer on one port, as `make run` starts them), on the embedded
default with its own data directory, not the test run's database or settings."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(data: Path, **settings: str):
    """Serve until the block ends; yields the base URL. `settings` are CHIRVIR_* variables."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(CHIRVIR_DATA_DIR=str(data), CHIRVIR_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT), **settings)
    log_path = data / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "chirvir.cli", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "chirvir serve did not come up"
                time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
