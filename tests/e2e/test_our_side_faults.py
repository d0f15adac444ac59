"""Faults on our side: a full disk, a read-only warehouse folder, a damaged or deleted published
warehouse, an export into a read-only folder. (Runs killed or stopped: test_stopping.py.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from delivery.cli import EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE
from lifecycle.build import checksum_file
from tests.conftest import mounted, overwrite_block_in_use, reliability_row
from tests.e2e.conftest import delivery, real_dagster_home, run_here


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
        [line] = [line for line in out.splitlines() if "DISK FULL" in line]
        assert line.startswith(f"  DISK FULL during the start: not enough disk space in {disk}: ")
        assert "MiB free, a run needs about 192 MiB" in line and "nothing was published" in line
        assert "Traceback" not in out and "FAILED" not in out.replace("DISK FULL", "")
        assert target.read_bytes() == before
    reliability_row(
        request,
        side="ours",
        fault="disk full",
        injected="the warehouse on a tmpfs with 64 KiB free",
        expected="exit 1, one line: where, free and needed space, nothing published; the "
        "published warehouse unchanged",
        seen=line.strip(),
    )


def test_a_full_disk_under_dagsters_storage_is_one_line(published, tmp_path, monkeypatch, request):
    """The Dagster home on its own volume, nearly full: SQLite failed half-way ("disk I/O
    error", "database or disk is full", in Dagster's words). The run is refused before it
    starts, in one line naming the folder, the free and the needed space; nothing written."""
    home = tmp_path / "small-dagster-home"
    home.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=8m", "tmpfs", target=home):
        monkeypatch.setenv("DAGSTER_HOME", str(real_dagster_home(home)))
        before = published.read_bytes()
        code, said = delivery("run", "--all")
        left = sorted(p.name for p in home.iterdir())
    assert code == EXIT_RUN_FAILED
    assert said.startswith("ontcijferd: run failed: DiskSpaceError: [Errno 28] not enough disk ")
    assert f"space for Dagster's storage in {home}: " in said
    assert "MiB free, a run needs about 32 MiB (its event log); no run was started" in said
    assert published.read_bytes() == before and left == ["dagster.yaml"]
    reliability_row(
        request,
        side="ours",
        fault="disk full under Dagster's storage",
        injected="DAGSTER_HOME on a tmpfs of 8 MiB",
        expected="exit 1, one line: where, free and needed space; no run started",
        seen=said,
    )


# How runs.db is damaged, and what SQLite then says.
STORAGE_DAMAGE = {
    "its 100-byte header zeroed": "file is not a database",
    "every page after the first overwritten": "database disk image is malformed",
}


@pytest.mark.parametrize("damage", STORAGE_DAMAGE)
def test_a_damaged_dagster_storage_is_one_line_saying_what_to_do(
    warehouse_path, tmp_path, monkeypatch, request, damage
):
    """Dagster's run storage damaged (a crash mid-write, a bad restore): its header zeroed, or
    every page after the first overwritten. `ontcijferd run` starts no run and says, in one
    line, where the storage is and what to do; done, the next run works on a fresh storage, the
    damaged one kept aside. (The published warehouse, copied with its checksum and safety net,
    has nothing new: no pipeline run is needed to tell.)"""
    published = tmp_path / "warehouse" / "ontcijferd.duckdb"
    published.parent.mkdir()
    shutil.copyfile(warehouse_path, published)
    shutil.copyfile(f"{warehouse_path}.sha256", f"{published}.sha256")
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(published))
    monkeypatch.setenv("ONTCIJFERD_SOURCE", "snapshot")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(real_dagster_home(home)))
    build_with_nothing_to_publish(published, "start")  # the last good copy beside it
    assert delivery("run") == (EXIT_OK, "")  # nothing new; Dagster's storage made
    root = home / ".dagster_home"
    runs = root / "storage" / "history" / "runs.db"
    with open(runs, "r+b") as file:
        if damage.startswith("its 100-byte header"):
            file.write(bytes(100))
        else:
            page = 4096
            file.seek(page)
            file.write(b"\xde\xad" * ((runs.stat().st_size - page) // 2))
    before = published.read_bytes()

    code, said = delivery("run")

    assert code == EXIT_RUN_FAILED and "\n" not in said and "Traceback" not in said
    assert said.startswith(
        f"ontcijferd: run failed: DagsterStorageError: Dagster's storage in {root} ("
    )
    reason = STORAGE_DAMAGE[damage]
    assert f"MiB free) failed: {reason}; no run was started. It is damaged: move {root} " in said
    assert published.read_bytes() == before
    root.rename(home / "dagster_home.damaged")
    assert delivery("run") == (EXIT_OK, "")
    assert (home / "dagster_home.damaged" / "storage" / "history" / "runs.db").exists()
    reliability_row(
        request,
        side="ours",
        fault="Dagster's run storage damaged",
        injected=f"runs.db: {damage}",
        expected="exit 1, one line: where, SQLite's reason, no run started, what to do; after "
        "moving it aside the next run works",
        seen=said,
    )


def test_a_disk_filling_up_during_the_build_is_one_line(tmp_path, capsys):
    """The disk fills up while dbt writes (another process took the space after the run's
    check): dbt's errors and the checks failing on half-written tables collapse into one line.
    SYNTHETIC outcome, as the launcher reads it from Dagster's event log."""
    from delivery.cli import _summary
    from orchestration.launcher import CheckOutcome, Failure, RunOutcome
    from sources.config import load_settings

    settings = load_settings({"ONTCIJFERD_WAREHOUSE": str(tmp_path / "ontcijferd.duckdb")})
    dbt_error = (
        "dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process failed with exit code "
        "`2`.\n\nUnhandled error while executing\n[Errno 28] No space left on device\n"
    )
    outcome = RunOutcome("run", "FAILURE", tmp_path / "log")
    outcome.checks = [
        CheckOutcome("marts/huishoudens_per_jaar", f"check_{i}", False, None, {}) for i in range(7)
    ]
    outcome.failures = [Failure("dbt_models", dbt_error, False)]
    assert _summary(outcome, settings) == EXIT_RUN_FAILED
    out = capsys.readouterr().out.splitlines()
    [line] = [line for line in out if line.startswith("  ")]
    assert line.startswith(f"  DISK FULL during dbt_models: not enough disk space in {tmp_path}")
    # No warehouse was ever published there: the line does not claim one stays.
    assert out[-1] == (
        f"Run run failed; nothing is published at {settings.warehouse_path}: no run has "
        "published a warehouse there yet."
    )
    settings.warehouse_path.write_bytes(b"")  # SYNTHETIC: a published file exists
    assert _summary(outcome, settings) == EXIT_RUN_FAILED
    last = capsys.readouterr().out.splitlines()[-1]
    path = settings.warehouse_path
    assert last == f"Run run failed; the last good warehouse stays published at {path}."


def test_read_only_warehouse_folder_is_a_clear_error(published, tmp_path, monkeypatch, request):
    folder = published.parent
    before = published.read_bytes()
    with mounted("-o", "bind,ro", str(folder), target=folder):
        code, out = run_here("--all")
    assert code == EXIT_RUN_FAILED
    [line] = [line for line in out.splitlines() if "is not writable" in line]
    assert str(folder) in line
    assert "checks passed" not in out  # the run never started: no check list beside the cause
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


def build_with_nothing_to_publish(published: Path, run_id: str) -> None:
    """What a run's build does when it has nothing to publish: it ends with `discard`, which
    makes the publication's checksum file and last good copy where they are missing."""
    from lifecycle.build import WarehouseBuild
    from sources.config import load_settings

    build = WarehouseBuild.begin(published, load_settings().build_file, run_id)
    build.discard()
    build.release()


def test_a_damaged_or_deleted_warehouse_is_rebuilt_with_its_history(published, tmp_path, request):
    from lifecycle.build import safety_net_damage

    build_with_nothing_to_publish(published, "start")  # a checksum and a last good copy
    assert safety_net_damage(published) is None
    publications, history = history_rows(published)
    assert publications == 1

    # Truncated, as a full disk or a bad copy leaves it: nothing trusts it.
    with open(published, "r+b") as file:
        file.truncate(published.stat().st_size // 2)
    truncated = published.read_bytes()
    messages = {}
    for command in (
        ["indicators"],
        ["export", "bevolking_totaal", "--out", str(tmp_path / "x")],
        ["report", "--out", str(tmp_path / "site")],
    ):
        code, messages[command[0]] = delivery(*command)
        assert code == 4, messages[command[0]]
        assert (
            "is beschadigd: `ontcijferd run` bouwt het opnieuw op vanuit de laatste goede "
            "publicatie (voor het datateam: its contents differ from the checksum"
        ) in messages[command[0]]
        assert "Traceback" not in messages[command[0]]
    code, out = run_here()
    assert code == EXIT_OK, out
    [repair] = [line for line in out.splitlines() if "is damaged" in line]
    assert "rebuilt from the last good publication" in repair
    # The file it replaced is kept, not overwritten (here half a file; it may hold an analyst's
    # tables: tests/unit/test_publication_checksum.py).
    [kept] = (published.parent / ".build").glob(f"{published.name}.*.replaced")
    assert kept.read_bytes() == truncated
    assert f"kept at {kept}." in out
    assert history_rows(published)[0] == publications + 1  # history survived
    assert history_rows(published)[1] >= history
    assert delivery("indicators")[0] == EXIT_OK

    # A block in use overwritten and the checksum file gone: DuckDB still opens the file and
    # counts its rows, so only reading every block tells (lifecycle/build.py: unreadable_blocks).
    overwrite_block_in_use(published, "marts.indicator_values", "region_name")
    checksum_file(published).unlink()
    code, blocked = delivery("indicators")
    assert code == 4 and "DuckDB cannot read it: Corrupt database file" in blocked, blocked
    code, out = run_here()
    assert code == EXIT_OK, out
    [corrupt] = [line for line in out.splitlines() if "is damaged" in line]
    assert "rebuilt from the last good publication" in corrupt
    assert history_rows(published)[0] == publications + 2
    assert delivery("indicators")[0] == EXIT_OK

    # Deleted: the last good copy beside it brings the history back.
    published.unlink()
    code, out = run_here()
    assert code == EXIT_OK, out
    assert any("is missing: it is rebuilt from the last good" in line for line in out.splitlines())
    assert history_rows(published)[0] == publications + 3
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
        seen=f"publications recorded: {publications} before, {publications + 3} after 3 rebuilds",
    )
    reliability_row(
        request,
        side="ours",
        fault="a block in use overwritten, checksum file deleted",
        injected="64 KiB of marts.indicator_values overwritten in the published file; its .sha256 "
        "removed",
        expected="every block read: readers exit 4; `run` rebuilds from the last good "
        "publication, history kept",
        seen=f"{blocked} | run: {corrupt.strip()}",
    )


def test_export_into_a_read_only_folder_is_one_line(warehouse_path, tmp_path, monkeypatch, request):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(warehouse_path))
    folder = tmp_path / "exports"
    folder.mkdir()
    with mounted("-o", "bind,ro", str(folder), target=folder):
        code, message = delivery("export", "bevolking_totaal", "--out", str(folder))
    assert code == EXIT_USAGE, message
    assert (
        message == f"ontcijferd: kan {folder}/bevolking_totaal.csv niet schrijven: de schijf is "
        "alleen-lezen"
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
    from lifecycle.build import last_good_path, safety_net_damage
    from lifecycle.refresh import plan_refresh
    from sources.config import load_settings

    settings = load_settings()
    build_with_nothing_to_publish(published, "first")  # the fixture's copy: a sound start
    assert safety_net_damage(published) is None
    shutil.rmtree(last_good_path(published).parent)
    checksum_file(published).unlink()
    plan = plan_refresh(settings)
    [line] = [line for line in plan.summary() if line.startswith("safety net: ")]
    assert "the checksum file ontcijferd.duckdb.sha256 is missing" in line
    assert "the last good copy" in line and "is missing; this run makes it again" in line
    assert not plan.nothing_new
    before = published.read_bytes()
    build_with_nothing_to_publish(published, "repair")
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


def test_history_is_never_restarted_silently(published, request):
    """Rows deleted from the value history of a publication that was then re-signed (an edit
    outside a run, or a bug), no last good copy: the run stops, names what is lost and what to
    run, and changes nothing; with --accept-fresh-history it starts a new history. A truncated
    publication without a last good copy stops the same way."""
    from lifecycle.build import _sha256, _write_checksum

    con = duckdb.connect(str(published))
    con.execute("delete from marts.indicator_value_history where period < '2010'")
    con.close()
    _write_checksum(published, _sha256(published), "an admin's edit")
    before = published.read_bytes()
    code, out = run_here()
    assert code == EXIT_RUN_FAILED, out
    [plan] = [line for line in out.splitlines() if "cannot be trusted: its value hist" in line]
    assert "the run stops unless a new history is accepted (--accept-fresh-history)" in plan
    [stop] = [line for line in out.splitlines() if line.startswith("  RUN NOT STARTED")]
    assert stop.startswith("  RUN NOT STARTED: The value history cannot be carried over")
    assert "marts.indicator_value_history) holds" in stop
    assert "run `ontcijferd run --accept-fresh-history`" in stop
    assert "Traceback" not in out
    assert published.read_bytes() == before

    truncated = published.read_bytes()[: len(before) // 2]
    published.write_bytes(truncated)
    code, out = run_here()
    assert code == EXIT_RUN_FAILED and "cannot be carried over" in out, out
    assert published.read_bytes() == truncated

    code, out = run_here("--accept-fresh-history")
    assert code == EXIT_OK, out
    assert "a new value history starts (accepted for this run)" in out
    assert history_rows(published)[0] == 1  # a new record of publications
    reliability_row(
        request,
        side="ours",
        fault="value history rows deleted in a re-signed publication, no last good copy",
        injected="delete from marts.indicator_value_history where period < '2010'; new .sha256",
        expected="the run stops (exit 1) naming the loss and `--accept-fresh-history`; files "
        "unchanged; with the option a new history starts",
        seen=stop.strip(),
    )
