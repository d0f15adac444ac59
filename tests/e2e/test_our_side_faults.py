"""Faults on our side: a run killed (SIGKILL) while loading, during dbt and while publishing, a
run stopped by SIGTERM or SIGINT, two runs at once, an analyst reading during a run, a full disk
and a read-only warehouse folder.

Runs are started with `ontcijferd run --all` (snapshot mode) in a child process that pauses at
the point of the kill; the published warehouse must stay byte-identical and readable, and the
next run — which has work to do — must complete. Every run here uses the project's real
`dagster.yaml` (a copy pointed at a temporary Dagster home), so the `warehouse` pool limit of 1
applies as in production: a killed run's claim on it must not wedge the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from delivery.cli import EXIT_BUSY, EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE
from sources.config import REPO_ROOT
from tests.conftest import reliability_row
from tests.e2e.conftest import delivery, readable, run_here, runs_by_status

# The child: `ontcijferd run --all`, pausing (for the kill) after the first table is loaded
# into the build, or after the build is checkpointed and just before the atomic rename.
CHILD = """
import pathlib, sys, time
from lifecycle import refresh, warehouse
ready, point = pathlib.Path(sys.argv[1]), sys.argv[2]

def pause(what):
    ready.write_text(what)
    time.sleep(600)

if point == "dbt":
    pass  # the test waits for the run's "busy   dbt_models" line
elif point == "load":
    load = refresh.load_raw_table
    def paused(*args, **kwargs):
        load(*args, **kwargs)
        pause("loading")
    refresh.load_raw_table = paused
else:
    publish = warehouse.WarehouseBuild.publish
    def paused(self):
        with self.connect() as con:
            con.execute("checkpoint")
        pause("publishing")
        return publish(self)
    warehouse.WarehouseBuild.publish = paused
