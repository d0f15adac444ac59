"""Runs whose process is gone are marked failed — the one thing Dagster cannot see by itself.

Dagster notices a dead run worker that its code server started (`dagster dev`, the daemon's
runs) and marks the run failed. It cannot notice a run whose process died with nobody watching:
an `ontcijferd run` killed with SIGKILL, or a whole `dagster dev` killed mid-run. Such a run
stays STARTED for ever, and with `max_concurrent_runs: 1` (dagster.yaml) the daemon's queue
would wait for it. So every run records the process that executes it (tag `ontcijferd/owner`:
host, pid and the process's start time, so that a reused pid is not taken for the owner), and
`mark_dead_runs_failed` — called first by every `ontcijferd run` (also one that starts no run)
and by the `dead_runs` sensor in the daemon — marks the runs whose owner no longer exists as
failed.

A run the daemon launched gets its owner tag when its worker sets up the warehouse resource,
a moment after the run started (or never, for a run of assets that do not use it). Before that
the sensor — evaluated by the code server, on the host whose run workers it starts — knows
the worker from the first line it logs, "Started process for run (pid: …)": a run whose
worker is gone is marked failed too, instead of holding the queue until `max_runtime_seconds`
(the whole `dagster dev` killed in that moment).

An owner on another host cannot be looked up by its pid: a container beside this one sharing
the Dagster home, or the container this one replaced (re-created with a new host name while a
run was going). Each run therefore also records the build lock it holds (tag `ontcijferd/lock`,
lifecycle/build.py `lock_identity`); on the same machine, a run whose build lock is free and
that has written nothing to its event log for `QUIET_SECONDS` is dead — a live run holds the
lock from its start to its end, and writes events around both. Elsewhere it is left to run
monitoring's `max_runtime_seconds` (dagster.yaml).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import time
from pathlib import Path

import dagster as dg

from lifecycle.build import build_lock_free

OWNER_TAG = "ontcijferd/owner"
LOCK_TAG = "ontcijferd/lock"
# A run whose build lock is free is only alive at its very start or end, which write events
# within seconds; a minute without any is well clear of both.
QUIET_SECONDS = 60
JOB_NAME = "nightly"
# The first line a run worker logs (Dagster's code server), before the run starts.
WORKER_STARTED = re.compile(r"Started process for run \(pid: (\d+)\)")
# How much earlier than its first line a worker may seem to have started (the clock-tick
# arithmetic of `_started_at`): a process that started later holds a reused pid.
CLOCK_SLACK_SECONDS = 1.0
# NOT_STARTED: an `ontcijferd run` killed in the seconds between its worker creating the run
# and starting it (the daemon's runs are QUEUED, then STARTING, instead).
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _process_start(pid: int) -> str | None:
    """The start time of a live process in clock ticks since boot (/proc/<pid>/stat field 22);
    None for a process that is gone or has ended (a zombie nobody reaped yet, as in a container
    whose first process does not reap orphans)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, *fields = stat.rsplit(")", 1)[1].split()
    return None if state in ("Z", "X") else fields[18]


def _started_at(pid: int) -> float | None:
    """When a live process started, in seconds since the epoch; None if it is gone."""
    ticks = _process_start(pid)
    if ticks is None:
        return None
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return time.time() - uptime + int(ticks) / os.sysconf("SC_CLK_TCK")


def owner_of_this_process() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def owner_alive(owner: str) -> bool | None:
    """Whether the process that owns a run still runs; None when it ran on another host."""
    host, pid, start = owner.rsplit(":", 2)
    if host != socket.gethostname():
        return None
    return _process_start(int(pid)) == start


def mark_dead_runs_failed(
    instance: dg.DagsterInstance, workers_started_here: bool = False
) -> list[str]:
    """Mark unfinished nightly runs whose process no longer exists as failed; one line each.

    A run without an owner yet (launched by the daemon) is judged by its worker's pid only
    where `workers_started_here` (the sensor, in the code server that starts them); elsewhere,
    and before its worker started, it is left to Dagster's run monitoring.
    """
    lines = []
    records = instance.get_run_records(dg.RunsFilter(job_name=JOB_NAME, statuses=UNFINISHED))
    for record in records:
        run = record.dagster_run
        owner = run.tags.get(OWNER_TAG)
        gone = "a process that no longer exists (killed?)"
        if owner:
            alive = owner_alive(owner)
            if alive is None:
                alive = _alive_elsewhere(instance, run)
                host = owner.rsplit(":", 2)[0]
                gone = f"host {host}, which no longer holds the build lock (its container stopped?)"
        elif workers_started_here:
            alive = _worker_alive(instance, run)
            gone = "a run worker that no longer exists (killed before it took the warehouse?)"
        else:
            continue
        # A worker ends after writing its run's last status: the run may have just ended.
        if alive is not False or instance.get_run_by_id(run.run_id).status not in UNFINISHED:
            continue
        started = record.start_time or record.create_timestamp.timestamp()
        when = dt.datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
        instance.report_run_failed(run, f"Marked failed: it was left behind by {gone}")
        lines.append(
            f"recovered: run {run.run_id} (started {when}) was left behind by {gone}; marked failed"
        )
    return lines


def _worker_alive(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool | None:
    """Whether the worker a code server on this host started for `run` still runs (by the pid
    of its first line, not taken for a later process that reused the pid); None before it
    logged that line."""
    for record in instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT
    ).records:
        entry = record.event_log_entry
        started = WORKER_STARTED.search(entry.message or "")
        if started:
            since = _started_at(int(started.group(1)))
            return since is not None and since <= entry.timestamp + CLOCK_SLACK_SECONDS
    return None


def _alive_elsewhere(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool | None:
    """Whether a run owned by another host is alive: False when its build lock is free and
    its event log has been quiet for `QUIET_SECONDS`; None when that cannot be told here."""
    lock = run.tags.get(LOCK_TAG)
    if not lock or build_lock_free(lock) is not True:
        return None
    last = instance.get_records_for_run(run.run_id, ascending=False, limit=1).records
    if last and time.time() - last[0].event_log_entry.timestamp < QUIET_SECONDS:
        return None
    return False
