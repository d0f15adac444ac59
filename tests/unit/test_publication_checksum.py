"""A run stopped between publishing its warehouse (the rename) and writing its checksum: the
file is the new publication, and readers and the next run must trust it, not call it damaged."""

import os

import duckdb
import pytest

from lifecycle.build import (
    _keep_as_last_good,
    _sha256,
    _write_checksum,
    damage,
    readable,
    reading,
)
from tests.conftest import another_process, overwrite_block_in_use, reliability_row


def _file(path, value: int) -> None:
    """A SYNTHETIC small DuckDB file standing in for a publication."""
    con = duckdb.connect(str(path))
    con.execute("create table t as select ? as v", [value])
    con.close()


def test_a_publication_stopped_before_its_checksum_is_trusted(tmp_path):
    published = tmp_path / "ontcijferd.duckdb"
    _file(published, 1)
    _write_checksum(published, _sha256(published), "old-run")
    # What publish() does, stopped after the rename: last good copy and its checksum, rename.
    build = tmp_path / "next.duckdb"
    _file(build, 2)
    digest = _sha256(build)
    _keep_as_last_good(build, published, digest, "new-run")
    os.replace(build, published)
    assert damage(published) is None
    # A file that is neither publication is still damaged.
    with open(published, "r+b") as file:
        file.seek(0)
        file.write(b"garbage!")
    assert "differ from the checksum recorded at publication" in damage(published)


def test_without_a_checksum_every_block_in_use_is_read(tmp_path):
    """A block in use overwritten in a file whose checksum file is gone: opening the file and
    counting rows still works (DuckDB reads counts from metadata), so only reading every block
    can tell; a damaged block on the free list harms nothing and is not reported."""
    published = tmp_path / "ontcijferd.duckdb"
    con = duckdb.connect(str(published))
    # SYNTHETIC: enough rows for several blocks of 256 KiB.
    con.execute("create table t as select range as v, md5(range::varchar) as s from range(200000)")
    con.execute("checkpoint")
    con.close()
    assert damage(published) is None
    overwrite_block_in_use(published, "t", "s")
    opened = duckdb.connect(str(published), read_only=True)
    assert opened.execute("select count(*) from t").fetchone() == (200000,)
    opened.close()
    assert damage(published).startswith("DuckDB cannot read it: Corrupt database file")


def test_a_symlinked_published_file_is_followed(tmp_path):
    """`warehouse:` naming a symlink (to a larger disk, say): the run builds and publishes beside
    the file it points to, and the link stays a link to the new publication."""
    from lifecycle.build import WarehouseBuild, last_good_path
    from sources.config import load_settings

    real = tmp_path / "disk" / "ontcijferd.duckdb"
    real.parent.mkdir()
    _file(real, 1)
    link = tmp_path / "warehouse" / "ontcijferd.duckdb"
    link.parent.mkdir()
    link.symlink_to(real)
    settings = load_settings({"ONTCIJFERD_WAREHOUSE": str(link)})
    assert settings.warehouse_path == real
    build = WarehouseBuild.begin(settings.warehouse_path, settings.build_file, "run")
    with build.connect() as con:
        con.execute("update t set v = 2")
    build.publish()
    build.release()
    assert link.is_symlink() and link.resolve() == real
    con = duckdb.connect(str(link), read_only=True)
    assert con.execute("select v from t").fetchone() == (2,)
    con.close()
    assert last_good_path(real).exists() and not (link.parent / ".last_good").exists()
    assert damage(link) is None


def test_a_refused_run_names_the_run_holding_the_lock_from_its_first_moment(tmp_path):
    """The holder's run id is in the lock file as soon as it holds the lock, before its copy of
    the warehouse (and the marker written after it) exists."""
    from lifecycle.build import WarehouseBuild

    published = tmp_path / "ontcijferd.duckdb"
    build_file = tmp_path / ".build" / "next.duckdb"
    first = WarehouseBuild.begin(published, build_file, "first-run-id")
    (build_file.parent / "next.run_id").unlink()
    try:
        assert WarehouseBuild.busy(published, build_file).startswith(
            "Another run (run id first-run-id) is building the warehouse"
        )
    finally:
        first.release()
    assert WarehouseBuild.busy(published, build_file) is None


