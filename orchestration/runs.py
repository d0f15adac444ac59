"""Starting the nightly job from the command line, so that a run can never wedge the next one.

A run killed with SIGKILL (out of memory, a reboot, `kill -9`) cannot tell Dagster it ended: it
stays STARTED in the instance and keeps its claim on the `warehouse` pool slot (dagster.yaml,
limit 1), and every later run would wait for that slot for ever. So each run records which
process owns it (tag `ontcijferd/owner`: host, pid and the process's start time, so a reused pid
is not mistaken for the owner), and before a new run starts, `recover_abandoned_runs` marks the
runs whose owner is gone as failed through Dagster's API and frees their pool slots.

The job executes in a worker thread, so that the main thread keeps control of the process: it
prints one line per step as steps start and finish, and on SIGTERM or SIGINT it marks the run
canceled, frees its slots, stops dbt and returns at once (Dagster's own handler only looks at
interrupts between steps, and not while a step waits for a pool slot).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

from orchestration.resources import (
    OWNER_TAG,
    WAREHOUSE_POOL,
    owner_alive,
    owner_of_this_process,
)

JOB_NAME = "nightly"
# A run without an owner tag (started before runs carried one, or launched by the Dagster daemon
# and not yet past its start-up) is left alone until it has been silent this long.
UNTAGGED_GRACE_SECONDS = 120
# A step still running after this long gets a line of its own before it finishes.
ANNOUNCE_AFTER_SECONDS = 2.0
ACTIVE_STATUSES = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
TERMINAL_STATUSES = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
}


def _abandoned(record, lock_free: bool, now: float) -> bool:
    owner = record.dagster_run.tags.get(OWNER_TAG)
    if owner:
        return owner_alive(owner) is False
    silent = now - record.update_timestamp.timestamp()
    return lock_free and silent > UNTAGGED_GRACE_SECONDS


def recover_abandoned_runs(instance: dg.DagsterInstance, lock_free: bool) -> list[str]:
    """Mark the nightly runs no process holds any more as failed and free their pool slots.

    `lock_free`: no process holds the warehouse build lock, so no run of ours is building now.
    Also frees pool slots still claimed by runs that have ended. Returns one line per repair.
    """
    lines = []
    now = time.time()
    records = instance.get_run_records(RunsFilter(job_name=JOB_NAME, statuses=ACTIVE_STATUSES))
    for record in records:
        if not _abandoned(record, lock_free, now):
            continue
        run = record.dagster_run
        started = record.start_time or record.create_timestamp.timestamp()
        when = dt.datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
        instance.report_run_failed(
            run,
            "Marked failed by a later run: the process that ran it no longer exists (killed?)",
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        lines.append(
            f"recovered: run {run.run_id} (started {when}) was left behind by a process that "
            "no longer exists (killed?); marked failed and its warehouse pool slot freed"
        )
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    holders = {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
    for run_id in sorted(holders):
        run = instance.get_run_by_id(run_id)
        if run is None or run.status in TERMINAL_STATUSES:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            lines.append(f"recovered: freed the warehouse pool slot of ended run {run_id}")
    return lines


def pool_holder(instance: dg.DagsterInstance) -> str | None:
    """The run that holds the warehouse pool slot now, if any."""
    claimed = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots
    return claimed[0].run_id if claimed else None


class RunInterrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum, _frame):
    raise RunInterrupted(signum)


@dataclass
class NightlyRun:
    """One execution of the nightly job in a worker thread, watched from the main thread."""

    instance: dg.DagsterInstance
    job: dg.JobDefinition
    run_id: str
    progress: Callable[[str], None]
    result: dg.ExecuteInProcessResult | None = None
    error: BaseException | None = None
    _announced: set[str] = field(default_factory=set)

    def _execute(self) -> None:
        try:
            self.result = self.job.execute_in_process(
                instance=self.instance,
                run_id=self.run_id,
                tags={OWNER_TAG: owner_of_this_process()},
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            )
        except BaseException as err:  # reported by the main thread
            self.error = err

    def run(self) -> dg.ExecuteInProcessResult:
        """Execute; print step lines; on SIGTERM/SIGINT cancel the run and raise RunInterrupted."""
        worker = threading.Thread(target=self._execute, name="nightly-run", daemon=True)
        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {s: signal.signal(s, _raise_interrupted) for s in signals}
        started: dict[str, float] = {}
        cursor = None
        try:
            worker.start()
            while worker.is_alive():
                worker.join(timeout=0.5)
                cursor = self._report_steps(cursor, started)
            self._report_steps(cursor, started)
        except RunInterrupted:
            self.cancel()
            raise
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def _report_steps(self, cursor: str | None, started: dict[str, float]) -> str | None:
        """One line per step as it finishes; a step still busy after a few seconds (dbt) also
        gets a line when it starts, so the terminal is never silent for long."""
        if self.instance.get_run_by_id(self.run_id) is not None:
            records = self.instance.get_records_for_run(self.run_id, cursor, of_type=STEP_EVENTS)
            cursor = records.cursor
            for record in records.records:
                event = record.event_log_entry.dagster_event
                step, at = event.step_key, record.event_log_entry.timestamp
                if event.event_type == dg.DagsterEventType.STEP_START:
                    started[step] = at
                    continue
                took = at - started.pop(step, at)
                self._announced.discard(step)
                word = "done  " if event.is_step_success else "FAILED"
                self.progress(f"  {word} {step} ({took:.1f} s)")
        for step, at in started.items():
            if step not in self._announced and time.time() - at > ANNOUNCE_AFTER_SECONDS:
                self._announced.add(step)
                self.progress(
                    f"  busy   {step} (started {time.strftime('%H:%M:%S', time.localtime(at))})"
                )
        return cursor

    def cancel(self) -> None:
        """Mark the run canceled, free its pool slot and stop the processes it started (dbt)."""
        run = self.instance.get_run_by_id(self.run_id)
        if run is not None and run.status not in TERMINAL_STATUSES:
            self.instance.report_run_canceled(run, "Stopped by a signal (SIGTERM or SIGINT)")
        self.instance.event_log_storage.free_concurrency_slots_for_run(self.run_id)
        for pid in _descendants(os.getpid()):
            with contextlib.suppress(OSError):
                # Python's multiprocessing resource tracker cleans up after us by itself.
                if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGTERM)


def _descendants(pid: int) -> list[int]:
    """Child processes (and theirs) of `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
