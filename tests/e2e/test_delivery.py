"""`ontcijferd indicators` and `ontcijferd export` on the end-to-end warehouse: files read back
equal the warehouse, the metadata travels with them, and bad requests fail usefully."""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from delivery.cli import EXIT_NO_WAREHOUSE, EXIT_OK, EXIT_USAGE, main
from delivery.export import open_published


@pytest.fixture
def published(warehouse_path, monkeypatch):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", warehouse_path)
    return warehouse_path


def test_csv_export_reads_back_equal_to_the_warehouse(published, warehouse, tmp_path):
    code = main(["export", "bevolking_totaal", "--format", "csv", "--out", str(tmp_path)])
    assert code == EXIT_OK
    exported = pd.read_csv(tmp_path / "bevolking_totaal.csv", dtype={"period": str})
    expected = warehouse.execute(
        "select region_code, period, value from marts.indicator_values "
        "where indicator_id = 'bevolking_totaal' order by region_code, period"
    ).df()
    assert len(exported) == len(expected) == 1097 + 47  # + 1 January 2025, every region
    assert exported[["region_code", "period", "value"]].equals(expected)
    pv23 = exported[(exported.region_code == "PV23") & (exported.period == "2024")]
    assert pv23["value"].item() == 1_189_033


def test_the_metadata_sidecar_says_what_the_numbers_are(published, tmp_path):
    main(["export", "bevolking_totaal", "--regions", "PV23", "--out", str(tmp_path)])
    metadata = json.loads((tmp_path / "bevolking_totaal_PV23.metadata.json").read_text())
    [definition] = metadata["indicators"]
    assert definition["unit"] == "personen" and "1 January" in definition["definition"]
    assert "03759ned" in definition["source_tables"]
    assert metadata["licence"].startswith("Bron: CBS")
    assert set(metadata["status_legend"]) >= {"definitief", "voorlopig", "onbekend", "geheim"}
    assert metadata["cbs_release_dates"]["03759ned"].startswith("onbekend")  # not in snapshot
    assert metadata["generated_at"] and metadata["rows"] == 38  # 1988–2025


def test_selection_by_region_name_and_period(published, tmp_path):
    main(
        [
            "export",
            "jeugdhulp_in_natura_pct",
            "--regions",
            "Zwolle",
            "overijssel",
            "--from",
            "2023",
            "--to",
            "2023",
            "--out",
            str(tmp_path),
        ]
    )
    rows = pd.read_csv(
        tmp_path / "jeugdhulp_in_natura_pct_GM0193_PV23_2023-2023.csv", dtype={"period": str}
    )
    assert sorted(zip(rows.region_code, rows.period, strict=True)) == [
        ("GM0193", "2023"),
        ("GM0193", "2023H1"),
        ("GM0193", "2023H2"),
        ("PV23", "2023"),
        ("PV23", "2023H1"),
        ("PV23", "2023H2"),
    ]


def test_excel_has_a_data_and_a_metadata_sheet(published, tmp_path):
    main(["export", "export_goederen", "--format", "xlsx", "--out", str(tmp_path)])
    sheets = pd.read_excel(tmp_path / "export_goederen.xlsx", sheet_name=None)
    assert set(sheets) == {"data", "metadata"}
    flevoland = sheets["data"].query("region_code == 'PV24'")
    assert flevoland["value"].isna().all() and set(flevoland["status"]) == {"geheim"}
    assert "licence" in set(sheets["metadata"]["onderwerp"])


def test_parquet_export(published, tmp_path):
    main(["export", "woningvoorraad", "--format", "parquet", "--out", str(tmp_path)])
    frame = pd.read_parquet(tmp_path / "woningvoorraad.parquet")
    assert frame.query("region_code == 'PV23' and period == '2024'")["value"].item() == 527_085


def test_unknown_indicator_or_region_is_a_usage_error_with_suggestions(published, tmp_path, capsys):
    assert main(["export", "bevolkin_totaal", "--out", str(tmp_path)]) == EXIT_USAGE
    assert "did you mean 'bevolking_totaal'" in capsys.readouterr().err
    assert main(["export", "bevolking_totaal", "--regions", "Zwole", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "did you mean" in err and "'Zwolle'" in err
    assert main(["indicators", "--theme", "wonn"]) == EXIT_USAGE
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_catalog_lists_every_indicator_with_its_latest_period(published, capsys):
    assert main(["indicators", "--theme", "wonen"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "woningtekort_proxy" in out and "woondeal_doel" in out and "jeugdhulp" not in out


def test_no_published_warehouse(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["indicators"]) == EXIT_NO_WAREHOUSE
    assert "run `make run`" in capsys.readouterr().err


def test_reads_are_read_only(warehouse_path):
    with (
        open_published(Path(warehouse_path)) as con,
        pytest.raises(duckdb.InvalidInputException, match="read-only"),
    ):
        con.execute("create table marts.x (a int)")
