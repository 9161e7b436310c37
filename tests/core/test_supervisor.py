"""The supervisor's Child, which `chirvir serve` and deploy/run_scale.py both use: a real process
started with its own argv, environment, working directory and log file, started again when it dies."""

import sys
import time

from chirvir.core import supervisor
from chirvir.core.supervisor import Child


def test_a_child_runs_its_command_with_its_environment_and_log_and_is_started_again_when_it_ends(tmp_path,
                                                                                                 monkeypatch):
    monkeypatch.setattr(supervisor, "FIRST_PAUSE", 0.1)
    log = tmp_path / "child.log"
    script = "import os; print(os.environ['GREETING'], os.getcwd(), flush=True)"
    child = Child("greeter", [sys.executable, "-c", script], env={"GREETING": "hello"}, log=log, cwd=tmp_path)
    try:
        child.process.wait(timeout=30)
        assert log.read_text() == f"hello {tmp_path}\n"
        first = child.process.pid
        deadline = time.monotonic() + 30
        restarted = False
        while not restarted and time.monotonic() < deadline:  # noticed as ended, then started after its pause
            restarted = child.tend(time.monotonic())
            time.sleep(0.05)
        assert restarted and child.process.pid != first
        child.process.wait(timeout=30)
        assert log.read_text() == f"hello {tmp_path}\n" * 2  # appended to, as each start's output
    finally:
        child.stop()
