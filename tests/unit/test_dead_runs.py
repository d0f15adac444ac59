"""Runs whose process died.

A run left behind on another host — a container beside this one sharing the Dagster home, or
the one a re-created container replaced (a new host name: its pid means nothing here) — is
marked failed once its build lock is free and its event log has been quiet; never while the lock
is held, nor the moment it was freed, nor when the lock file is not the one it held.

SYNTHETIC: a job named like the nightly one on an ephemeral Dagster instance; the checks run
inside its op, while the run is STARTED, with the tags a run on another host would have."""

import os
import sqlite3
import subprocess
import time
import types
import uuid

import dagster as dg
import pytest

from lifecycle.build import WarehouseBuild
from orchestration import supervision
from orchestration.supervision import LOCK_TAG, OWNER_TAG, mark_dead_runs_failed
from tests.conftest import reliability_row, run_left_by_an_ended_process


def test_a_run_of_another_host_is_failed_only_once_its_build_lock_is_free(
    tmp_path, monkeypatch, request
):
    build = WarehouseBuild.begin(
        tmp_path / "ontcijferd.duckdb", tmp_path / ".build" / "next.duckdb", "on-the-other-host"
    )
    lock = build.build_dir / "lock"
    seen: dict[str, list[str]] = {}

    @dg.op
    def checked(context: dg.OpExecutionContext) -> None:
        instance = context.instance
        seen["lock held"] = mark_dead_runs_failed(instance)
        build.release()
        seen["lock just freed"] = mark_dead_runs_failed(instance)
        monkeypatch.setattr(supervision, "QUIET_SECONDS", 0)  # as a minute later
        lock.rename(lock.with_name("lock.old"))
        lock.write_text("")  # another file at the same path: not the lock the run held
        seen["another lock file"] = mark_dead_runs_failed(instance)
        lock.unlink()
        lock.with_name("lock.old").rename(lock)
        seen["lock free, quiet"] = mark_dead_runs_failed(instance)
        seen["status"] = [instance.get_run_by_id(context.run_id).status.value]

    @dg.job
    def nightly() -> None:
        checked()

    tags = {OWNER_TAG: "container-before:4242:123456", LOCK_TAG: build.lock_identity()}
    with dg.DagsterInstance.ephemeral() as instance:
        nightly.execute_in_process(instance=instance, tags=tags, raise_on_error=False)
    assert seen["lock held"] == seen["lock just freed"] == seen["another lock file"] == []
    [line] = seen["lock free, quiet"]
    assert line.startswith("recovered: run ")
    assert line.endswith(
        "was left behind by host container-before, which no longer holds the build lock (its "
        "container stopped?); marked failed"
    )
    assert seen["status"] == ["FAILURE"]
    reliability_row(
        request,
        side="ours",
        fault="a run left STARTED by another host of the machine (a container re-created mid-run)",
        injected="a STARTED nightly run owned by host `container-before`, its build lock held, "
        "just freed, replaced by another file, then free and quiet",
        expected="marked failed only when its own build lock is free and its event log quiet "
        "(it held the daemon's queue for four hours before)",
        seen=line.split("was left behind by ")[1],
    )


def test_the_error_a_run_worker_died_of_is_read_from_its_log(tmp_path):
    """A run worker that ended with an error outside any step (Dagster's own storage failing)
    left only its traceback in its log: the last exception line is the cause the summary
    names. SYNTHETIC log, in the shape of the one a full Dagster home left."""
    from orchestration.launcher import _last_error

    log = tmp_path / "run.log"
    log.write_text(
        "  done   raw__cbs_03759ned (0,2 s)\n"
        "Traceback (most recent call last):\n"
        '  File "sqlalchemy/engine/base.py", line 1201, in _commit_impl\n'
        "sqlite3.OperationalError: database or disk is full\n\n"
        "The above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n"
        '  File "sqlalchemy/engine/base.py", line 2351, in _handle_dbapi_exception\n'
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database or disk is full\n"
        "(Background on this error at: https://sqlalche.me/e/21/e3q8)\n"
    )
    assert _last_error(log) == (
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database or disk is full"
    )
    log.write_text("  done   raw__cbs_03759ned (0,2 s)\n")
    assert _last_error(log) is None
    assert _last_error(tmp_path / "missing.log") is None