from delivery.cli import main
sys.exit(main(["run", "--all"]))
"""


def start_child(point: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """A child `ontcijferd run --all`, once it reached `point` (load, dbt or publish)."""
    ready, output = tmp_path / f"ready-{point}", tmp_path / f"child-{point}.out"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ready), point],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 300
    while not (ready.exists() or (point == "dbt" and "busy   dbt_models" in output.read_text())):
        assert child.poll() is None, f"the child run ended (exit {child.returncode}) early"
        assert time.monotonic() < deadline, f"the child run never reached {point}"
        time.sleep(0.2)
    return child, output


def assert_next_run_completes(published: Path, killed: str) -> str:
    """The next run with work to do recovers the killed run and publishes."""
    code, out = run_here()
    assert code == EXIT_OK, out
    assert "published:" in out
    [recovered] = [line for line in out.splitlines() if line.startswith("recovered: run")]
    assert "no longer exists" in recovered and "pool slot freed" in recovered
    statuses = runs_by_status(published.parent.parent)
    assert statuses[killed] == "FAILURE"
    assert sorted(statuses.values()) == ["FAILURE", "SUCCESS"]
    return recovered


def child_run_id(output: Path) -> str:
    [line] = [line for line in output.read_text().splitlines() if line.startswith("run ")]
    return line.split()[1].rstrip(":")


def kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def test_killed_while_loading_and_a_second_run_meanwhile(published, tmp_path, request):
    before, rows = published.read_bytes(), readable(published)
    child, output = start_child("load", tmp_path)
    try:
        code, out = run_here("--all")  # a second run while the first holds the build lock
        log = (tmp_path / ".dagster_home" / "last_run.log").resolve()
        first_log = log.read_text()
    finally:
        kill(child)
    assert code == EXIT_BUSY, out
    [busy] = [line for line in out.splitlines() if "Another run" in line]
    assert "this run did not start" in busy
    # The refused run wrote no log of its own and left the first run's log alone.
    assert child_run_id(output) in log.name and "\x00" not in first_log
    assert len(list((tmp_path / ".dagster_home" / "logs").iterdir())) == 1
    assert published.read_bytes() == before and readable(published) == rows
    recovered = assert_next_run_completes(published, child_run_id(output))
    reliability_row(
        request,
        side="ours",
        fault="two runs started at once",
        injected="`ontcijferd run` while another run holds the build lock",
        expected="the second run is refused cleanly before it writes anything: exit 3, says "
        "which run holds the lock; the first run's log untouched",
        seen=busy.strip(),
    )
    reliability_row(
        request,
        side="ours",
        fault="run killed (SIGKILL) while loading",
        injected="child `ontcijferd run --all` killed after its first table is loaded; real "
        "dagster.yaml (pool limit 1)",
        expected="published warehouse byte-identical; the next run frees the killed run's pool "
        "slot and completes",
        seen=recovered,
    )


def test_killed_during_dbt_does_not_wedge_the_next_run(published, tmp_path, request):
    before = published.read_bytes()
    child, output = start_child("dbt", tmp_path)
    kill(child)
    assert published.read_bytes() == before
    recovered = assert_next_run_completes(published, child_run_id(output))
    reliability_row(
        request,
        side="ours",
        fault="run killed (SIGKILL) during dbt",
        injected="child `ontcijferd run --all` killed while its dbt step runs; real dagster.yaml",
        expected="published warehouse byte-identical; the next run completes",
        seen=recovered,
    )


def test_killed_while_publishing_then_a_rerun_with_an_analyst_reading(published, tmp_path, request):
    before, rows = published.read_bytes(), readable(published)
    child, output = start_child("publish", tmp_path)
    kill(child)
    assert published.read_bytes() == before and readable(published) == rows
    leftover = published.parent / ".build" / "next.duckdb"
    assert leftover.exists()  # the killed run's build, to be discarded by the next run

    analyst = duckdb.connect(str(published), read_only=True)  # held open during the rerun
    try:
        recovered = assert_next_run_completes(published, child_run_id(output))
        # The analyst's connection still reads the file it opened, without error ...
        assert analyst.execute("select count(*) from marts.indicator_values").fetchone()[0] == rows
    finally:
        analyst.close()
    # ... and a new connection sees the new publication.
    con = duckdb.connect(str(published), read_only=True)
    codes = [r[0] for r in con.execute("select code_fingerprint from meta.publication").fetchall()]
    con.close()
    assert "older-code" in codes and len(codes) == 2
    reliability_row(
        request,
        side="ours",
        fault="run killed (SIGKILL) while publishing",
        injected="child run killed after the build's checkpoint, before the atomic rename; real "
        "dagster.yaml",
        expected="published warehouse byte-identical and readable; the rerun recovers and "
        "completes",
        seen=f"published file unchanged; {recovered}",
    )
    reliability_row(
        request,
        side="ours",
        fault="an analyst holds a read-only connection during a run",
        injected="duckdb.connect(published, read_only=True) open across `ontcijferd run`",
        expected="no error on either side; the analyst reads the old file until reconnecting",
        seen=f"analyst still read {rows} rows; new connection sees the new run",
    )


@pytest.mark.parametrize(
    ("point", "signum"), [("dbt", signal.SIGTERM), ("load", signal.SIGINT)], ids=["term", "int"]
)
def test_a_signal_stops_a_run_promptly(published, tmp_path, request, point, signum):
    """SIGTERM during dbt, SIGINT (Ctrl-C) while a step hangs: the run stops within seconds."""
    before = published.read_bytes()
    child, output = start_child(point, tmp_path)
    sent = time.monotonic()
    child.send_signal(signum)
    try:
        code = child.wait(timeout=20)
    finally:
        child.kill()
    took = time.monotonic() - sent
    stopped = code
    assert stopped == 128 + signum
    [line] = [line for line in output.read_text().splitlines() if " stopped (" in line]
    assert signal.Signals(signum).name in line and "marked canceled" in line
    assert published.read_bytes() == before
    assert runs_by_status(tmp_path)[child_run_id(output)] == "CANCELED"
    code, out = run_here()
    assert code == EXIT_OK and "published:" in out, out
    name = signal.Signals(signum).name
    reliability_row(
        request,
        side="ours",
        fault=f"{name} to a running run ({'during dbt' if point == 'dbt' else 'a step hanging'})",
        injected=f"{name} sent to a child `ontcijferd run --all`",
        expected=f"exit {128 + signum} within seconds, run marked canceled, published warehouse "
        "unchanged, the next run completes",
        seen=f"exit {stopped} after {took:.0f} s: {line.strip()}",
    )


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def mounted(*args: str, target: Path):
    if os.geteuid() != 0 or not _mount(*args, str(target)):
        pytest.skip("needs root to mount a small or read-only file system")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=False)


def test_full_disk_is_a_clear_error(published, tmp_path, monkeypatch, request):
    size = published.stat().st_size
    disk = tmp_path / "small-disk"
    disk.mkdir()
    # Room for the published file and 64 KiB more: the run's copy of it cannot fit.
    with mounted("-t", "tmpfs", "-o", f"size={size + 64 * 1024}", "tmpfs", target=disk):
        target = disk / "ontcijferd.duckdb"
        shutil.copyfile(published, target)
        before = target.read_bytes()
        monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(target))
        code, out = run_here("--all")
        assert code == EXIT_RUN_FAILED
        [line] = [line for line in out.splitlines() if "disk full or not writable" in line]
        assert "No space left on device" in line
        assert target.read_bytes() == before
    reliability_row(
        request,
        side="ours",
        fault="disk full",
        injected="the warehouse on a tmpfs with 64 KiB free",
        expected="exit 1 with a clear message; the published warehouse unchanged",
        seen=line.strip(),
    )


def test_read_only_warehouse_folder_is_a_clear_error(published, tmp_path, monkeypatch, request):
    folder = published.parent
    before = published.read_bytes()
    with mounted("-o", "bind,ro", str(folder), target=folder):
        code, out = run_here("--all")
    assert code == EXIT_RUN_FAILED
    [line] = [line for line in out.splitlines() if "is not writable" in line]
    assert str(folder) in line
    assert published.read_bytes() == before
    reliability_row(
        request,
        side="ours",
        fault="warehouse folder not writable",
        injected="the warehouse folder bind-mounted read-only",
        expected="exit 1 naming the folder; the published warehouse unchanged",
        seen=line.strip(),
    )


def history_rows(path: Path) -> tuple[int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return (
            con.execute("select count(*) from meta.publication").fetchone()[0],
            con.execute("select count(*) from marts.indicator_value_history").fetchone()[0],
        )
    finally:
        con.close()


def test_a_damaged_or_deleted_warehouse_is_rebuilt_with_its_history(published, tmp_path, request):
    code, out = run_here()  # a publication with a checksum and a last good copy
    assert code == EXIT_OK and "published:" in out, out
    publications, history = history_rows(published)
    assert publications == 2

    # Truncated, as a full disk or a bad copy leaves it: nothing trusts it.
    with open(published, "r+b") as file:
        file.truncate(published.stat().st_size // 2)
    messages = {}
    for command in (
        ["indicators"],
        ["export", "bevolking_totaal", "--out", str(tmp_path / "x")],
        ["report", "--out", str(tmp_path / "site")],
    ):
        code, messages[command[0]] = delivery(*command)
        assert code == 4, messages[command[0]]
        assert (
            "is damaged" in messages[command[0]] and "run `ontcijferd run`" in messages[command[0]]
        )
        assert "Traceback" not in messages[command[0]]
    code, out = run_here()
    assert code == EXIT_OK, out
    [repair] = [line for line in out.splitlines() if "is damaged" in line]
    assert "rebuilt from the last good publication" in repair
    assert history_rows(published)[0] == publications + 1  # history survived
    assert history_rows(published)[1] >= history
    assert delivery("indicators")[0] == EXIT_OK

    # Deleted: the last good copy beside it brings the history back.
    published.unlink()
    code, out = run_here()
    assert code == EXIT_OK, out
    assert any("is missing: it is rebuilt from the last good" in line for line in out.splitlines())
    assert history_rows(published)[0] == publications + 2
    reliability_row(
        request,
        side="ours",
        fault="published warehouse truncated",
        injected="the published file cut to half its size",
        expected="indicators/export/report exit 4 naming the damage; `run` rebuilds from the "
        "last good publication, history kept",
        seen=f"{messages['indicators']} | run: {repair.strip()}",
    )
    reliability_row(
        request,
        side="ours",
        fault="published warehouse deleted",
        injected="the published file removed",
        expected="`run` rebuilds from the last good publication; history kept",
        seen=f"publications recorded: {publications} before, {publications + 2} after two rebuilds",
    )


def test_export_into_a_read_only_folder_is_one_line(warehouse_path, tmp_path, monkeypatch, request):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(warehouse_path))
    folder = tmp_path / "exports"
    folder.mkdir()
    with mounted("-o", "bind,ro", str(folder), target=folder):
        code, message = delivery("export", "bevolking_totaal", "--out", str(folder))
    assert code == EXIT_USAGE, message
    assert (
        message == f"ontcijferd: cannot write {folder}/bevolking_totaal.csv: Read-only file system"
    )
    reliability_row(
        request,
        side="ours (user)",
        fault="export --out into a read-only folder",
        injected="the --out folder bind-mounted read-only",
        expected="one line naming the file and the reason, exit 2",
        seen=message.replace(str(tmp_path), "<tmp>"),
    )