def test_a_killed_runs_leftover_dbt_is_stopped_before_the_next_build(tmp_path):
    """The run worker of a run was killed while its dbt ran: dbt, left behind, still has the
    build file open (DuckDB's lock on it) and would go on writing beside the next run. The next
    run, once it holds the build lock, stops it and says so; then it builds afresh. The leftover
    is a SYNTHETIC stand-in: a Python process holding the build file open in DuckDB."""
    from lifecycle.build import WarehouseBuild

    published = tmp_path / "ontcijferd.duckdb"
    _file(published, 1)
    build_file = tmp_path / ".build" / "next.duckdb"
    killed = WarehouseBuild.begin(published, build_file, "killed-run")
    killed.release()  # its worker is gone, and with it the build lock
    holds_the_build = (
        "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "time.sleep(600)"
    )
    with another_process(holds_the_build, str(build_file)) as (leftover, said):
        assert said == "held"
        build = WarehouseBuild.begin(published, build_file, "next-run")
        assert leftover.wait(timeout=10) == -9
        [line] = build.take_warnings()
        assert line.startswith(f"stopped process {leftover.pid} (")
        assert f"it still held the build {build_file}" in line
        with build.connect() as con:  # DuckDB's lock is free: the new build opens
            assert con.execute("select v from t").fetchone() == (1,)
        build.release()


def test_the_runs_warnings_reach_the_run_summary(tmp_path, capsys):
    """What a run's code logs as a warning (the resource's line for a killed run's dbt it
    stopped) is read from Dagster's event log with the outcome and printed under the count of
    assets, whatever became of the run. SYNTHETIC job on an ephemeral Dagster instance."""
    import dagster as dg

    from delivery.run_summary import print_materialised
    from orchestration.launcher import RunOutcome, _outcome

    said = "stopped process 4242 (dbt build), left behind by a run that was killed"

    @dg.op
    def warns(context: dg.OpExecutionContext) -> None:
        context.log.info("loaded")  # not a warning: not in the summary
        context.log.warning(said)

    @dg.job
    def nightly() -> None:
        warns()

    with dg.DagsterInstance.ephemeral() as instance:
        result = nightly.execute_in_process(instance=instance)
        outcome = _outcome(instance, RunOutcome(result.run_id, "CANCELED", tmp_path / "log"), 0, [])
    assert outcome.status == "SUCCESS" and outcome.warnings == [said]
    print_materialised(outcome)
    assert capsys.readouterr().out.splitlines() == ["assets materialised: 0", f"  WARNING {said}"]


# Another process holding a DuckDB file open: read-only ("ro") or for writing ("rw").
HOLD_OPEN = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("held", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("mode", ["ro", "rw"])
def test_a_publication_another_process_holds_open_is_still_read(tmp_path, mode):
    """A SYNTHETIC one-table publication. A read-only holder shares the file; one that opened it
    for writing shuts every other process out, so it is read from a copy of its bytes, which
    is gone after the block."""
    path = tmp_path / "ontcijferd.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select 42 as v")
    con.close()
    with another_process(HOLD_OPEN, str(path), mode) as (_, said):
        assert said == "held"
        with readable(path) as source:
            assert (source == path) == (mode == "ro")
        assert source == path or not source.parent.exists()
        with reading(path) as con:
            assert con.execute("select v from t").fetchone() == (42,)


