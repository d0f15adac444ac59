"""A run killed (SIGKILL), interrupted (SIGINT, Ctrl-C) or terminated (SIGTERM) at each moment —
while loading, during dbt, just before the atomic rename — never publishes afterwards and never
blocks the next run. SIGINT and SIGTERM stop the run at once with one line and mark it canceled.

Runs are started as users start them: `ontcijferd run --all` in a child process, with the real
`dagster.yaml` (a copy pointed at a temporary Dagster home). A test hook (hooks/sitecustomize.py)
pauses the run worker at the moment; the published warehouse must stay byte-identical, no process
of the run may survive it, and the next run must start at once and publish. One test, so that one
run after all nine proves the recovery (a full run is the costly part). A signal before the run
starts, or right after its rename, has a test of its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import duckdb

from delivery.cli import EXIT_BUSY, EXIT_OK, EXIT_RUN_FAILED
from sources.config import REPO_ROOT
from tests.conftest import reliability_row, run_left_by_an_ended_process
from tests.e2e.conftest import (
    delivery,
    readable,
    real_dagster_home,
    run_here,
    runs_by_status,
)
from tests.e2e.runs import (
    MOMENTS,
    assert_nothing_left,
    hooked_env,
    run_id_in,
    run_id_of,
    signalled,
    start_run,
    wait_for_moment,
)

WHEN = {"load": "while loading", "dbt": "during dbt", "publish": "just before publishing"}


def stop_with(signum: int, moment: str, tmp_path, published, before: bytes) -> tuple[str, str]:
    """A run stopped with SIGINT or SIGTERM at `moment`: (what was seen, the one line said)."""
    name = signal.Signals(signum).name
    code, output, took = signalled(moment, signum, tmp_path)
    text = output.read_text()
    assert code == 128 + signum, text
    assert "Traceback" not in text
    [line] = [line for line in text.splitlines() if " stopped (" in line]
    assert name in line and "marked canceled" in line
    assert_nothing_left(published.parent, published, before)
    assert runs_by_status(published.parent.parent)[run_id_of(output)] == "CANCELED"
    return f"{moment}: exit {code} after {took:.1f} s", line.strip()


def test_kills_and_signals_at_each_moment_never_publish_nor_block_the_next_run(
    published, tmp_path, request
):
    before, rows = published.read_bytes(), readable(published)
    killed = {}
    for moment in MOMENTS:
        child, output = start_run(moment, tmp_path, f"kill-{moment}")
        if moment == "load":  # a second run while the first holds the build lock
            code, out = run_here("--all")
            assert code == EXIT_BUSY, out
            [busy] = [line for line in out.splitlines() if "Another run" in line]
            assert "this run did not start" in busy
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        killed[moment] = run_id_of(output)
        assert_nothing_left(published.parent, published, before)
    assert readable(published) == rows
    assert (published.parent / ".build" / "next.duckdb").exists()  # the last killed run's build
    stopped, said = {}, {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        for moment in MOMENTS:
            seen, said[signum] = stop_with(signum, moment, tmp_path, published, before)
            stopped.setdefault(signum, []).append(seen)
    assert readable(published) == rows

    analyst = duckdb.connect(str(published), read_only=True)  # held open during the rerun
    try:
        started = time.monotonic()
        code, out = run_here()
        took = time.monotonic() - started
        # The analyst's connection still reads the file it opened, without error.
        assert analyst.execute("select count(*) from marts.indicator_values").fetchone()[0] == rows
    finally:
        analyst.close()
    assert code == EXIT_OK and "published:" in out, out
    # The summary lists the steps and what changed since the last publication: no data.
    lines = out.splitlines()
    assert any(line.startswith("  done   dbt_models") for line in lines)
    at = lines.index("changes since the last publication:")
    assert lines[at + 1 : at + 4] == [
        "  CBS tables loaded: 0",
        "  values revised since the last publication: 0",
        "  new periods: 0 values",
    ]
    # Each killed run is marked failed by the run that starts after it.
    recovered = [
        line
        for text in [*(f.read_text() for f in sorted(tmp_path.glob("*.out"))), out]
        for line in text.splitlines()
        if line.startswith("recovered: run")
    ]
    assert sorted(line.split()[2] for line in recovered) == sorted(killed.values()), out
    statuses = runs_by_status(published.parent.parent)
    assert sorted(statuses[r] for r in killed.values()) == ["FAILURE"] * 3
    assert sorted(statuses.values()) == ["CANCELED"] * 6 + ["FAILURE"] * 3 + ["SUCCESS"]
    con = duckdb.connect(str(published), read_only=True)
    codes = [r[0] for r in con.execute("select code_fingerprint from meta.publication").fetchall()]
    con.close()
    assert "older-code" in codes and len(codes) == 2
    reliability_row(
        request,
        side="ours",
        fault="two runs started at once",
        injected="`ontcijferd run` while another run holds the build lock",
        expected="the second run is refused before it writes anything: exit 3, naming the run "
        "that holds the lock",
        seen=busy.strip(),
    )
    for moment in MOMENTS:
        reliability_row(
            request,
            side="ours",
            fault=f"run killed (SIGKILL) {WHEN[moment]}",
            injected="`ontcijferd run --all` killed with SIGKILL at that moment; real dagster.yaml",
            expected="published warehouse byte-identical; no process of the run left; the next "
            "run starts at once, marks the killed run failed and publishes",
            seen=f"next run published in {took:.0f} s; "
            + next(line for line in recovered if killed[moment] in line),
        )
    reliability_row(
        request,
        side="ours",
        fault="an analyst holds a read-only connection during a run",
        injected="duckdb.connect(published, read_only=True) open across `ontcijferd run`",
        expected="no error on either side; the analyst reads the old file until reconnecting",
        seen=f"analyst still read {rows} rows; new connection sees the new run",
    )
    for signum, outcomes in stopped.items():
        name = signal.Signals(signum).name
        reliability_row(
            request,
            side="ours",
            fault=f"{name} to a running run, at each moment",
            injected=f"{name} sent to `ontcijferd run --all` while loading, during dbt and just "
            "before the atomic rename",
            expected=f"exit {128 + signum} within seconds with one line, run marked canceled, "
            "nothing published afterwards, no process left; the next run publishes",
            seen="; ".join(outcomes) + f"; {said[signum]}",
        )


def test_a_run_killed_after_it_published_is_marked_failed_when_nothing_is_new(
    warehouse_path, tmp_path, monkeypatch, request
):
    """A run killed (SIGKILL) just after its rename leaves a warehouse with nothing new, so the
    next `ontcijferd run` starts no run; it still marks the killed run failed, which would
    otherwise stay STARTED in Dagster for ever where no daemon runs. SYNTHETIC run record: a
    STARTED nightly run owned by a process of this host that has ended (as such a kill leaves
    it), in the real Dagster configuration; the warehouse is the session's, nothing new."""
    import dagster as dg

    path = tmp_path / "warehouse" / "ontcijferd.duckdb"  # with its checksum and last good copy
    shutil.copytree(
        Path(warehouse_path).parent, path.parent, ignore=shutil.ignore_patterns(".build")
    )
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(path))
    monkeypatch.setenv("ONTCIJFERD_SOURCE", "snapshot")
    home = real_dagster_home(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    killed = run_left_by_an_ended_process(dg.DagsterRunStatus.STARTED)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_run(killed)
    before = path.read_bytes()
    code, out = run_here()
    assert code == EXIT_OK, out
    assert out.splitlines()[-1].startswith(
        "No run started; the published warehouse is unchanged"
    ), out
    [line] = [line for line in out.splitlines() if line.startswith("recovered: run")]
    assert line.startswith(f"recovered: run {killed.run_id} (started ")
    assert line.endswith("left behind by a process that no longer exists (killed?); marked failed")
    assert runs_by_status(home) == {killed.run_id: "FAILURE"}
    assert path.read_bytes() == before
    reliability_row(
        request,
        side="ours",
        fault="run killed (SIGKILL) just after it published, then a run with nothing new",
        injected="a STARTED nightly run whose process has ended; `ontcijferd run` on a "
        "warehouse with nothing new",
        expected="no run started, the warehouse unchanged; the killed run marked failed (it "
        "stayed STARTED before, with no daemon to notice)",
        seen=line.split(") ", 1)[1],
    )


def test_a_signal_before_the_run_starts_stops_the_command_with_one_line(
    published, tmp_path, request
):
    """SIGINT or SIGTERM while `ontcijferd run` prepares (the plan made, the run not yet
    started), or while its run worker starts (before Dagster has the run): one line, exit 128 +
    the signal, no run in Dagster, nothing written, and the line claims no canceled run."""
    before, said = published.read_bytes(), []
    for signum in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(signum).name
        code, output, _ = signalled("launch", signum, tmp_path)
        text = output.read_text()
        assert code == 128 + signum, text
        assert "Traceback" not in text
        assert text.splitlines()[-1] == f"ontcijferd: run stopped ({name})"
        said.append(f"exit {code}: {text.splitlines()[-1]}")
        code, output, _ = signalled("worker", signum, tmp_path)
        text = output.read_text()
        assert code == 128 + signum, text
        assert "Traceback" not in text
        assert text.splitlines()[-1] == (
            f"Run {run_id_of(output)} stopped ({name}): it was stopped before Dagster recorded "
            f"the run; the last good warehouse stays published at {published}."
        )
        said.append(f"worker starting, exit {code}: {text.splitlines()[-1]}")
    assert runs_by_status(published.parent.parent) == {}
    assert_nothing_left(published.parent, published, before)
    reliability_row(
        request,
        side="ours",
        fault="SIGINT or SIGTERM before the run starts",
        injected="each signal to `ontcijferd run --all` after it made its plan, before it "
        "started the run; and while its run worker starts, before Dagster has the run",
        expected="one line and exit 128 + the signal, no traceback; no run in Dagster and no "
        "claim of one; nothing written",
        seen="; ".join(said),
    )


def test_a_run_started_with_sigint_ignored_keeps_ignoring_it(published, tmp_path, request):
    """A command started in the background by a shell without job control has SIGINT ignored,
    and keeps it so (as Python itself does) before the run starts and while it runs; SIGTERM
    still stops it with one line, and nothing is published."""
    before, seen = published.read_bytes(), []
    for moment in ("launch", "load"):
        shell = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the child inherits it
        try:
            child, output = start_run(moment, tmp_path, f"background-{moment}")
        finally:
            signal.signal(signal.SIGINT, shell)
        try:
            child.send_signal(signal.SIGINT)
            time.sleep(2)  # a SIGINT that counted ends the command within about a second
            assert child.poll() is None, output.read_text()
            child.send_signal(signal.SIGTERM)
            code = child.wait(timeout=20)
        finally:
            child.kill()
        text = output.read_text()
        assert code == 128 + signal.SIGTERM, text
        assert "Traceback" not in text
        [line] = [line for line in text.splitlines() if " stopped (SIGTERM)" in line]
        seen.append(f"{moment}: still running 2 s after SIGINT; SIGTERM: exit {code}")
    assert_nothing_left(published.parent, published, before)
    reliability_row(
        request,
        side="ours",
        fault="a run started with SIGINT ignored (in the background by a script)",
        injected="SIGINT, then SIGTERM, to `ontcijferd run --all` started with SIGINT ignored, "
        "before the run starts and while it loads",
        expected="SIGINT stays ignored; SIGTERM stops it with one line; nothing published",
        seen="; ".join(seen),
    )


def _in_a_terminal_of_its_own() -> None:
    """In the child, before `ontcijferd run`: the pseudo-terminal on its standard input becomes
    its controlling terminal (it leads a new session), and SIGHUP is as a login shell leaves
    it, also when the tests run under `nohup`."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def test_a_closed_terminal_stops_the_run_like_a_signal(published, tmp_path, request):
    """The terminal of `ontcijferd run` closes while the run loads (an ssh session that drops):
    the kernel hangs up the command (SIGHUP) and the terminal takes no more output. The run
    stops at once: exit 129, marked canceled, nothing published, no process left — not a
    failure found by the next run, nor a traceback from printing to a terminal that is gone."""
    before = published.read_bytes()
    ready, shown = tmp_path / "ready-terminal", bytearray()
    terminal, child_side = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "delivery.cli", "run", "--all"],
        cwd=REPO_ROOT,
        env=hooked_env("load", ready),
        stdin=child_side,
        stdout=child_side,
        stderr=child_side,
        start_new_session=True,
        preexec_fn=_in_a_terminal_of_its_own,
    )
    os.close(child_side)

    def show() -> None:  # what the terminal displays, until it is closed
        with contextlib.suppress(OSError):
            while chunk := os.read(terminal, 4096):
                shown.extend(chunk)

    threading.Thread(target=show, daemon=True).start()
    try:
        wait_for_moment(child, "load", ready, published.parent, shown.decode)
        os.close(terminal)  # the terminal goes away
        code = child.wait(timeout=20)
    finally:
        child.kill()
    assert code == 128 + signal.SIGHUP, shown.decode()
    status = runs_by_status(published.parent.parent)[run_id_in(shown.decode())]
    assert status == "CANCELED"
    assert_nothing_left(published.parent, published, before)
    reliability_row(
        request,
        side="ours",
        fault="the terminal of a run closed (an ssh session that drops)",
        injected="the pseudo-terminal of `ontcijferd run --all` closed while it loads: SIGHUP, "
        "and no more output possible",
        expected="the run stops at once, exit 129, marked canceled; nothing published, no "
        "process left",
        seen=f"exit {code}; run {status}",
    )


def test_a_killed_run_worker_is_named_as_the_failure(published, tmp_path, request):
    """The run worker alone killed with SIGKILL (as the kernel's out-of-memory killer picks the
    largest process) while the CLI watches: the summary names the step it was in and the
    signal, exit 1, no traceback; the run is marked failed and nothing is published."""
    before = published.read_bytes()
    child, output = start_run("load", tmp_path, "worker-killed")
    [worker] = Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text().split()
    os.kill(int(worker), signal.SIGKILL)
    code = child.wait(timeout=30)
    text = output.read_text()
    assert code == EXIT_RUN_FAILED, text
    assert "Traceback" not in text
    [line] = [line for line in text.splitlines() if line.startswith("  STEP FAILED")]
    assert line.startswith("  STEP FAILED raw__cbs_")
    assert line.endswith(
        ": the run worker ended (SIGKILL (one nobody sent is the kernel's out-of-memory killer: "
        "see the system log)) before the step did"
    )
    assert_nothing_left(published.parent, published, before)
    assert runs_by_status(published.parent.parent)[run_id_of(output)] == "FAILURE"
    reliability_row(
        request,
        side="ours",
        fault="the run worker alone killed (SIGKILL) while loading",
        injected="SIGKILL to the run worker of `ontcijferd run --all` (not to the command)",
        expected="exit 1; the summary names the step and the signal; run marked failed; "
        "nothing published, no process left",
        seen=line.strip(),
    )


def test_sigterm_after_the_rename_says_the_new_warehouse_is_published(published, tmp_path, request):
    """SIGTERM between the rename and the checksum: the new warehouse is already published, and
    the line says so (not "the last good warehouse stays"); readers trust the file (its last
    good copy has its checksum); the next run repairs the checksum file and changes nothing."""
    from lifecycle.build import _sha256, _write_checksum, damage, safety_net_damage

    _write_checksum(published, _sha256(published), "the previous run")  # as published before
    before = published.read_bytes()
    code, output, _ = signalled("renamed", signal.SIGTERM, tmp_path)
    text = output.read_text()
    assert code == 128 + signal.SIGTERM, text
    [line] = [line for line in text.splitlines() if " stopped (" in line]
    assert "it had just published, so the new warehouse is published at" in line
    assert "stays published" not in line
    assert published.read_bytes() != before
    assert damage(published) is None
    assert delivery("indicators")[0] == EXIT_OK
    after = published.read_bytes()
    code, out = run_here()
    assert code == EXIT_OK, out
    assert "is of the previous publication (a run was stopped between publishing" in out
    assert published.read_bytes() == after
    assert safety_net_damage(published) is None
    reliability_row(
        request,
        side="ours",
        fault="SIGTERM between the rename and the checksum",
        injected="`ontcijferd run --all` paused right after the rename, then SIGTERM",
        expected="exit 143, one line saying the new warehouse is published; readers trust it; "
        "the next run changes nothing",
        seen=line.strip(),
    )
