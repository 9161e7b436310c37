"""toot's own integration tests (tests/integration of toot's source distribution, at the version
the test lock pins; `make install-test` fetches it into the virtualenv) run unchanged, with
pytest, against a live Chirvir named by TOOT_TEST_BASE_URL, as its authors run them against a
Mastodon. Those that need a feature Chirvir lacks are deselected in tests/toot_integration.toml,
each with its reason.

toot's tests are written for a Mastodon development server at http://localhost:3000, and its
log-in tests name that address outright. So the served Chirvir is told that this is its address
(CHIRVIR_URL, which its instance document and links carry), and toot reaches it there through
its HTTP library's proxy variable, pointed at the served port: an HTTP/1.1 server takes a request
naming an absolute URL, so Chirvir itself answers what is asked of localhost:3000, on whatever
free port it serves, without a fixed port that a parallel run could hold."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.servers import ROOT, serving

CONFIG = ROOT / "tests" / "toot_integration.toml"
TOOTS_ADDRESS = "http://localhost:3000"  # where toot's tests expect their server (see above)


def toot_source() -> Path:
    version = re.search(r"^toot==(\S+)$", (ROOT / "requirements-test.lock").read_text(), re.M).group(1)
    return Path(sys.prefix) / "toot-src" / f"toot-{version}"  # where the Makefile unpacks it


def test_toots_own_integration_tests_pass_against_a_live_chirvir(tmp_path):
    source = toot_source()
    assert (source / "tests" / "integration").is_dir(), f"{source} is missing: `make install-test` fetches it"
    deselected = tomllib.loads(CONFIG.read_text())["deselect"]
    command = [
        sys.executable, "-m", "pytest", "tests/integration", "-q", "-rfE", "--tb=short",
        "-p", "no:django", "-p", "no:cacheprovider",  # toot's suite, not Chirvir's settings
        "-p", "toot_deselect",  # tests/toot_deselect.py
    ]
    # Sign-ups and posts come fast from one address: no rate limit, as toot's guide sets up its servers.
    with serving(tmp_path, CHIRVIR_RATE_LIMIT="0", CHIRVIR_URL=TOOTS_ADDRESS) as base:
        unwanted = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}
        env = {k: v for k, v in os.environ.items() if k not in unwanted}
        env.update(
            TOOT_TEST_BASE_URL=TOOTS_ADDRESS,
            HTTP_PROXY=base,
            http_proxy=base,
            PYTHONPATH=str(ROOT / "tests"),
            CHIRVIR_TOOT_DESELECT=" ".join(f"tests/integration/{test}" for test in deselected),
        )
        result = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True, timeout=1500)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-20000:]
    # Every test ran and passed but those listed, and each listed one exists.
    assert " passed" in summary and "skipped" not in summary, summary
    if deselected:
        assert f"{len(deselected)} deselected" in summary, summary
    else:
        assert "deselected" not in summary, summary
    print(summary)
