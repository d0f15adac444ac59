"""Starting the nightly job from the command line (`ontcijferd run`), and what became of it.

The job executes in a run worker of its own — a child process in a new session, as the Dagster
daemon runs a job in a run worker — with the settings the CLI decided on in its run config.
This process only watches: it prints a line per step from Dagster's event log, and afterwards
reads the run's outcome from it (`RunOutcome`: plain values, so the CLI needs no Dagster).

Stopping is therefore simple and certain. SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal went
away) kills the worker's whole process group (the run, dbt) at once with SIGKILL, so nothing it
would have done afterwards — publishing above all — happens; the run is then marked canceled
and the CLI prints one line. A worker whose parent dies (the CLI killed with SIGKILL) kills its
own group. Either way the build lock dies with the process that held it, and the last good
warehouse stays published.

Usage inside this module: `python -m orchestration.launcher RUN_ID SETTINGS_JSON LOG` is the
run worker.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import yaml

from lifecycle.build import DiskSpaceError
from lifecycle.stopping import STOP_SIGNALS, stopped_by
from orchestration.resources import run_config
from orchestration.supervision import (
    JOB_NAME,
    OWNER_TAG,
    mark_dead_runs_failed,
    owner_of_this_process,
)
from sources.config import (
    REPO_ROOT,
    ConfigError,
    Settings,
    settings_from_json,
    settings_to_json,
)
from sources.notation import number

# A step still running after this long gets a line of its own before it finishes.
ANNOUNCE_AFTER_SECONDS = 2.0
POLL_SECONDS = 0.3
OUR_PACKAGES = ("sources.", "lifecycle.", "orchestration.", "delivery.")
STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
}


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    description: str | None
    metadata: dict


@dataclass(frozen=True)
class Failure:
    """A failed step, or the run's resources failing to start (step None): our message."""

    step: str | None
    message: str
    busy: bool  # another run holds the warehouse build lock


# The status of a run stopped before its worker recorded it in Dagster (no run there).
NOT_RECORDED = "NOT_RECORDED"


@dataclass
class RunOutcome:
    run_id: str
    status: str  # SUCCESS, FAILURE, CANCELED; or NOT_RECORDED
    log_path: Path
    stopped_by: str | None = None  # the stop signal's name (lifecycle/stopping.py)
    materialized: dict[str, dict] = field(default_factory=dict)  # asset key → metadata
    checks: list[CheckOutcome] = field(default_factory=list)
    planned_checks: list[str] = field(default_factory=list)  # "asset check" of each planned
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the run's code logged as warnings

    @property
    def success(self) -> bool:
        return self.status == "SUCCESS"


def step_failure_message(data) -> str:
    """Why a step failed: the line our code gave it (orchestration/resources.py:
    failure_in_words), else the root cause of the error."""
    told = getattr(data, "user_failure_data", None)
    return told.description if told and told.description else root_cause(data.error)


def root_cause(error) -> str:
    """The error our code raised in a failed step: the CBS table, file or check that broke it.

    Dagster wraps an exception raised in an asset ("Error occurred while executing op …");
    the data team needs our message (which table, file, row and column), not Dagster's wrapper
    nor the low-level error ours was raised from.
    """
    if error is None:
        return "unknown error"
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    message = error.message.strip()
    # Our own errors are sentences for the data team: without their class path in front
    # ("lifecycle.build.HistoryNotCarriedError: The value history …").
    qualified, _, sentence = message.partition(": ")
    if qualified.endswith(f".{error.cls_name}") and qualified.startswith(OUR_PACKAGES):
        return sentence
    return message


def dagster_home() -> None:
    """Dagster reads dagster.yaml from DAGSTER_HOME: the repository root, whose relative storage
    paths (.dagster_home/) are relative to it. One that is not a folder, or has no dagster.yaml
    (a DAGSTER_HOME set in the shell for another project), is a bad configuration (exit 2),
    said before Dagster says it in a traceback or runs on its defaults."""
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT))
    os.chdir(REPO_ROOT)
    home = Path(os.environ["DAGSTER_HOME"])
    if not home.is_dir():
        raise ConfigError(f"DAGSTER_HOME {home} is not a folder: Dagster keeps its runs there")
    if not (home / "dagster.yaml").is_file():
        # Dagster would run on its defaults: its storage loose in that folder, telemetry on,
        # no run queue limit and no run monitoring — a nightly run could then hang unseen.
        raise ConfigError(
            f"DAGSTER_HOME {home} has no dagster.yaml: unset DAGSTER_HOME to use the "
            f"repository's ({REPO_ROOT}), or put one there (the repository's, its paths made "
            "absolute)"
        )


