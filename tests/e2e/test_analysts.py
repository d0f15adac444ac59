"""The warehouse as analysts open it: with DuckDB 1.4 (the long-term release their SQL tools
and the R package ship) and explaining itself — every public table and column carries its
Dutch description as a DuckDB comment, and `marts.meta` lists them with units."""

import json
import subprocess

import duckdb
import pytest

from lifecycle.build import STORAGE_VERSION, create_in_storage_version, storage_version
from sources.config import REPO_ROOT
from tests.conftest import another_process, reliability_row
from tests.e2e.conftest import delivery, run_here

# Installed by `make test` from tests/duckdb_lts/requirements.txt (hash-locked).
DUCKDB_LTS_PYTHON = REPO_ROOT / ".venv-duckdb-lts" / "bin" / "python"

READ_WITH_LTS = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "overijssel_2024": con.execute(
        "select value from marts.indicator_values where indicator_id = 'bevolking_totaal' "
        "and region_code = 'PV23' and period = '2024'").fetchone()[0],
    "table_comment": con.execute(
        "select comment from duckdb_tables() where schema_name = 'marts' "
        "and table_name = 'indicator_values'").fetchone()[0],
    "column_comment": con.execute(
        "select comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'bevolking_per_jaar' and column_name = 'bevolking'").fetchone()[0],
    "meta_unit": con.execute(
        "select eenheid from marts.meta where tabel = 'bevolking_per_jaar' "
        "and kolom = 'bevolking'").fetchone()[0],
}))
"""


def test_duckdb_lts_opens_the_published_warehouse_and_reads_its_comments(warehouse_path):
    assert DUCKDB_LTS_PYTHON.exists(), "the DuckDB 1.4 environment is missing: run `make test`"
    out = subprocess.run(
        [str(DUCKDB_LTS_PYTHON), "-c", READ_WITH_LTS, warehouse_path],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    seen = json.loads(out)
    assert seen["version"].startswith("1.4.")
    assert seen["overijssel_2024"] == 1_189_033  # CBS 03759ned, 1 januari 2024
    assert seen["table_comment"].startswith("De gepubliceerde indicatoren in lang formaat")
    assert seen["column_comment"] == "Personen op 1 januari."
    assert seen["meta_unit"] == "personen"


def test_every_public_table_and_column_has_its_dutch_description(warehouse):
    undocumented = warehouse.execute(
        "select schema_name || '.' || table_name || coalesce('.' || column_name, '') from ("
        "  select schema_name, table_name, null as column_name, comment from duckdb_tables() "
        "  union all select schema_name, view_name, null, comment from duckdb_views() "
        "  union all select schema_name, table_name, column_name, comment from duckdb_columns()"
        ") where schema_name in ('marts', 'reference', 'meta') and comment is null"
    ).fetchall()
    assert undocumented == []
    # The comment is the Dutch text, not the English description beside it in the YAML.
    assert warehouse.execute(
        "select comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'indicator_catalog' and column_name = 'title'"
    ).fetchone() == ("Titel (Nederlands).",)


def test_meta_gives_the_units_of_the_columns_indicators_come_from(warehouse):
    rows = dict(
        warehouse.execute(
            "select tabel || '.' || kolom, eenheid from marts.meta "
            "where (tabel, kolom) in (('economie_per_jaar', 'bbp_mln_euro'), "
            "('arbeid_per_jaar', 'werkloosheid_pct'), ('dim_region', 'region_name'))"
        ).fetchall()
    )
    assert rows == {
        "economie_per_jaar.bbp_mln_euro": "mln euro",
        "arbeid_per_jaar.werkloosheid_pct": "%",
        "dim_region.region_name": None,
    }
    tables = warehouse.execute("select count(*) from marts.meta where kolom is null").fetchone()[0]
    assert (
        tables
        == warehouse.execute(
            "select count(*) from duckdb_tables() where schema_name in ('marts', 'reference')"
        ).fetchone()[0]
        + warehouse.execute(
            "select count(*) from duckdb_views() where schema_name in ('marts', 'reference')"
        ).fetchone()[0]
    )


def test_the_published_file_is_in_duckdb_14s_storage_format(warehouse_path):
    from pathlib import Path

    assert storage_version(Path(warehouse_path)) == STORAGE_VERSION


def test_a_publication_in_duckdb_2s_format_is_carried_over_into_14s(tmp_path):
    """A warehouse published before the format was set (DuckDB 2's default) is copied — tables,
    views, comments — into a build file in 1.4's format. SYNTHETIC two-table file."""
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("create schema marts")
    con.execute("create table marts.t as select 1189033 as bevolking")
    con.execute("comment on column marts.t.bevolking is 'Personen op 1 januari.'")
    con.execute("create view marts.v as select bevolking * 2 as dubbel from marts.t")
    con.close()
    assert storage_version(old) != STORAGE_VERSION

    new = tmp_path / "new.duckdb"
    create_in_storage_version(new, old)

    assert storage_version(new) == STORAGE_VERSION
    con = duckdb.connect(str(new), read_only=True)
    assert con.execute("select dubbel from marts.v").fetchone() == (2378066,)
    assert con.execute(
        "select comment from duckdb_columns() where table_name = 't'"
    ).fetchone() == ("Personen op 1 januari.",)


# An analyst's session that opened the file for writing (as the DuckDB CLI without -readonly,
# DBeaver and `duckdb.connect(path)` do), holding DuckDB's write lock until its input closes.
HOLD_FOR_WRITING = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
print(con.execute("select max(code_fingerprint) from meta.publication").fetchone()[0], flush=True)
sys.stdin.read()
print(con.execute("select max(code_fingerprint) from meta.publication").fetchone()[0], flush=True)
"""


def test_an_analyst_holding_the_warehouse_for_writing_blocks_no_reader_and_no_run(
    published, request
):
    """DuckDB's write lock shuts every other process out of the file, readers too: meanwhile
    the readers still answer and the nightly run still compares, checks and publishes (from a
    copy of the published bytes, lifecycle/build.py `reading`); the analyst's session goes on
    reading the publication it opened."""
    with another_process(HOLD_FOR_WRITING, str(published)) as (analyst, first):
        assert first == "older-code"  # it holds the lock now
        with pytest.raises(duckdb.IOException, match="Conflicting lock"):
            duckdb.connect(str(published), read_only=True)
        assert delivery("regions", "Zwolle")[0] == 0
        code, out = run_here()
        assert code == 0, out
        assert f"published: {published}" in out
        said, _ = analyst.communicate("", timeout=30)
    assert said.strip() == "older-code"  # the file it opened, not the new publication
    con = duckdb.connect(str(published), read_only=True)
    try:
        fingerprints = [
            r[0] for r in con.sql("select code_fingerprint from meta.publication").fetchall()
        ]
    finally:
        con.close()
    assert len(fingerprints) == 2 and "older-code" in fingerprints
    reliability_row(
        request,
        side="ours (user)",
        fault="an analyst holds the published warehouse open for writing during the run",
        injected="another process opened the published file read-write (DuckDB's write lock) "
        "and kept it open through a reader command and a republishing run",
        expected="the reader answers, the run publishes (exit 0); the analyst's session keeps "
        "reading what it opened",
        seen=f"regions: exit 0; run: exit {code}, {out.strip().splitlines()[-1]}; the analyst "
        f"still read {said.strip()!r}",
    )
