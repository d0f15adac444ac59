"""Runs stopped at random moments: `ontcijferd run --all` on a scratch warehouse, sent SIGINT,
SIGTERM or SIGHUP, or killed with SIGKILL (the command alone, or the command and its run worker
at once, as a machine that loses power or the out-of-memory killer would), a random number of
seconds after it started. The e2e tests stop runs at three fixed moments; this repeats stops at
any moment, many times, and checks the same promises after each:

- a signal: the command ends with 128 + the signal and one line, no traceback, within seconds;
  nothing is published after the signal (the line says so when the run had just published);
- a kill: no process of the run is left; the next run is not refused and marks it failed;
- always: the published warehouse opens and has its figures.

    .venv/bin/python -m bench.stops --trials 30 --seed 1

Each run republishes (the scratch warehouse is made to look published by older code, as the
e2e tests do), so the publication itself is among the moments hit. Prints one line per trial
and a tally; exits 1 if any promise was broken. Results in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from bench.run import _dagster_home, _prepare, _timed_run
from sources.config import REPO_ROOT
from tests.e2e.conftest import made_by_older_code, readable
from tests.e2e.runs import processes_of, run_id_in

UNFINISHED = ("NOT_STARTED", "STARTING", "STARTED")
WAYS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGKILL", "SIGKILL with its worker")


def _stop(child: subprocess.Popen, way: str) -> None:
    if way == "SIGKILL with its worker":
        workers = Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text().split()
        child.kill()
        for worker in workers:  # its own process group: the run worker and dbt
            with contextlib.suppress(OSError):
                os.killpg(int(worker), signal.SIGKILL)
    else:
        child.send_signal(signal.Signals[way.split()[0]])


def _status(home: Path, run_id: str | None) -> str:
    if run_id is None:
        return "no run"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_run_by_id(run_id)
        return run.status.value if run is not None else "not recorded"


def trial(
    env: dict[str, str], folder: Path, way: str, after: float
) -> tuple[str, str, list[str], str | None, str]:
    """One run stopped `after` seconds in: (its outcome, what was seen, the promises it broke,
    its run id — None if the command stopped before it said one — and its status in Dagster
    right after)."""
    published = Path(env["ONTCIJFERD_WAREHOUSE"])
    made_by_older_code(published)
    before = published.stat().st_ino
    output = folder / "trial.out"
    with open(output, "w") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "delivery.cli", "run", "--all"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_signals_as_in_a_terminal,
        )
    started = time.monotonic()
    while child.poll() is None and time.monotonic() - started < after:
        time.sleep(0.02)
    sent = child.poll() is None
    if sent:
        _stop(child, way)
    signalled = time.monotonic()
    try:
        code = child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        return (
            "stuck",
            "still running 30 s after the signal",
            ["stopped within seconds"],
            None,
            "unknown",
        )
    ended_in = time.monotonic() - signalled
    broken = []
    deadline = time.monotonic() + 10
    while processes_of(folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    if processes_of(folder):
        broken.append("no process left")
    text = output.read_text()
    lines = text.splitlines()
    run_id = run_id_in(text) if any(line.startswith("run ") for line in lines) else None
    status = _status(Path(env["DAGSTER_HOME"]), run_id)
    republished = published.stat().st_ino != before
    if "Traceback" in text:
        broken.append("no traceback")
    if any(line.startswith("  RUN NOT STARTED") for line in lines):
        broken.append("the next run is not refused")
    if readable(published) == 0:
        broken.append("the published warehouse has its figures")
    if not sent:
        outcome, seen = "ended before the signal", f"exit {code}, run {status}"
        if code != 0 or not republished:
            broken.append("a run left alone publishes")
    elif way.startswith("SIGKILL"):
        outcome, seen = "killed", f"run {status}"
    else:
        signum = signal.Signals[way]
        [said] = [line for line in lines if f" stopped ({way})" in line] or [""]
        outcome = "stopped, had just published" if republished else "stopped"
        seen = f"exit {code} {ended_in:.1f} s after the signal; run {status}"
        if code != 128 + signum or not said:
            broken.append("exit 128 + the signal with one line")
        if republished and "it had just published" not in said:
            broken.append("nothing published after the signal")
    return outcome, seen, broken, run_id, status


def _signals_as_in_a_terminal() -> None:
    """In the child: the stop signals as a terminal delivers them, whatever this process
    inherited (started in the background, SIGINT is ignored; under nohup, SIGHUP)."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def end_with_tally(
    args: argparse.Namespace, outcomes: collections.Counter, broken: collections.Counter
) -> None:
    """Print how often each outcome and each broken promise was seen; exit 1 on any."""
    print(f"{args.trials} trials (seed {args.seed}):")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:>3}  {outcome}")
    for promise, count in broken.items():
        print(f"  BROKEN {count}×: {promise}")
    raise SystemExit(1 if broken else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    broken_promises: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DAGSTER_HOME": str(_dagster_home(folder)),
            "ONTCIJFERD_WAREHOUSE": str(folder / "ontcijferd.duckdb"),
            "GX_ANALYTICS_ENABLED": "false",
        }
        _prepare(env)
        seconds, _ = _timed_run(env)
        print(f"a cold run takes {seconds:.1f} s; stops between 0.5 s and {seconds * 1.2:.1f} s")
        killed: list[str] = []  # runs killed since a run last started, for it to mark failed
        for number in range(1, args.trials + 2):
            if number <= args.trials:
                way, after = chance.choice(WAYS), chance.uniform(0.5, seconds * 1.2)
            else:  # the last kill is found by a run that is let finish
                way, after = "none (the last run)", float("inf")
            outcome, seen, broken, run_id, status = trial(env, folder, way, after)
            if run_id is not None:  # it looked for dead runs before it said its run id
                home = Path(env["DAGSTER_HOME"])
                if any(_status(home, dead) != "FAILURE" for dead in killed):
                    broken.append("a killed run is marked failed by the next run")
                killed = []
            if outcome == "killed" and status in UNFINISHED:  # not killed after it ended
                killed.append(run_id)
            outcomes[f"{way}: {outcome}"] += 1
            broken_promises.update(broken)
            verdict = "BROKEN: " + "; ".join(broken) if broken else "ok"
            print(f"{number:>3}  {way:<24} at {after:5.1f} s  {outcome}: {seen}  — {verdict}")
    end_with_tally(args, outcomes, broken_promises)


if __name__ == "__main__":
    main()
