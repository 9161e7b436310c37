"""What `chirvir serve` becomes once the database is migrated: the supervisor of the children it
names (`chirvir web`, `chirvir worker`, ...), in the foreground until interrupted. A child that
dies is started again (after a pause that grows while it keeps dying); the others serve on.

It imports nothing of Django nor of Chirvir: a process that has loaded every app and migration
holds ~120 MB for as long as it runs, and this one only waits (~10 MB)."""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger("chirvir.serve")

# Pauses before a restart: 1 s, doubling while the child keeps dying, at most 30 s; a child that
# ran a minute is taken to be well again, and its next restart waits 1 s.
FIRST_PAUSE, LONGEST_PAUSE, HEALTHY_AFTER = 1.0, 30.0, 60.0


class Child:
    """One supervised process, leading a process group of its own: `chirvir NAME` for `serve`, any
    command (with its environment, working directory and log file) for deploy/run_scale.py."""

    def __init__(self, name: str, argv: list[str], env: dict | None = None, log: Path | None = None,
                 cwd: Path | None = None):
        self.name, self.argv, self.env, self.log, self.cwd = name, argv, env, log, cwd
        self.pause, self.restart_at = FIRST_PAUSE, None
        self.start()

    def start(self) -> None:
        # Each child leads a process group of its own (Granian's workers are in its group), so a
        # stop reaches every process, and Ctrl-C reaches only us, who pass it on.
        with open(self.log, "a") if self.log else contextlib.nullcontext() as log:
            self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=log,
                                            stderr=subprocess.STDOUT if log else None, start_new_session=True)
        self.started = time.monotonic()

    def tend(self, now: float) -> bool:
        """Start the child again once it has ended and its pause is over; True when it started."""
        if self.restart_at is not None:
            if now < self.restart_at:
                return False
            self.restart_at = None
            self.start()
            return True
        if (code := self.process.poll()) is None:
            return False
        if now - self.started >= HEALTHY_AFTER:
            self.pause = FIRST_PAUSE
        logger.error("%s ended (exit %s); starting it again in %g s", self.name, code, self.pause)
        signal_group(self.process, signal.SIGTERM)  # what it left behind (Granian's workers)
        self.restart_at = now + self.pause
        self.pause = min(self.pause * 2, LONGEST_PAUSE)
        return False

    def stop(self) -> None:
        signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            signal_group(self.process, signal.SIGKILL)
            self.process.wait()


def supervise(site_url: str, names: list[str]) -> None:
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # even where a shell started us with SIGINT ignored
    children = []
    try:
        children.extend(Child(f"chirvir {name}", [sys.executable, "-m", "chirvir.cli", name]) for name in names)
        print(f"Chirvir is serving {site_url}/ (Ctrl-C stops it)", flush=True)
        while True:
            time.sleep(0.5)
            for child in children:
                child.tend(time.monotonic())
    except KeyboardInterrupt:
        pass
    for child in children:  # all at once, then wait for each
        signal_group(child.process, signal.SIGTERM)
    for child in children:
        child.stop()
    print("Stopped.", flush=True)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal a child's whole process group."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # already gone, with its group


if __name__ == "__main__":
    logging.basicConfig(format="%(message)s")
    supervise(sys.argv[1], sys.argv[2:])
