"""Security of the query and export paths and of live mode, on the end-to-end warehouse."""

from pathlib import Path

import duckdb
import pytest

from delivery.cli import EXIT_OK, EXIT_USAGE, main
from delivery.export import extract, open_published
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
        rows, _ = extract(con, ["bevolking_totaal"], ["PV23"], period_from=hostile)
        everything, _ = extract(con, ["bevolking_totaal"], ["PV23"])
    # Compared as text, the whole string is one value: no period is ≥ it except those after
    # "2015'" in collation order — nothing like the 'or 1=1' the string tries to inject.
    assert len(rows) < len(everything)
    assert all(p >= hostile for p in rows["period"])
    reliability_row(
        request,
        side="security",
        fault="SQL in a user filter",
        injected=f'export --from "{hostile}"',
        expected="treated as a value (query parameters), never as SQL",
        seen=f"{len(rows)} of {len(everything)} rows, each with period >= the literal string",
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