def _instance() -> dg.DagsterInstance:
    """Dagster's instance of DAGSTER_HOME. A dagster.yaml Dagster cannot read is a bad
    configuration: one line naming the file (exit 2), not a run that failed."""
    try:
        return dg.DagsterInstance.get()
    except (yaml.YAMLError, dg.DagsterInvalidConfigError) as err:
        where = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
        raise ConfigError(f"{where}: {err}") from err


# What one run adds to Dagster's storage in DAGSTER_HOME (its event log ~2.5 MB, as much again
# in the index, its log, SQLite's temporary files), with room to spare.
DAGSTER_ROOM = 32 << 20


def _room_for_dagster_storage() -> None:
    """Refuse a run before it starts when Dagster's storage (DAGSTER_HOME) has too little room:
    SQLite would fail half-way with "disk I/O error" or "database or disk is full", in Dagster's
    words, not ours. (The warehouse's own disk is checked by the run: lifecycle/build.py.)"""
    home = Path(os.environ["DAGSTER_HOME"])
    free = shutil.disk_usage(home).free
    if free < DAGSTER_ROOM:
        raise DiskSpaceError(
            errno.ENOSPC,
            f"not enough disk space for Dagster's storage in {home}: {number(free / 2**20)} MiB "
            f"free, a run needs about {DAGSTER_ROOM >> 20} MiB (its event log); no run was started",
        )


def dagster_root() -> Path:
    """`.dagster_home/` in DAGSTER_HOME: where dagster.yaml keeps everything Dagster stores."""
    return Path(os.environ["DAGSTER_HOME"]) / ".dagster_home"


def run_log(run_id: str) -> Path:
    """`.dagster_home/logs/<run id>.log`: each run its own log (its worker's output, dbt's)."""
    path = dagster_root() / "logs" / f"{run_id}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _point_last_run_log(path: Path) -> str | None:
    """`.dagster_home/last_run.log` → the log of the run that started last. Returns where it
    pointed before, for a run refused because another holds the build lock (it got past the
    CLI's check in the instant before the other took the lock): that one points back."""
    home = path.parent.parent
    last = home / "last_run.log"
    before = os.readlink(last) if last.is_symlink() else None
    _swap_last_run_log(path, str(path.relative_to(home)))
    return before


def _swap_last_run_log(path: Path, target: str) -> None:
    """Point `last_run.log` beside `path`'s logs folder at `target`, atomically."""
    home = path.parent.parent
    pointer = home / f".last_run.{path.stem}"
    pointer.symlink_to(target)
    os.replace(pointer, home / "last_run.log")


class _Stop:
    """A stop signal (lifecycle/stopping.py): kill the worker's process group at once; the
    watcher does the rest."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.worker: subprocess.Popen | None = None

    def __call__(self, signum, _frame) -> None:
        self.signum = self.signum or signum
        self.kill_worker()

    def kill_worker(self) -> None:
        if self.worker is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.worker.pid, signal.SIGKILL)


def recover_dead_runs(say: Callable[[str], None]) -> None:
    """Mark the runs whose process is gone as failed (supervision.py), one line each. Every
    `ontcijferd run` does this first, also one that finds nothing new and starts no run: a run
    killed just after it published leaves nothing new behind it, and would otherwise stay
    STARTED in Dagster for ever when no daemon runs. Dagster's storage without room refuses it
    before Dagster writes there: that run and the next one with something new could not run."""
    dagster_home()
    _room_for_dagster_storage()
    with _storage_failure_named(), _instance() as instance:
        for line in mark_dead_runs_failed(instance):
            say(line)


def launch(settings: Settings, say: Callable[[str], None]) -> RunOutcome:
    """Run the nightly job with `settings` in a run worker; print progress with `say`."""
    dagster_home()
    _room_for_dagster_storage()
    run_id = str(uuid.uuid4())
    stop = _Stop()
    # As before a run (delivery/signals.py): a signal the caller ignores stays ignored.
    previous = {
        s: signal.signal(s, stop) for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN
    }
    try:
        with _storage_failure_named(stop), _instance() as instance:
            log_path = run_log(run_id)
            outcome = RunOutcome(run_id, "CANCELED", log_path)
            if stop.signum is None:
                last_log = _point_last_run_log(log_path)
                say(f"run {run_id}: step output in {log_path}")
                with open(log_path, "w", encoding="utf-8") as log:
                    stop.worker = subprocess.Popen(
                        [sys.executable, "-m", __name__, run_id, settings_to_json(settings)],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                if stop.signum is not None:  # a signal while the worker was being started
                    stop.kill_worker()
                running = _watch(instance, stop, run_id, say)
            if stop.signum is not None:
                return _canceled(instance, outcome, signal.Signals(stop.signum).name)
            outcome = _outcome(instance, outcome, stop.worker.returncode, running)
            if any(f.busy for f in outcome.failures) and last_log is not None:
                _swap_last_run_log(log_path, last_log)
            return outcome
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class DagsterStorageError(RuntimeError):
    """Dagster's own SQLite storage (runs, event log) failed under `ontcijferd run`."""


