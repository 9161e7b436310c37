# Two commands on a fresh machine: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per lock: `make run` installs the runtime tree only; `make test` adds the test tools.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# toot's own integration tests (tests/integration of its source distribution, at the version the
# test lock pins), which tests/api/test_toot_integration.py runs against a live Chirvir: fetched
# from PyPI once and kept in the virtualenv, never committed.
TOOT_VERSION := $(shell sed -n 's/^toot==//p' requirements-test.lock)
TOOT_SRC := $(VENV)/toot-src/toot-$(TOOT_VERSION)

.PHONY: run run-scale test bench install install-test clean

run: $(STAMP)
	$(BIN)/chirvir serve

# The scale-out mode on one machine (deploy/run_scale.py): PostgreSQL, Redis, two web, one streaming
# and two worker processes behind nginx on CHIRVIR_BIND.
run-scale: $(STAMP)
	$(BIN)/python deploy/run_scale.py

# The suite runs in parallel workers (pytest-xdist), a file to a worker: much of it waits on live
# servers, browsers and streams. The longest files go first, in the order tests/conftest.py gives
# (LONGEST_FIRST), not xdist's by test count. PYTEST_WORKERS=0 runs it in this process alone.
PYTEST_WORKERS ?= 2
test: $(TEST_STAMP) $(TOOT_SRC)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/chirvir bench $(BENCH_ARGS)

install: $(STAMP)

install-test: $(TEST_STAMP) $(TOOT_SRC)

# Reinstall when the pins change; requirements.lock is the whole resolved runtime tree.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# requirements-test.lock is the runtime lock plus the test extras' resolved tree.
$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	touch $(TEST_STAMP)

$(TOOT_SRC): $(TEST_STAMP)
	rm -rf $(VENV)/toot-src && mkdir -p $(VENV)/toot-src
	$(BIN)/python -m pip download --quiet --no-binary :all: --no-deps toot==$(TOOT_VERSION) -d $(VENV)/toot-src
	tar -xzf $(VENV)/toot-src/toot-$(TOOT_VERSION).tar.gz -C $(VENV)/toot-src
	touch $(TOOT_SRC)

clean:
	rm -rf $(VENV) *.egg-info
