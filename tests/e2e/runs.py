"""Runs started as users start them, for the tests that kill or stop them: `ontcijferd run --all`
in a child process, paused at a moment by the test hook (hooks/sitecustomize.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sources.config import REPO_ROOT

HOOKS = Path(__file__).parent / "hooks"
MOMENTS = ("load", "dbt", "publish")


def hooked_env(moment: str, ready: Path) -> dict[str, str]:
    """The environment of a run paused at `moment` by the test hook."""
    path = os.pathsep.join(p for p in (str(HOOKS), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "PYTHONUNBUFFERED": "1",
        "ONTCIJFERD_TEST_PAUSE": moment,
        "ONTCIJFERD_TEST_READY": str(ready),
    }


def start_run(
    moment: str, tmp_path: Path, name: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, Path]:
    """A child `ontcijferd run --all` (environment plus `env`), once its run reached `moment`."""
    ready, output = tmp_path / f"ready-{name}", tmp_path / f"{name}.out"
    child = subprocess.Popen(
        [sys.executable, "-m", "delivery.cli", "run", "--all"],
        cwd=REPO_ROOT,
        env={**hooked_env(moment, ready), **(env or {})},
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
    )
    folder = Path({**os.environ, **(env or {})}["ONTCIJFERD_WAREHOUSE"]).parent
    wait_for_moment(child, moment, ready, folder, output.read_text)
    return child, output


def wait_for_moment(
    child: subprocess.Popen, moment: str, ready: Path, folder: Path, printed: Callable[[], str]
) -> None:
    """Until the child run reached `moment` (the hook wrote `ready`; for `dbt`, dbt runs on
    the warehouse in `folder`); `printed`: what it printed so far, for a run that ended."""
    deadline = time.monotonic() + 300
    while not (ready.exists() or (moment == "dbt" and dbt_build_running(folder))):
        assert child.poll() is None, f"the run ended early: {printed()}"
        assert time.monotonic() < deadline, f"the run never reached {moment}"
        time.sleep(0.2)


def signalled(moment: str, signum: int, tmp_path: Path) -> tuple[int, Path, float]:
    """A child run sent `signum` once it reached `moment`: its exit code, the file of what it
    printed, and the seconds it took to end after the signal."""
    child, output = start_run(moment, tmp_path, f"{signal.Signals(signum).name}-{moment}")
    sent = time.monotonic()
    child.send_signal(signum)
    try:
        code = child.wait(timeout=20)
    finally:
        child.kill()
    return code, output, time.monotonic() - sent


def run_id_of(output: Path) -> str:
    return run_id_in(output.read_text())


def run_id_in(printed: str) -> str:
    """The run id in what `ontcijferd run` printed ("run <id>: step output in …")."""
    [line] = [line for line in printed.splitlines() if line.startswith("run ")]
    return line.split()[1].rstrip(":")


def processes_of(folder: Path) -> list[str]:
    """Command lines of live processes whose command line or environment names `folder`: the
    run's processes (the CLI and its run worker by the warehouse setting; dbt by its target
    folder, DBT_TARGET_PATH)."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        if process.name == str(os.getpid()):
            continue
        try:
            text = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environment = (process / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(folder) in text or str(folder) in environment:
            found.append(text)
    return found


def dbt_build_running(folder: Path) -> bool:
    """Whether the `dbt build` of a run on the warehouse in `folder` runs (not yet the dbt step
    only: dagster-dbt asks `dbt --version` and sets up dbt's adapter first, seconds)."""
    return any("bin/dbt build " in command for command in processes_of(folder))


def assert_no_process_left(folder: Path) -> None:
    """Within a few seconds no process of a run on the warehouse in `folder` is alive."""
    deadline = time.monotonic() + 10
    while processes_of(folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_of(folder) == []


def assert_nothing_left(folder: Path, published: Path, before: bytes) -> None:
    """Within a few seconds no process of the run is alive, and it published nothing since."""
    assert_no_process_left(folder)
    assert published.read_bytes() == before