# SQLite's words for a database file it cannot read at all (not a full disk or a lock).
DAMAGED_STORAGE = re.compile(r"malformed|not a database")


@contextlib.contextmanager
def _storage_failure_named(stop: _Stop | None = None) -> Iterator[None]:
    """Dagster's SQLite storage failing under the launcher is said in one line: where it is,
    how much room is left, SQLite's reason and what became of the run. A run going is stopped
    (its worker writes there too). A full disk says "disk I/O error" or "database or disk is
    full"; a damaged file ("database disk image is malformed", "file is not a database") fails
    every run until it is moved aside, which the line says."""
    try:
        yield
    except Exception as err:
        cause = err.__cause__
        if not isinstance(cause, sqlite3.Error):
            raise
        started = stop is not None and stop.worker is not None
        if started:
            stop.kill_worker()
        reason = " ".join(str(cause).split())
        said = f"{_dagster_storage()} failed: {reason}; "
        said += "the run was stopped" if started else "no run was started"
        if DAMAGED_STORAGE.search(reason):
            said += (
                f". It is damaged: move {dagster_root()} aside and run again; Dagster then starts "
                "afresh (its run history and run logs stay in the folder moved aside; the "
                "warehouse and its history do not live there)"
            )
        raise DagsterStorageError(said) from err


def _dagster_storage() -> str:
    """Where Dagster's storage is and how much room it has left, for a line on its failing."""
    root = dagster_root()
    free = shutil.disk_usage(root if root.is_dir() else os.environ["DAGSTER_HOME"]).free
    return f"Dagster's storage in {root} ({number(free / 2**20)} MiB free)"


def _watch(instance: dg.DagsterInstance, stop: _Stop, run_id: str, say) -> list[str]:
    """Until the worker ends: one line per step as it finishes, and one for a step that takes
    a while, so the terminal is never silent for long. Returns the steps still running then."""
    started: dict[str, float] = {}
    announced: set[str] = set()
    cursor = None
    while True:
        ended = stop.worker.poll() is not None
        if stop.signum is not None:
            stop.worker.wait()
            return list(started)
        if instance.get_run_by_id(run_id) is not None:
            records = instance.get_records_for_run(run_id, cursor, of_type=STEP_EVENTS)
            cursor = records.cursor
            for record in records.records:
                event = record.event_log_entry.dagster_event
                step, at = event.step_key, record.event_log_entry.timestamp
                if event.event_type == dg.DagsterEventType.STEP_START:
                    started[step] = at
                    continue
                took = at - started.pop(step, at)
                word = "done  " if event.is_step_success else "FAILED"
                say(f"  {word} {step} ({number(took, 1)} s)")
        for step, at in started.items():
            if step not in announced and time.time() - at > ANNOUNCE_AFTER_SECONDS:
                announced.add(step)
                say(f"  busy   {step} (started {time.strftime('%H:%M:%S', time.localtime(at))})")
        if ended:
            # dbt or another process of the run still alive after the worker: not for long.
            stop.kill_worker()
            return list(started)
        time.sleep(POLL_SECONDS)


def _canceled(instance: dg.DagsterInstance, outcome: RunOutcome, signame: str) -> RunOutcome:
    """The run stopped by `signame`, marked canceled unless it had already ended. A worker
    stopped in its first seconds may not have recorded the run yet: status NOT_RECORDED."""
    run = instance.get_run_by_id(outcome.run_id)
    if run is not None and not run.is_finished:
        instance.report_run_canceled(run, f"Stopped by {signame}")
        run = instance.get_run_by_id(outcome.run_id)
    outcome.status = run.status.value if run is not None else NOT_RECORDED
    outcome.stopped_by = signame
    return outcome


