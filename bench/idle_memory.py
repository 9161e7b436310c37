"""What `make run` holds in memory when idle: starts `chirvir serve` on a fresh data directory and a
free port, waits until /health answers and then SECONDS more (60 by default), and prints each
process of its tree with its resident (VmRSS) and proportional (PSS, a shared page divided among
the processes mapping it) memory, and their sums. docs/performance.md records its figures.

    python -m bench.idle_memory [SECONDS]
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def tree(root: int) -> list[int]:
    """The root and every descendant, from /proc (each process's parent is in its stat line)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop(0)
        found.append(pid)
        todo += sorted(children.get(pid, []))
    return found


def memory(pid: int) -> tuple[str, int, int]:
    """(command line, RSS bytes, PSS bytes) of one process."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1]) * 1024
        elif line.startswith("Pss:"):
            pss = int(line.split()[1]) * 1024
    return command, rss, pss


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main(seconds: float) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="chirvir-idle-") as data:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(CHIRVIR_DATA_DIR=data, CHIRVIR_BIND=f"127.0.0.1:{port}")
        with open(Path(data) / "serve.log", "w") as log:
            process = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "serve"], env=env, stdout=log,
                                       stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while not answers(f"http://127.0.0.1:{port}/health"):
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit((Path(data) / "serve.log").read_text())
                time.sleep(0.2)
            time.sleep(seconds)
            total_rss = total_pss = 0
            for pid in tree(process.pid):
                try:
                    command, rss, pss = memory(pid)
                except OSError:
                    continue
                total_rss, total_pss = total_rss + rss, total_pss + pss
                print(f"{pid:>8} {rss / 2**20:7.1f} MB RSS {pss / 2**20:7.1f} MB PSS  {command[:90]}")
            print(f"{'all':>8} {total_rss / 2**20:7.1f} MB RSS {total_pss / 2**20:7.1f} MB PSS")
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
