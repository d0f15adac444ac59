"""The dbt worker a run starts (lifecycle/dbt_worker.py): it runs the command the dbt
executable hands over, with that executable's streams and exit code, and outlives nobody."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lifecycle.dbt_run import dbt_folder, write_dbt_executable
from lifecycle.dbt_worker import DbtWorker
from sources.config import REPO_ROOT, load_settings


def _settings(tmp_path: Path):
    return load_settings({"ONTCIJFERD_WAREHOUSE": str(tmp_path / "ontcijferd.duckdb")})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _wait_listening(worker: DbtWorker, seconds: float = 15) -> None:
    """Until the worker's socket is bound (Linux lists abstract sockets as `@name`): before
    that, the dbt executable finds no worker and runs dbt itself — right in a run, a race in a
    test that means to hand the command over."""
    deadline = time.monotonic() + seconds
    while f"@{worker.address}" not in Path("/proc/net/unix").read_text():
        assert time.monotonic() < deadline, "the worker never listened"
        time.sleep(0.05)


def test_the_worker_runs_the_handed_over_command_with_its_streams_and_exit_code(tmp_path):
    settings = _settings(tmp_path)
    dbt = write_dbt_executable(settings)
    dbt_folder(settings).mkdir(parents=True, exist_ok=True)
    for args, code in ((["--help"], 0), (["no-such-command"], 2)):
        worker = DbtWorker(settings.build_file)
        try:
            _wait_listening(worker)  # dbt may still be importing: the call then waits
            done = subprocess.run(
                [str(dbt), *args], cwd=REPO_ROOT / "dbt_project", capture_output=True, text=True
            )
            assert done.returncode == code, done.stderr
            if code == 0:
                assert "Usage: dbt" in done.stdout  # dbt's own help, through our streams
            else:
                assert "No such command 'no-such-command'" in done.stderr
            assert _wait_gone(worker.process.pid)  # one command, then the worker exits
        finally:
            worker.stop()


def test_without_a_worker_the_dbt_executable_runs_dbt_itself(tmp_path):
    dbt = write_dbt_executable(_settings(tmp_path))
    done = subprocess.run([str(dbt), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "Usage: dbt" in done.stdout


def test_a_worker_ends_with_the_run_process_that_started_it(tmp_path):
    # A stand-in for a run process: starts a worker, prints its pid, then waits to be killed.
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from lifecycle.dbt_worker import DbtWorker\n"
            f"worker = DbtWorker({str(tmp_path / 'build.duckdb')!r})\n"
            "print(worker.process.pid, flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    worker_pid = int(run.stdout.readline())
    time.sleep(1)
    assert _alive(worker_pid)
    run.send_signal(signal.SIGKILL)  # the run dies without a word
    run.wait()
    assert _wait_gone(worker_pid)


def test_an_unused_worker_is_stopped_when_the_run_ends(tmp_path):
    worker = DbtWorker(tmp_path / "build.duckdb")
    time.sleep(0.5)
    worker.stop()
    assert worker.process.returncode is not None


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_the_worker_stops_dbt_when_the_dbt_executable_dies_or_is_signalled(tmp_path, signum):
    """dagster-dbt stops dbt by signalling the executable it started (or that executable is
    killed): the worker must stop the dbt it runs, not finish it unseen (_follow_caller)."""
    settings = _settings(tmp_path)
    dbt = write_dbt_executable(settings)
    dbt_folder(settings).mkdir(parents=True, exist_ok=True)
    worker = DbtWorker(settings.build_file)
    try:
        _wait_listening(worker)
        # A full parse (new target folder): seconds of work once dbt has said it started.
        executable = subprocess.Popen(
            [str(dbt), "parse", "--profiles-dir", ".", "--target-path", str(tmp_path / "t")],
            cwd=REPO_ROOT / "dbt_project",
            env={**os.environ, "ONTCIJFERD_DBT_WAREHOUSE": str(tmp_path / "scratch.duckdb")},
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in executable.stdout:
            if "Running with dbt=" in line:  # the worker has the command and runs it
                break
        executable.send_signal(signum)
        executable.wait(timeout=10)
        # Ended by the SIGTERM the worker sends itself, not by dbt finishing (exit code ≥ 0).
        assert worker.process.wait(timeout=10) == -signal.SIGTERM
        assert not (tmp_path / "t" / "manifest.json").exists()
    finally:
        executable.stdout.close()
        worker.stop()