def test_dagsters_storage_failing_under_the_launcher_says_where(tmp_path, monkeypatch):
    """Dagster's SQLite storage failing while the launcher watches the run (its disk filled up:
    tried with DAGSTER_HOME on a tmpfs filled mid-run, which ended in SQLAlchemy's "database or
    disk is full" and nothing else): one error naming the storage and its free space, and that
    the run was stopped. Before a worker started, no run was. Other errors pass unchanged.
    SYNTHETIC errors, raised as SQLAlchemy raises them."""
    from orchestration.launcher import _Stop, _storage_failure_named

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / ".dagster_home").mkdir()
    running = _Stop()
    running.worker = types.SimpleNamespace(pid=2**22 + 1)  # no such process group
    with pytest.raises(RuntimeError) as said, _storage_failure_named(running):
        raise ValueError("(sqlite3.OperationalError) …") from sqlite3.OperationalError(
            "database or disk is full"
        )
    assert str(said.value).startswith(f"Dagster's storage in {tmp_path / '.dagster_home'} (")
    assert str(said.value).endswith(
        " MiB free) failed: database or disk is full; the run was stopped"
    )
    with pytest.raises(RuntimeError) as said, _storage_failure_named(_Stop()):
        raise ValueError("(sqlite3.OperationalError) …") from sqlite3.OperationalError(
            "disk I/O error"
        )
    assert str(said.value).endswith(" MiB free) failed: disk I/O error; no run was started")
    with pytest.raises(KeyError), _storage_failure_named(running):
        raise KeyError("not the storage")


def test_a_stopped_runs_line_says_what_dagster_holds_of_it(tmp_path):
    """The line of a run stopped by a signal claims a canceled run only when there was one to
    cancel: a run still going is marked canceled; one that had already ended keeps its status;
    one stopped before its worker recorded it (no run in Dagster) says so. SYNTHETIC job on an
    ephemeral Dagster instance."""
    from delivery.run_summary import stopped_run
    from orchestration.launcher import RunOutcome, _canceled

    lines = {}

    @dg.op
    def going(context: dg.OpExecutionContext) -> None:
        outcome = RunOutcome(context.run_id, "CANCELED", tmp_path / "log")
        lines["going"] = stopped_run(
            _canceled(context.instance, outcome, "SIGINT"), tmp_path, False
        )

    @dg.job
    def nightly() -> None:
        going()

    with dg.DagsterInstance.ephemeral() as instance:
        ended = nightly.execute_in_process(instance=instance, raise_on_error=False).run_id
        # (execute_in_process records its own end after the cancel: SUCCESS.)
        assert instance.get_run_by_id(ended).status == dg.DagsterRunStatus.SUCCESS
        outcome = _canceled(instance, RunOutcome(ended, "CANCELED", tmp_path / "log"), "SIGTERM")
        lines["ended"] = stopped_run(outcome, tmp_path / "o.duckdb", True)
        outcome = _canceled(instance, RunOutcome("not-there", "CANCELED", tmp_path), "SIGHUP")
        lines["not recorded"] = stopped_run(outcome, tmp_path / "o.duckdb", False)
    run = lines["going"].split()[1]
    assert lines["going"] == (
        f"Run {run} stopped (SIGINT): marked canceled in Dagster; the last good warehouse stays "
        f"published at {tmp_path}."
    )
    assert lines["ended"] == (
        f"Run {ended} stopped (SIGTERM): it had already ended in Dagster (SUCCESS); it had just "
        f"published, so the new warehouse is published at {tmp_path / 'o.duckdb'}."
    )
    assert lines["not recorded"] == (
        "Run not-there stopped (SIGHUP): it was stopped before Dagster recorded the run; nothing "
        f"is published at {tmp_path / 'o.duckdb'}: no run has published a warehouse there yet."
    )