def _outcome(
    instance: dg.DagsterInstance, outcome: RunOutcome, exit_code: int, running: list[str]
) -> RunOutcome:
    """What the run did, read from Dagster's event log; `running`: the steps still running
    when the worker ended."""
    run = instance.get_run_by_id(outcome.run_id)
    worker_ended = None  # how the worker ended, if it ended before the run did
    if run is not None and not run.is_finished:
        worker_ended = stopped_by(exit_code) if exit_code < 0 else f"exit code {exit_code}"
        if exit_code > 0 and (error := _last_error(outcome.log_path)):
            worker_ended += f": {error}"
            if "(sqlite3." in error:  # Dagster's own storage failed (its disk full?)
                worker_ended += f" in {_dagster_storage()}"
        instance.report_run_failed(run, f"The run worker ended ({worker_ended}) before the run did")
        run = instance.get_run_by_id(outcome.run_id)
    if run is None:
        outcome.status = "FAILURE"
        outcome.failures.append(
            Failure(None, f"the run worker ended (exit code {exit_code}); see its log", False)
        )
        return outcome
    outcome.status = run.status.value
    for entry in instance.all_logs(outcome.run_id):
        event = entry.dagster_event
        if event is None:
            # Our code's warnings (context.log.warning): e.g. a killed run's dbt stopped.
            # (Dagster logs its own "Dependencies for step … failed" as an error.)
            if entry.level == logging.WARNING and entry.user_message:
                outcome.warnings.append(entry.user_message)
            continue
        data = event.event_specific_data
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            metadata = data.materialization.metadata
            outcome.materialized[event.asset_key.to_user_string()] = {
                key: value.value for key, value in metadata.items()
            }
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
            outcome.planned_checks.append(f"{data.asset_key.to_user_string()} {data.check_name}")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            outcome.checks.append(
                CheckOutcome(
                    data.asset_key.to_user_string(),
                    data.check_name,
                    data.passed,
                    data.description,
                    {key: value.value for key, value in data.metadata.items()},
                )
            )
        elif event.is_step_failure or event.event_type_value == "RESOURCE_INIT_FAILURE":
            error = data.error
            if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
                continue  # the failed check is listed with its own message
            busy = error is not None and error.cls_name == "WarehouseBusyError"
            outcome.failures.append(Failure(event.step_key, step_failure_message(data), busy))
    if worker_ended is not None:  # killed: Dagster logged no failure, and the data team needs one
        step = ", ".join(running) or "between two steps"
        outcome.failures.append(
            Failure(step, f"the run worker ended ({worker_ended}) before the step did", False)
        )
    return outcome


# The line that names an exception at the end of a Python traceback.
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)(: .*)?$")


def _last_error(log: Path) -> str | None:
    """The last exception a run worker wrote to its log (the tail of it), for a worker that
    ended with an error outside any step — Dagster's own storage failing, say — which Dagster
    could not record: the cause the data team needs."""
    try:
        with open(log, "rb") as text:
            text.seek(max(0, text.seek(0, os.SEEK_END) - 65536))
            lines = text.read().decode(errors="replace").splitlines()
    except OSError:
        return None
    errors = [line.strip() for line in lines if ERROR_LINE.match(line.strip())]
    return errors[-1] if errors else None


def _end_with_parent() -> None:
    """The worker ends, with dbt, when the process that launched it is gone (killed)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _work(run_id: str, settings_json: str) -> None:
    """The run worker: execute the nightly job in this process."""
    _end_with_parent()
    from orchestration.definitions import build_definitions

    job = build_definitions().resolve_job_def(JOB_NAME)
    with dg.DagsterInstance.get() as instance:
        job.execute_in_process(
            run_config=run_config(settings_from_json(settings_json)),
            instance=instance,
            run_id=run_id,
            tags={OWNER_TAG: owner_of_this_process()},
            raise_on_error=False,
        )


def _quiet_interpreter_teardown() -> None:
    """Once every other exit handler has run, send what the interpreter's teardown prints to
    /dev/null: DuckDB's bindings print some 40 lines of "nanobind: leaked …" into the run log
    about objects still alive at exit once duckdb-engine and Great Expectations are both
    imported (harmless, and nothing the data team can act on)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())


if __name__ == "__main__":
    atexit.register(_quiet_interpreter_teardown)  # the first registered runs last
    _work(sys.argv[1], sys.argv[2])
