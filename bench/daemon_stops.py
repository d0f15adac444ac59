"""Queued runs stopped at random moments, on the path production takes: `dagster dev` with the
real dagster.yaml (webserver, daemon, code server), nightly runs put into the run queue as a
schedule tick puts them. A random number of seconds after a run was queued, its run worker is
killed (SIGKILL, as the out-of-memory killer would), or the whole `dagster dev` is killed
(SIGKILL: the machine or container stopped) or stopped (SIGTERM: a service manager) and started
again. Then the next run is queued, and after each trial:

- the next queued run leaves the queue within a minute (issue 25) and ends SUCCESS;
- the warehouse is published by a run that Dagster records as SUCCESS (the next run, or the
  stopped one when it had already published) and has its figures;
- the stopped run is no longer STARTING or STARTED once the next one has ended: Dagster, run
  monitoring or the `dead_runs` sensor has marked it;
- at the end, once `dagster dev` is stopped, no process of the runs is left.

    .venv/bin/python -m bench.daemon_stops --trials 12 --seed 1
    .venv/bin/python -m bench.daemon_stops --trials 3 --at-worker-start

`--at-worker-start` kills the whole `dagster dev` (SIGKILL) the moment the run is STARTED,
before its worker takes the warehouse (no owner tag yet): the moment random stops hardly ever
draw, which run monitoring would leave for four hours.

The e2e tests (tests/e2e/test_daemon.py) kill at four fixed moments; this repeats kills at any
moment. Prints one line per trial and a tally; exits 1 if any promise was broken. Results in
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb

from bench.run import _dagster_home, _prepare, _timed_run
from bench.stops import UNFINISHED, end_with_tally
from orchestration.supervision import OWNER_TAG
from tests.e2e.conftest import made_by_older_code, readable
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
from tests.e2e.runs import processes_of

WAYS = ("run worker SIGKILL", "dagster dev SIGKILL", "dagster dev SIGTERM")


def _run_workers(home: Path) -> list[int]:
    """The run workers of `dagster dev` on `home`: the code server starts each run in a process
    of its own (multiprocessing's spawn)."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            command = (process / "cmdline").read_bytes()
            environment = (process / "environ").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command and f"DAGSTER_HOME={home}\0".encode() in environment:
            found.append(int(process.name))
    return found


def _publisher(published: Path) -> str:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(
            "select run_id from meta.publication order by published_at desc limit 1"
        ).fetchone()[0]
    finally:
        con.close()


def _run_started(run_id: str):
    """Whether the run is STARTED (its worker began the run)."""

    def is_started(instance: dg.DagsterInstance) -> bool:
        return instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED

    return is_started


def trial(
    home: Path, server: subprocess.Popen, client, published: Path, way: str, after: float | None
):
    """One queued run stopped `after` seconds after it was queued (None: once it is
    STARTED), then the next queued run: (the `dagster dev` now running, its client,
    what was seen, the promises broken)."""
    made_by_older_code(published)
    stopped = submit(client, published)
    queued = time.monotonic()
    if after is None:  # at once: the state the run is left in is read afterwards
        wait_for(home, _run_started(stopped), 120, interval=0.01)
        os.killpg(server.pid, signal.SIGKILL)
    while after is not None and time.monotonic() - queued < after:
        time.sleep(0.02)
    at_stop = status_of(home, stopped)
    if after is None:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            owned = OWNER_TAG in instance.get_run_by_id(stopped).tags
        at_stop += ", its owner tag " + ("set" if owned else "not yet set")
    broken = []
    if way == "run worker SIGKILL":
        for worker in _run_workers(home):
            with contextlib.suppress(OSError):
                os.kill(worker, signal.SIGKILL)
    else:
        signum = signal.SIGKILL if way == "dagster dev SIGKILL" else signal.SIGTERM
        with contextlib.suppress(ProcessLookupError):  # already killed (at worker start)
            os.killpg(server.pid, signum)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            broken.append("dagster dev ends within a minute of SIGTERM")
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server, client = start_dagster_dev(home)
    following = submit(client, published)
    submitted = time.monotonic()
    left_queue = wait_for(home, started(following), 300)
    ended = wait_for(home, finished(following), 600)
    waited = None if left_queue is None else left_queue - submitted
    if waited is None or waited > START_WITHIN_SECONDS:
        broken.append(f"the next queued run starts within {START_WITHIN_SECONDS} s")
    if ended != "SUCCESS":
        broken.append("the next queued run succeeds")
    stopped_now = status_of(home, stopped)
    if stopped_now in UNFINISHED:
        broken.append("the stopped run is marked ended")
    publisher = _publisher(published)
    if publisher == following:
        by = "the next run"
    elif publisher == stopped:  # it had published before it was stopped
        by = f"the stopped run ({stopped_now})"
    else:
        by = f"neither: {publisher}"
        broken.append("published by the next run or by the stopped one")
    if readable(published) == 0:
        broken.append("the published warehouse has its figures")
    seen = (
        f"{at_stop} when stopped, now {stopped_now}; the next run left the queue after "
        f"{waited if waited is None else round(waited, 1)} s, ended {ended}; published by {by}"
    )
    return server, client, seen, broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--at-worker-start",
        action="store_true",
        help="kill the whole dagster dev once the run is STARTED",
    )
    args = parser.parse_args()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # as `dagster dev` expects
        signal.signal(signum, signal.SIG_DFL)  # them, also when this was started in background
    chance = random.Random(args.seed)
    broken_promises: collections.Counter[str] = collections.Counter()
    ways: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        home = _dagster_home(folder)
        published = folder / "warehouse" / "ontcijferd.duckdb"
        published.parent.mkdir()
        env = {"DAGSTER_HOME": str(home), "ONTCIJFERD_WAREHOUSE": str(published)}
        _prepare(env)
        seconds, _ = _timed_run(env)
        print(f"a cold run takes {seconds:.1f} s; stops between 0.5 s and {seconds * 1.2:.1f} s")
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        server, client = start_dagster_dev(home)
        try:
            for number in range(1, args.trials + 1):
                way, after = chance.choice(WAYS), chance.uniform(0.5, seconds * 1.2)
                if args.at_worker_start:
                    way, after = "dagster dev SIGKILL", None
                server, client, seen, broken = trial(home, server, client, published, way, after)
                ways[way] += 1
                broken_promises.update(broken)
                verdict = "BROKEN: " + "; ".join(broken) if broken else "ok"
                moment = "at worker start" if after is None else f"at {after:5.1f} s"
                print(f"{number:>3}  {way:<20} {moment}  {seen}  — {verdict}", flush=True)
        finally:
            stop_dagster_dev(server)
        deadline = time.monotonic() + 10
        while processes_of(published.parent) and time.monotonic() < deadline:
            time.sleep(0.2)
        if processes_of(published.parent) or _run_workers(home):
            broken_promises["no process left once dagster dev has stopped"] += 1
    end_with_tally(args, ways, broken_promises)


if __name__ == "__main__":
    main()