def test_a_run_killed_before_it_started_is_marked_failed(request):
    """`ontcijferd run` killed with SIGKILL in the seconds between its run worker creating the
    run and starting it (found by killing runs at random times) left the run NOT_STARTED for
    ever in the Dagster UI. The next start-up marks it failed like a STARTED one. SYNTHETIC run
    record, owned by a process of this host that has ended."""
    run = run_left_by_an_ended_process(dg.DagsterRunStatus.NOT_STARTED)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_run(run)
        [line] = mark_dead_runs_failed(instance)
        status = instance.get_run_by_id(run.run_id).status
    assert status == dg.DagsterRunStatus.FAILURE
    assert line.startswith(f"recovered: run {run.run_id} (started ")
    assert line.endswith(
        "was left behind by a process that no longer exists (killed?); marked failed"
    )
    reliability_row(
        request,
        side="ours",
        fault="`ontcijferd run` killed (SIGKILL) before its run started",
        injected="a NOT_STARTED nightly run whose owning process has ended (the CLI killed in "
        "the ~2.5 s between its worker creating the run and starting it)",
        expected="marked failed by the next start-up or the dead_runs sensor, not left "
        "NOT_STARTED for ever",
        seen=line.split(") ", 1)[1],
    )


def test_a_queued_run_killed_before_it_took_the_warehouse_is_marked_failed(
    tmp_path, monkeypatch, request
):
    """The whole `dagster dev` killed in the moment between a queued run's start and its
    worker's owner tag left the run STARTED without an owner: it held the queue until run
    monitoring's four hours. The dead_runs sensor (in the code server that starts the workers,
    with the project's dagster.yaml) now judges such a run by the pid its worker logged first;
    a live worker, a run whose worker logged nothing yet, and every such run seen from
    elsewhere (the CLI) are left alone; a pid that a later process reused is not taken for the
    worker. SYNTHETIC run records and engine events, in the words Dagster's code server logs."""
    from orchestration.automation import dead_runs
    from tests.e2e.conftest import real_dagster_home

    gone = subprocess.Popen(["true"])
    gone.wait()

    def started_run(pid: int | None) -> dg.DagsterRun:
        run = dg.DagsterRun(
            job_name="nightly", run_id=str(uuid.uuid4()), status=dg.DagsterRunStatus.STARTED
        )
        instance.add_run(run)
        if pid is not None:
            instance.report_engine_event(f"Started process for run (pid: {pid}).", run)
        return run

    def sensor_says() -> str:
        return dead_runs(dg.build_sensor_context(instance=instance)).skip_message

    with dg.DagsterInstance.from_config(str(real_dagster_home(tmp_path))) as instance:
        alive, silent, killed = started_run(os.getpid()), started_run(None), started_run(gone.pid)
        seen_elsewhere = mark_dead_runs_failed(instance)
        line = sensor_says()
        # A worker that logged its pid a minute ago; a process started since holds that pid.
        with subprocess.Popen(["sleep", "30"]) as later:
            try:
                reused = started_run(None)
                a_minute_ago = time.time() - 60
                with monkeypatch.context() as patch:
                    patch.setattr(time, "time", lambda: a_minute_ago)
                    instance.report_engine_event(
                        f"Started process for run (pid: {later.pid}).", reused
                    )
                reused_line = sensor_says()
            finally:
                later.kill()
        statuses = {
            name: instance.get_run_by_id(run.run_id).status.value
            for name, run in {"alive": alive, "silent": silent, "killed": killed}.items()
        }
    assert seen_elsewhere == []
    assert statuses == {"alive": "STARTED", "silent": "STARTED", "killed": "FAILURE"}
    assert line.startswith(f"recovered: run {killed.run_id} (started ")
    assert line.endswith(
        "was left behind by a run worker that no longer exists (killed before it took the "
        "warehouse?); marked failed"
    )
    assert reused_line.startswith(f"recovered: run {reused.run_id} ")
    reliability_row(
        request,
        side="ours",
        fault="the whole `dagster dev` killed (SIGKILL) just after a queued run started",
        injected="a STARTED nightly run without an owner tag whose worker's logged pid has "
        "ended, beside one whose worker lives, one whose worker logged nothing yet, and one "
        "whose pid a later process reused",
        expected="the dead_runs sensor marks the dead and the reused one failed, leaves the "
        "others; the CLI leaves all (it may be another host) — not four hours in the queue",
        seen=line.split(") ", 1)[1],
    )
