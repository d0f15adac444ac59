"""The plausibility comparison reads the published warehouse wherever it lies: its path reaches
DuckDB as a parameter, never as SQL text (a folder named like SQL stays a folder name)."""

import duckdb
import pytest

from lifecycle.plausibility import compare

COLUMNS = (
    "indicator_id varchar, region_code varchar, region_name varchar, categorie varchar, "
    "period varchar, period_type varchar, value double, unit varchar"
)


def _warehouse(path, value: float) -> None:
    """A SYNTHETIC one-row marts.indicator_values."""
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.indicator_values ({COLUMNS})")
    con.execute(
        "insert into marts.indicator_values values "
        "('bevolking_totaal', 'PV23', 'Overijssel', null, '2024', 'jaar', ?, 'personen')",
        [value],
    )
    con.close()


@pytest.mark.parametrize(
    "folder",
    ["it's wh", "x' as p; copy (select 42) to 'pwn.csv'; attach 'y"],
)
def test_a_published_warehouse_in_any_folder_is_compared(tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    published = tmp_path / folder / "ontcijferd.duckdb"
    published.parent.mkdir()
    _warehouse(published, 1_000_000)
    _warehouse(tmp_path / "build.duckdb", 1_300_000)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        [revision] = compare(con, published).revisions
    finally:
        con.close()
    assert (revision.old_value, revision.new_value, revision.implausible) == (
        1_000_000,
        1_300_000,
        True,
    )
    assert not (tmp_path / "pwn.csv").exists()