# Another process that opens a DuckDB file for writing and writes into it without a checkpoint
# (as an analyst's `create table` in DBeaver does): its write-ahead log lies beside the file.
WRITE_INTO = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("create table mine as select 1 as x")
print("wrote", flush=True)
sys.stdin.read()
con.close()
"""


@pytest.mark.parametrize("session", ["open", "ended"])
def test_a_session_that_wrote_into_the_old_publication_locks_no_one_out(tmp_path, session, request):
    """SYNTHETIC one-table publications. A session wrote into the published file, then a run
    publishes a new one: DuckDB refuses to open a file with another file's write-ahead log
    beside it. Our readers read the published bytes alone; a session still open is named in
    the run's warnings (it deletes its log when it ends), the log of one that died is moved
    aside, so every tool opens the new publication."""
    from lifecycle.build import WarehouseBuild, wal_of

    published, build_file = tmp_path / "ontcijferd.duckdb", tmp_path / ".build" / "next.duckdb"
    _file(published, 1)
    _write_checksum(published, _sha256(published), "first")
    with another_process(WRITE_INTO, str(published)) as (writer, said):
        assert said == "wrote"
        if session == "ended":
            writer.kill()  # a crash: no checkpoint, its log stays
            writer.wait()
        assert wal_of(published).exists()
        build = WarehouseBuild.begin(published, build_file, "next")
        with build.connect() as con:
            con.execute("update t set v = 2")
        build.publish()
        [warning] = build.take_warnings()
        build.release()
        assert damage(published) is None
        with reading(published) as con:  # the new publication, not the session's writes
            assert con.execute("select v from t").fetchone() == (2,)
        if session == "open":
            assert f"process {writer.pid} (" in warning and "read-only" in warning
            assert wal_of(published).exists()
            writer.stdin.close()  # the analyst closes the session: DuckDB deletes its log
            assert writer.wait(timeout=30) == 0
        else:
            [kept] = build_file.parent.glob("ontcijferd.duckdb.wal.*.replaced")
            assert f"Moved to {kept}." in warning
        assert not wal_of(published).exists()
        con = duckdb.connect(str(published), read_only=True)  # any tool opens it again
        assert con.execute("select v from t").fetchone() == (2,)
        mine = "select count(*) from duckdb_tables() where table_name = 'mine'"
        assert con.execute(mine).fetchone() == (0,)  # the session's writes were never published
        con.close()
        assert damage(published) is None
    reliability_row(
        request,
        side="ours",
        fault=f"an analyst's session wrote into the published file, then a run published "
        f"({'the session still open' if session == 'open' else 'the session died'})",
        injected="duckdb.connect(published) + create table, no checkpoint; a build published",
        expected="readers and the next run read the new publication; the run warns; every tool "
        "opens the new file once the session ends (or at once, if it died)",
        seen=warning.replace(str(tmp_path), "<tmp>"),
    )


def test_a_publication_written_into_outside_a_run_is_kept_when_replaced(tmp_path, request):
    """SYNTHETIC one-table publications. An analyst's session made a table of its own in the
    published file and ended (DuckDB checkpoints on close): the checksum fails, so the next run
    rebuilds from the last good copy (tests/e2e/test_our_side_faults.py) — and keeps the file it
    replaces, the analyst's table in it, instead of overwriting it."""
    from lifecycle.build import WarehouseBuild, distrust

    published, build_file = tmp_path / "ontcijferd.duckdb", tmp_path / ".build" / "next.duckdb"
    _file(published, 1)
    digest = _sha256(published)
    _keep_as_last_good(published, published, digest, "first")
    _write_checksum(published, digest, "first")
    analyst = duckdb.connect(str(published))
    analyst.execute("create table mine as select 42 as x")
    analyst.close()
    broken = distrust(published)
    assert "differ from the checksum recorded at publication" in broken
    build = WarehouseBuild.begin(published, build_file, "next")
    with build.connect() as con:
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name = 'mine'"
        ).fetchone() == (0,)
        con.execute("update t set v = 2")
    build.publish(keep_replaced=bool(broken))
    [warning] = build.take_warnings()
    build.release()
    [kept] = build_file.parent.glob("ontcijferd.duckdb.*.replaced")
    assert warning.endswith(f"kept at {kept}.")
    with reading(kept) as con:
        assert con.execute("select x from mine").fetchone() == (42,)
    with reading(published) as con:
        assert con.execute("select v from t").fetchone() == (2,)
    assert damage(published) is None
    reliability_row(
        request,
        side="ours (user)",
        fault="an analyst's session made its own table in the published file and ended",
        injected="duckdb.connect(published) + create table, closed (checkpointed); a build "
        "published",
        expected="the run rebuilds from the last good copy and keeps the file it replaces, with "
        "the analyst's table, saying where",
        seen=warning,
    )
