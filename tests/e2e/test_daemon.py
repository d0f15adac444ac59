"""The nightly run as production runs it: `dagster dev` (webserver and daemon) with the real
dagster.yaml, runs submitted to the run queue (as a schedule tick or a launch from the UI
submits them) and executed by the code server in a run worker of their own.

A queued run killed with SIGKILL during dbt, an `ontcijferd run` killed during dbt, a queued run
terminated from the UI during dbt, or a queued run stranded by a killed `dagster dev`, must
never publish nor keep the next queued run from starting.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.supervision import OWNER_TAG, WORKER_STARTED
from sources.config import REPO_ROOT
from tests.conftest import reliability_row
from tests.e2e.conftest import made_by_older_code, real_dagster_home
from tests.e2e.dagster_dev import (
    START_WITHIN_SECONDS,
    finished,
    start_dagster_dev,
    started,
    status_of,
    stop_dagster_dev,
    submit,
    wait_for,
)
from tests.e2e.runs import (
    assert_no_process_left,
    dbt_build_running,
    hooked_env,
    run_id_of,
    start_run,
)

# The next run leaves the queue (START_WITHIN_SECONDS, issue 25) seconds after the dead run is
# found (the `dead_runs` sensor runs every 10 s); a whole run then takes ~45-60 s from queueing
# to publishing on a 2-core machine, more while `make test` runs another test file beside this
# one (pytest-xdist): 97 and 104 s were measured under that load. The figures seen are in
# RELIABILITY.md.
PUBLISH_WITHIN_SECONDS = 150


@pytest.fixture(scope="module")
def daemon(tmp_path_factory, dbt_manifest):
    """`dagster dev` on a temporary Dagster home; yields (home, GraphQL client)."""
    home = real_dagster_home(tmp_path_factory.mktemp("daemon"))
    server, client = start_dagster_dev(home)
    try:
        yield home, client
    finally:
        stop_dagster_dev(server)


def daemon_alive(home: Path) -> subprocess.CompletedProcess:
    """`make daemon-alive` (the data team's watchdog) for the Dagster home `home`."""
    return subprocess.run(
        ["make", "-s", "daemon-alive", f"DAGSTER_HOME={home}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_watchdog_tells_a_live_daemon_from_none(daemon, tmp_path):
    home, _ = daemon
    deadline = time.monotonic() + 60  # the daemon's first heartbeat, after the webserver is up
    while (alive := daemon_alive(home)).returncode != 0 and time.monotonic() < deadline:
        time.sleep(2)
    assert (alive.returncode, alive.stdout.strip()) == (0, "Daemon live"), alive.stderr
    # A Dagster home whose daemon never ran (or stopped more than two minutes ago).
    gone = daemon_alive(real_dagster_home(tmp_path))
    assert gone.returncode != 0 and gone.stdout.strip() == "Daemon(s) not running"


def older_publication(warehouse_path: str, folder: Path) -> Path:
    """A copy of the end-to-end warehouse made by older code, so that a run republishes it."""
    path = folder / "ontcijferd.duckdb"
    folder.mkdir()
    shutil.copyfile(warehouse_path, path)
    made_by_older_code(path)
    return path


def dbt_started(run_id: str):
    def reached(instance: dg.DagsterInstance):
        records = instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.STEP_START
        ).records
        return any(r.event_log_entry.dagster_event.step_key == "dbt_models" for r in records)

    return reached


def publications(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [
            r[0] for r in con.execute("select code_fingerprint from meta.publication").fetchall()
        ]
    finally:
        con.close()


def queued_run_in_dbt(home: Path, client, published: Path) -> tuple[str, float]:
    """(run id, seconds it waited in the queue) of a queued run, once its `dbt build` runs."""
    submitted = time.monotonic()
    run_id = submit(client, published)
    left_queue = wait_for(home, started(run_id), 120)
    assert left_queue is not None, "the queued run stayed queued"
    assert wait_for(home, dbt_started(run_id), 240), "the queued run never reached dbt"
    deadline = time.monotonic() + 60
    while not dbt_build_running(published.parent):  # dbt itself, not only the step
        assert time.monotonic() < deadline, "dbt build never started"
        time.sleep(0.2)
    return run_id, left_queue - submitted


def kill_queued_run_during_dbt(home: Path, client, published: Path) -> tuple[str, float]:
    """(run id, seconds it waited in the queue) of a queued run killed once dbt runs."""
    run_id, waited = queued_run_in_dbt(home, client, published)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        owner = instance.get_run_by_id(run_id).tags[OWNER_TAG]
        engine = dg.DagsterEventType.ENGINE_EVENT
        logged = [
            WORKER_STARTED.search(r.event_log_entry.message or "")
            for r in instance.get_records_for_run(run_id, of_type=engine).records
        ]
    worker = int(owner.split(":")[1])
    # The pid the dead_runs sensor judges a run by before its owner tag exists is the worker's.
    assert [int(found.group(1)) for found in logged if found] == [worker]
    os.kill(worker, signal.SIGKILL)  # the run worker, as the OOM killer would
    return run_id, waited


def test_killed_runs_never_hold_the_queue(daemon, warehouse_path, tmp_path, request):
    """A CLI run killed during dbt, then a queued run killed during dbt: after each, the next
    queued run leaves the queue at once (the daemon finds the dead run by itself: no CLI run
    comes between). That next run is terminated from the UI during dbt: canceled, nothing
    published, its dbt gone. The last one publishes."""
    home, client = daemon
    published = older_publication(warehouse_path, home / "warehouse")
    env = {"DAGSTER_HOME": str(home), "ONTCIJFERD_WAREHOUSE": str(published)}
    child, output = start_run("dbt", tmp_path, "cli", env)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    cli_run = run_id_of(output)

    queued, after_cli_kill = kill_queued_run_during_dbt(home, client, published)
    # The data team's Terminate button (the UI sends the same GraphQL call) during dbt.
    terminated, after_kill = queued_run_in_dbt(home, client, published)
    before = published.read_bytes()
    asked = time.monotonic()
    client.terminate_run(terminated)
    assert wait_for(home, finished(terminated), 60) == "CANCELED"
    canceled_after = time.monotonic() - asked
    assert_no_process_left(published.parent)  # dbt too
    assert published.read_bytes() == before

    submitted = time.monotonic()
    last = submit(client, published)
    left_queue = wait_for(home, started(last), 120)
    assert left_queue is not None, "the next queued run stayed queued"
    status = wait_for(home, finished(last), 300)
    published_after = time.monotonic() - submitted
    assert status == "SUCCESS", (home / "dagster-dev.log").read_text()[-3000:]
    assert status_of(home, cli_run) == "FAILURE" and status_of(home, queued) == "FAILURE"
    assert status_of(home, terminated) == "CANCELED"
    # The killed run's dbt outlives its worker on this path; the next run stopped it if it
    # still held the build (lifecycle/build.py), and nothing of either run is left.
    assert_no_process_left(published.parent)
    assert publications(published) == ["older-code", publications(published)[1]]
    start_took = left_queue - submitted
    assert start_took <= START_WITHIN_SECONDS, (
        f"the next queued run started after {start_took:.0f} s"
    )
    assert published_after <= PUBLISH_WITHIN_SECONDS, f"it published after {published_after:.0f} s"
    expected = (
        "the killed run is marked failed without a CLI run; the next queued run starts within "
        f"{START_WITHIN_SECONDS} s"
    )
    reliability_row(
        request,
        side="ours",
        fault="`ontcijferd run` killed (SIGKILL) during dbt, then a queued run (daemon path)",
        injected="`dagster dev` with the real dagster.yaml; a CLI run on the same Dagster home "
        "killed while dbt runs, another run queued",
        expected=expected,
        seen=f"the queued run left the queue {after_cli_kill:.0f} s after it was queued; the "
        "killed run: FAILURE",
    )
    reliability_row(
        request,
        side="ours",
        fault="queued run killed (SIGKILL) during dbt (daemon path)",
        injected="`dagster dev` with the real dagster.yaml; the run worker of a queued run "
        "killed while dbt runs, another run queued",
        expected=f"{expected} and publishes within {PUBLISH_WITHIN_SECONDS} s",
        seen=f"the next queued run left the queue {start_took:.0f} s and published "
        f"{published_after:.0f} s after it was queued; the killed run: FAILURE",
    )
    reliability_row(
        request,
        side="ours",
        fault="queued run terminated from the Dagster UI during dbt (daemon path)",
        injected="`dagster dev` with the real dagster.yaml; a queued run terminated while dbt "
        "runs (GraphQL terminateRun, as the UI's Terminate button), another run queued",
        expected="CANCELED, nothing published, no process left; the next queued run starts "
        f"within {START_WITHIN_SECONDS} s and publishes",
        seen=f"CANCELED {canceled_after:.1f} s after Terminate (it had left the queue "
        f"{after_kill:.0f} s after it was queued); published file unchanged; the next run: "
        f"{status}",
    )


def test_runs_stranded_by_a_killed_dagster_dev_do_not_hold_the_queue(
    warehouse_path, dbt_manifest, tmp_path, request
):
    """The whole `dagster dev` killed with SIGKILL (the machine or container stopped) at the two
    moments a queued run has no process of ours vouching for it: while it is STARTING (no worker
    yet; run monitoring's start timeout, dagster.yaml, fails it) and once STARTED but before its
    worker recorded itself as the run's owner (the `dead_runs` sensor judges it by the pid its
    worker logged; the test hook pauses the worker exactly there). After each restart the next
    queued run leaves the queue within a minute; the last one publishes; both stranded runs are
    marked failed. Before, they held the queue for 180 s + 30 s and for four hours."""
    home = real_dagster_home(tmp_path)
    published = older_publication(warehouse_path, tmp_path / "warehouse")
    ready = tmp_path / "ready-owner"
    paused = hooked_env("owner", ready)  # each run worker of this `dagster dev` pauses there
    server, client = start_dagster_dev(home, paused)
    try:
        starting = submit(client, published)

        def is_starting(instance: dg.DagsterInstance) -> bool:
            return instance.get_run_by_id(starting).status == dg.DagsterRunStatus.STARTING

        assert wait_for(home, is_starting, 120, interval=0.05), "the run never was STARTING"
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        server, client = start_dagster_dev(home, paused)
        submitted = time.monotonic()
        ownerless = submit(client, published)
        left_queue = wait_for(home, started(ownerless), 120)
        assert left_queue is not None, "the run after the STARTING one stayed queued"
        after_starting = left_queue - submitted
        assert wait_for(home, lambda _: ready.exists(), 120), "its worker never started"
        with dg.DagsterInstance.from_config(str(home)) as instance:
            run = instance.get_run_by_id(ownerless)
            assert run.status == dg.DagsterRunStatus.STARTED and OWNER_TAG not in run.tags
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        server, client = start_dagster_dev(home)  # without the hook
        submitted = time.monotonic()
        last = submit(client, published)
        left_queue = wait_for(home, started(last), 120)
        assert left_queue is not None, "the run after the ownerless one stayed queued"
        assert wait_for(home, finished(last), 300) == "SUCCESS"
    finally:
        stop_dagster_dev(server)
    after_ownerless = left_queue - submitted
    assert status_of(home, starting) == "FAILURE" and status_of(home, ownerless) == "FAILURE"
    for waited in (after_starting, after_ownerless):
        assert waited <= START_WITHIN_SECONDS, f"a queued run started after {waited:.0f} s"
    assert publications(published) == ["older-code", publications(published)[1]]
    expected = f"the next queued run leaves the queue within {START_WITHIN_SECONDS} s"
    reliability_row(
        request,
        side="ours",
        fault="the whole `dagster dev` killed (SIGKILL) while a queued run is STARTING",
        injected="`dagster dev` with the real dagster.yaml killed the moment a queued run is "
        "STARTING, started again, another run queued",
        expected=f"{expected}; the stranded run is marked failed (it held the queue for 180 s "
        "+ 30 s)",
        seen=f"the next queued run left the queue {after_starting:.0f} s after it was queued; "
        "the stranded run: FAILURE",
    )
    reliability_row(
        request,
        side="ours",
        fault="the whole `dagster dev` killed (SIGKILL) after a queued run started, before its "
        "worker recorded itself as the owner (daemon path)",
        injected="`dagster dev` with the real dagster.yaml killed while the run's worker is "
        "paused there (test hook), started again, another run queued",
        expected=f"{expected} and publishes; the stranded run is marked failed (it held the "
        "queue until run monitoring's four hours)",
        seen=f"the next queued run left the queue {after_ownerless:.0f} s after it was queued "
        "and published; the stranded run: FAILURE",
    )
