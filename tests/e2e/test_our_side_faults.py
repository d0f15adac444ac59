"""Faults on our side: a full disk, a read-only warehouse folder, a damaged or deleted published
warehouse, an export into a read-only folder. (Runs killed or stopped: test_stopping.py.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from delivery.cli import EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE
from tests.conftest import reliability_row
from tests.e2e.conftest import delivery, run_here


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


def test_a_missing_or_damaged_safety_net_is_said_and_made_again(published, request):
    """.last_good/ deleted and the checksum file gone beside a sound published warehouse: the
    plan says so in one line and is not "nothing new"; the run's build, with nothing to
    publish, makes both again (what `discard` does at the end of such a run)."""
    from lifecycle.build import WarehouseBuild, checksum_file, last_good_path, safety_net_damage
    from lifecycle.refresh import plan_refresh
    from sources.config import load_settings

    settings = load_settings()
    first = WarehouseBuild.begin(published, settings.build_file, "first")
    first.discard()  # the fixture's copy gets its safety net: a sound start
    first.release()
    assert safety_net_damage(published) is None
    shutil.rmtree(last_good_path(published).parent)
    checksum_file(published).unlink()
    plan = plan_refresh(settings)
    [line] = [line for line in plan.summary() if line.startswith("safety net: ")]
    assert "the checksum file ontcijferd.duckdb.sha256 is missing" in line
    assert "the last good copy" in line and "is missing; this run makes it again" in line
    assert not plan.nothing_new
    before = published.read_bytes()
    build = WarehouseBuild.begin(published, settings.build_file, "repair")
    build.discard()
    build.release()
    assert safety_net_damage(published) is None and published.read_bytes() == before
    assert last_good_path(published).read_bytes() == before
    reliability_row(
        request,
        side="ours (files)",
        fault="the last good copy and the checksum file deleted",
        injected="rm -r warehouse/.last_good; rm ontcijferd.duckdb.sha256",
        expected="the next run says so in one line and makes both again; published file unchanged",
        seen=line.replace(str(published.parent), "<warehouse>"),
    )
