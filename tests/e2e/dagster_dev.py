"""`dagster dev` (webserver, daemon and code server) on a Dagster home of its own, and runs put
into its run queue as a schedule tick puts them: for the daemon-path test (test_daemon.py) and
the daemon-path stop trial (bench/daemon_stops.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import requests

from orchestration.resources import run_config
from sources.config import REPO_ROOT, load_settings

DAGSTER = Path(sys.executable).parent / "dagster"
# Issue 25: after any kill, the next queued nightly run leaves the queue within a minute.
START_WITHIN_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_dagster_dev(home: Path, env: dict[str, str] | None = None):
    """`dagster dev` on `home` (environment plus `env`), once it answers; (its process, a
    GraphQL client)."""
    from dagster_graphql import DagsterGraphQLClient

    port = _free_port()
    server = subprocess.Popen(
        [str(DAGSTER), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {}), "DAGSTER_HOME": str(home)},
        stdout=(home / "dagster-dev.log").open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while True:
        assert server.poll() is None, (home / "dagster-dev.log").read_text()[-3000:]
        assert time.monotonic() < deadline, "dagster dev did not come up"
        try:
            if requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok:
                return server, DagsterGraphQLClient("127.0.0.1", port_number=port)
        except requests.ConnectionError:
            pass
        time.sleep(1)


def stop_dagster_dev(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def submit(client, published: Path) -> str:
    """Put a nightly run for `published` into the run queue, as a schedule tick does."""
    settings = load_settings({**os.environ, "ONTCIJFERD_WAREHOUSE": str(published)})
    deadline = time.monotonic() + 120
    while True:  # the code location may still be loading
        try:
            return client.submit_job_execution("nightly", run_config=run_config(settings))
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def wait_for(home: Path, what, seconds: float, interval: float = 0.5):
    deadline = time.monotonic() + seconds
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while time.monotonic() < deadline:
            found = what(instance)
            if found:
                return found
            time.sleep(interval)
    return None


def finished(run_id: str):
    def status(instance: dg.DagsterInstance):
        run = instance.get_run_by_id(run_id)
        return run.status.value if run is not None and run.is_finished else None

    return status


def started(run_id: str):
    """The moment (monotonic) a run left the queue: a worker took it."""

    def status(instance: dg.DagsterInstance):
        run = instance.get_run_by_id(run_id)
        leaving = (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED)
        return time.monotonic() if run is not None and run.status not in leaving else None

    return status


def status_of(home: Path, run_id: str) -> str:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return instance.get_run_by_id(run_id).status.value
