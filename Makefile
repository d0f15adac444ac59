# Overijssel Ontcijferd — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup prepare run test test-quick reliability dev daemon-alive lint snapshot bench browser duckdb-lts

# Python environment from the lock file (uv.lock), in .venv, compiled to bytecode once: without
# it every process compiles dagster, dbt and GX again wherever PYTHONDONTWRITEBYTECODE is set
# (as on the build machines), ~8 s of every cold build (BENCHMARKS.md).
$(VENV)/.synced: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==0.13.8
	$(BIN)/uv sync --frozen --compile-bytecode --quiet
	touch $@

setup: $(VENV)/.synced

# The dbt files generated from sources/registry.py and the dbt manifest Dagster builds its
# asset graph from (read when the definitions are built, never at import time).
prepare: setup
	$(BIN)/ontcijferd prepare

# Set everything up and run the nightly job on the embedded CBS snapshot.
run: prepare
	$(BIN)/ontcijferd run

# DuckDB 1.4, the long-term release most SQL tools ship, in an environment of its own: a test
# opens the published warehouse with it (tests/e2e/test_analysts.py).
LTS := .venv-duckdb-lts
$(LTS)/.synced: tests/duckdb_lts/requirements.txt | $(VENV)/.synced
	$(PYTHON) -m venv $(LTS)
	$(BIN)/uv pip install --quiet --python $(LTS)/bin/python --require-hashes -r $<
	touch $@

duckdb-lts: $(LTS)/.synced

# Debian's Chromium for the report's browser test (root on the build machines).
browser:
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# All tests: unit, integration (local CBS OData server), end to end, the report in Chromium.
# Two workers (pytest-xdist), a test file each at a time: most of the time goes to runs that
# use one core. A full passing run writes test-output/RELIABILITY.md.
test: prepare browser duckdb-lts
	$(BIN)/pytest -n 2 --dist loadfile

# While changing code: the unit and integration tests (the local CBS server included), none of
# the full pipeline runs of the end-to-end tests — about 1.5 minutes. `make test` is the proof.
test-quick: prepare
	$(BIN)/pytest -n 2 --dist loadfile tests/unit tests/integration

# The tracked RELIABILITY.md from the faults a full passing test run tried.
reliability: test
	cp test-output/RELIABILITY.md RELIABILITY.md

# The Dagster UI on http://127.0.0.1:3000 (code location from pyproject.toml).
dev: prepare
	$(BIN)/dagster dev

# For a watchdog (cron, systemd): fails, saying "Daemon(s) not running", when the daemon of
# `make dev` has sent no heartbeat (it sends one every 30 s) for two minutes — without it there
# is no nightly run, and no failed run says so. Dagster's own default waits 30 minutes.
daemon-alive: setup
	DAGSTER_DAEMON_HEARTBEAT_TOLERANCE=120 $(BIN)/dagster-daemon liveness-check

# Benchmarks (about 23 minutes; results and reasoning in BENCHMARKS.md). After `run`: the
# verify and export measurements read the published warehouse.
bench: run
	$(BIN)/python -m bench.run

lint: setup
	$(BIN)/ruff check .

# Rebuild sources/snapshot/ from the collected raw CBS files: make snapshot RAW=path/to/cbs_raw
snapshot: setup
	$(BIN)/python -m tools.snapshot_builder --raw-dir $(RAW)
