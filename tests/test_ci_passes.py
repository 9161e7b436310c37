"""CI's two passes (.ci/run): a test marked `same_in_every_pass` is skipped, with its reason, in a
pass that asks for it (CHIRVIR_SKIP_SAME_IN_EVERY_PASS, the PostgreSQL + Redis pass), and runs in
any other; tests not marked run in both."""

import os
import subprocess
import sys

from tests.servers import ROOT

MARKED = "tests/test_commands.py::test_version_is_chirvirs_own"
NOT_MARKED = "tests/test_commands.py::test_the_migrations_match_the_models"


def run(*tests: str, **env: str) -> str:
    # The run's CHIRVIR_TEST_RUN stays: the inner run copies this run's migrated template.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environment.pop("CHIRVIR_SKIP_SAME_IN_EVERY_PASS", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rs", *tests]
    result = subprocess.run(command, cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_a_marked_test_is_skipped_with_its_reason_only_in_the_pass_that_asks():
    asked = run(MARKED, NOT_MARKED, CHIRVIR_SKIP_SAME_IN_EVERY_PASS="1")
    assert "1 passed, 1 skipped" in asked
    assert "SKIPPED [1] tests/test_commands.py" in asked and "CI's SQLite pass runs the very same test" in asked
    assert "2 passed" in run(MARKED, NOT_MARKED)
