"""What `make run` and `make test` install: the runtime lock is exactly the tree pyproject.toml's
dependencies pull in (no test tools), and the test lock adds the test extras' tree to it."""

import subprocess
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

# Not pulled in by a dependency, but locked on purpose: setuptools builds Chirvir's own editable
# install (without build isolation); tzdata is Django's time-zone data on Windows only.
TOOLS = {"setuptools", "tzdata"}


def locked(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        line = line.split(";")[0].strip()
        if line and not line.startswith(("#", "-r")):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def tree(requirements: list[str]) -> set[str]:
    """The names these requirements pull in on this machine, from the installed distributions' metadata."""
    seen, todo = set(), [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        for line in metadata.requires(requirement.name) or []:
            dependency = Requirement(line)
            extras = {"", *requirement.extras}
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": e}) for e in extras):
                todo.append(dependency)
    return {name for name, _ in seen}


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_runtime_lock_is_the_dependencies_tree_and_nothing_for_tests():
    runtime = locked("requirements.lock")
    assert set(runtime) - TOOLS == tree(project()["dependencies"])
    for tool in ("playwright", "schemathesis", "toot", "pytest", "hypothesis"):
        assert tool not in runtime


def test_the_test_lock_adds_the_test_extras_tree_at_the_versions_installed():
    runtime, test = locked("requirements.lock"), locked("requirements-test.lock")
    assert not set(runtime) & set(test), "the test lock reads the runtime lock; it pins nothing twice"
    wanted = project()["dependencies"] + project()["optional-dependencies"]["test"]
    assert set(runtime) | set(test) == tree(wanted) | TOOLS
    for name, version in {**runtime, **test}.items():
        if name != "tzdata":
            assert metadata.version(name) == version, name


def test_make_run_installs_the_runtime_lock_only_and_make_test_both():
    def plan(target):
        return subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    assert "-r requirements.lock" in plan("run") and "requirements-test.lock" not in plan("run")
    assert "-r requirements.lock" in plan("test") and "-r requirements-test.lock" in plan("test")
