"""`ontcijferd indicators` and `ontcijferd export` on the end-to-end warehouse: files read back
equal the warehouse, the metadata travels with them, and bad requests fail usefully."""

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from delivery.cli import EXIT_NO_WAREHOUSE, EXIT_OK, EXIT_USAGE, main
from delivery.export import PARQUET_METADATA_KEY, open_published
from delivery.metadata import sources_of
from delivery.readable import DUTCH_COLUMN_LEGEND


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
    # + 1 January 2025 for every region, + 2010–2020 for the 19 gemeenten the snapshot's
    # 03759ned lacks (84910NED), + 1999–2009 for them and 1999–2002 for Dinkelland (80860ned)
    assert len(exported) == len(expected) == 1097 + 47 + 19 * 11 + 19 * 11 + 4
    assert exported[["region_code", "period", "value"]].equals(expected)
    pv23 = exported[(exported.region_code == "PV23") & (exported.period == "2024")]
    assert pv23["value"].item() == 1_189_033


def test_the_metadata_sidecar_says_what_the_numbers_are(published, tmp_path):
    main(["export", "bevolking_totaal", "--regions", "PV23", "--out", str(tmp_path)])
    metadata = json.loads((tmp_path / "bevolking_totaal_PV23.metadata.json").read_text())
    [definition] = metadata["indicators"]
    assert definition["unit"] == "personen" and "1 januari" in definition["definitie"]
    assert "03759ned" in definition["toelichting"] and "definition" not in definition
    assert "03759ned" in definition["source_tables"]
    assert metadata["licence"].startswith("Bron: CBS")
    assert set(metadata["status_legend"]) >= {"definitief", "voorlopig", "onbekend", "geheim"}
    assert "prognose (een voorspelling, door CBS gepubliceerd" in metadata["source_kind_legend"]
    assert metadata["cbs_release_dates"]["03759ned"] is None  # not in the snapshot
    assert metadata["generated_at"] and metadata["rows"] == 38  # 1988–2025


def test_the_column_legend_explains_every_kind_of_period_in_the_warehouse(warehouse):
    """The toelichting says how a period is written for every kind the warehouse holds: the
    sale prices' quarters (2025Q1) were missing from it."""
    kinds = warehouse.execute(
        "select period_type, min(period) from marts.indicator_values group by all"
    ).fetchall()
    assert {kind for kind, _ in kinds} >= {"jaar", "halfjaar", "kwartaal"}
    for kind, example in kinds:
        assert kind in DUTCH_COLUMN_LEGEND["soort periode"]
        assert f"{kind} ({re.sub(r'^[0-9]{4}', '2024', example)})" in DUTCH_COLUMN_LEGEND["periode"]


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


def test_periods_of_different_length_are_selected_by_the_months_they_cover(published, tmp_path):
    """A year, its half years and its quarters do not sort as text ('2024Q1' > '2024H2'): the
    selection keeps the periods wholly within --from … --to. A quarter is written as the
    warehouse and `ontcijferd indicators` write it (2025Q1) or as 2024K3 (kwartaal)."""
    args = ["export", "prijsindex_koopwoningen", "--regions", "PV23", "--out", str(tmp_path)]
    assert main([*args, "--from", "2024H2", "--to", "2025q1"]) == EXIT_OK
    rows = pd.read_csv(tmp_path / "prijsindex_koopwoningen_PV23_2024H2-2025Q1.csv")
    # CBS 85792NED, Overijssel, 2020 = 100: not 2024Q1 and 2024Q2, nor the year 2024
    assert rows[["period", "value"]].values.tolist() == [
        ["2024Q3", 143.7],
        ["2024Q4", 147.4],
        ["2025Q1", 150.9],
    ]
    assert main([*args, "--from", "2024K1", "--to", "2024H1"]) == EXIT_OK
    rows = pd.read_csv(tmp_path / "prijsindex_koopwoningen_PV23_2024Q1-2024H1.csv")
    assert rows["period"].tolist() == ["2024Q1", "2024Q2"]


def test_regions_are_found_as_people_type_them(published, tmp_path, capsys):
    """Without accents (Fryslân, Súdwest-Fryslân), by the old name (Friesland); a region named
    twice is asked once."""
    assert main(["regions", "fryslan"]) == EXIT_OK
    found = capsys.readouterr().out
    assert all(code in found for code in ("PV21", "GM1900", "GM1970")), found
    args = ["export", "bevolking_totaal", "--from", "2024", "--to", "2024", "--out", str(tmp_path)]
    assert main([*args, "--regions", "Friesland", "fryslan", "FRYSLÂN", "PV21"]) == EXIT_OK
    rows = pd.read_csv(tmp_path / "bevolking_totaal_PV21_2024-2024.csv")
    assert rows[["region_name", "value"]].values.tolist() == [["Fryslân", 661_904]]


def test_excel_is_laid_out_for_researchers(published, tmp_path):
    from openpyxl import load_workbook

    # The format in any case, as regions and periods.
    main(["export", "export_goederen", "--format", "XLSX", "--out", str(tmp_path)])
    sheets = pd.read_excel(tmp_path / "export_goederen.xlsx", sheet_name=None)
    assert list(sheets) == ["jaren", "toelichting"]
    flevoland = sheets["jaren"].query("regiocode == 'PV24'")  # Dutch headers
    assert flevoland["waarde"].isna().all() and set(flevoland["status"]) == {"geheim"}
    assert {"licentie", "soort bron", "status", "kolom"} <= set(sheets["toelichting"]["onderwerp"])
    book = load_workbook(tmp_path / "export_goederen.xlsx")
    data = book["jaren"]
    assert data.freeze_panes == "A2" and data.auto_filter.ref == data.dimensions
    assert data.column_dimensions["A"].width >= len("export_goederen")
    value = next(c for c in data["H"][1:] if c.value is not None)
    assert isinstance(value.value, int) and value.number_format == '"€ "#,##0" mln"'


def test_excel_shows_amounts_in_thousands_in_euros_and_prints_on_a4(published, tmp_path):
    """KWB/85036NED publish WOZ in thousands of euros: Excel gets euros (a number format cannot
    multiply, and "€ 271" would read as 271 euros), its unit says so; every sheet prints."""
    from openpyxl import load_workbook

    args = ["export", "woz_waarde_gemiddeld", "--regions", "Almelo", "--format", "xlsx"]
    for wide in ([], ["--wide"]):
        assert main([*args, *wide, "--out", str(tmp_path)]) == EXIT_OK
    long = load_workbook(tmp_path / "woz_waarde_gemiddeld_GM0141.xlsx")
    header = [c.value for c in long["jaren"][1]]
    row = next(
        r for r in long["jaren"].iter_rows(min_row=2) if r[header.index("periode")].value == "2023"
    )
    value = row[header.index("waarde")]
    assert value.value == 271_000 and value.number_format == '"€ "#,##0'
    assert row[header.index("eenheid")].value == "euro"
    explanation = list(long["toelichting"].iter_rows(values_only=True))
    assert ("woz_waarde_gemiddeld", "eenheid", "euro") in explanation
    wide = load_workbook(tmp_path / "woz_waarde_gemiddeld_GM0141_breed.xlsx")
    years = wide["jaren"]
    wide_header = [c.value for c in years[1]]
    assert years[2][wide_header.index("2023")].value == 271_000 and years[2][4].value == "euro"
    for book in (long, wide):
        for sheet in book.worksheets:
            setup = sheet.page_setup
            assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4
            assert setup.fitToWidth == 1 and sheet.print_title_rows == "$1:$1", sheet.title


def test_csv_for_dutch_excel(published, warehouse, tmp_path):
    """--format csv-nl: BOM, `;`, Dutch headers, decimal comma, figures rounded as CBS
    publishes them (no float noise, a whole figure with its decimals), WOZ in euros; the
    default CSV keeps full precision."""
    args = ["export", "jeugdhulp_in_natura_pct", "woz_waarde_gemiddeld", "--regions", "Almelo"]
    assert main([*args, "--format", "csv-nl", "--out", str(tmp_path)]) == EXIT_OK
    raw = (tmp_path / "jeugdhulp_in_natura_pct_en_1_meer_GM0141_excel-nl.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:3] == ["indicator", "regiocode", "regio"] and "waarde" in header
    rows = [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]]
    share = next(
        r for r in rows if r["indicator"] == "jeugdhulp_in_natura_pct" and r["periode"] == "2023"
    )
    expected = warehouse.execute(
        "select value from marts.indicator_values where indicator_id = 'jeugdhulp_in_natura_pct' "
        "and region_code = 'GM0141' and period = '2023'"
    ).fetchone()[0]
    assert share["waarde"] == f"{expected:.1f}".replace(".", ",")
    woz = next(
        r for r in rows if r["indicator"] == "woz_waarde_gemiddeld" and r["periode"] == "2023"
    )
    assert (woz["waarde"], woz["eenheid"]) == ("271000", "euro")
    # Each figure with its indicator's decimals, as CBS writes them: 3,0 beside 3,4, not 3.
    shares = [r["waarde"] for r in rows if r["indicator"] == "jeugdhulp_in_natura_pct"]
    assert shares and all(re.fullmatch(r"\d+,\d", v) for v in shares if v), shares
    assert any(v.endswith(",0") for v in shares), shares  # three round to a whole percentage
    assert all(
        re.fullmatch(r"\d+", r["waarde"])
        for r in rows
        if r["indicator"] != "jeugdhulp_in_natura_pct" and r["waarde"]
    )
    # Its toelichting in Dutch, for the same Excel: no JSON with English keys beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "jeugdhulp_in_natura_pct_en_1_meer_GM0141_excel-nl.csv",
        "jeugdhulp_in_natura_pct_en_1_meer_GM0141_toelichting_excel-nl.csv",
    ]
    explained = tmp_path / "jeugdhulp_in_natura_pct_en_1_meer_GM0141_toelichting_excel-nl.csv"
    assert explained.read_bytes().startswith(b"\xef\xbb\xbf")
    with explained.open(encoding="utf-8-sig") as file:
        explanation = list(csv.reader(file, delimiter=";"))
    assert explanation[0] == ["onderwerp", "veld", "toelichting"]
    definitie = warehouse.execute(
        "select definitie from marts.indicator_catalog where indicator_id = 'woz_waarde_gemiddeld'"
    ).fetchone()[0]
    assert ["woz_waarde_gemiddeld", "definitie", definitie] in explanation
    # the unit of the figures beside it, not CBS's thousands: a reader never multiplies twice
    assert ["woz_waarde_gemiddeld", "eenheid", "euro"] in explanation
    assert ["selectie", "regio's", "GM0141"] in explanation
    assert ["licentie", "", "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd"] in explanation
    assert ["kolom", "waarde", DUTCH_COLUMN_LEGEND["waarde"]] in explanation


def test_figures_from_others_than_cbs_are_credited_to_them(published, warehouse, tmp_path):
    """Eurostat's age groups, the ABF housing shortage Trendweb publishes and the woondeal's
    target are not CBS's figures: the licence line names them, and a printed sheet sends the
    reader to the toelichting."""
    from openpyxl import load_workbook

    args = ["export", "aandeel_65_plus_pct", "woningtekort_abf", "--regions", "PV23"]
    assert main([*args, "--format", "xlsx", "--out", str(tmp_path)]) == EXIT_OK
    [workbook] = tmp_path.glob("*.xlsx")
    book = load_workbook(workbook)
    explanation = {(r[0].value, r[1].value): r[2].value for r in book["toelichting"].iter_rows()}
    licence = explanation[("licentie", None)]
    # Overijssel's age groups come from Eurostat's file, its ABF figure from Trendweb: no CBS.
    assert licence == (
        "Bron: Bevolking op 1 januari naar geslacht en vijfjaarsleeftijdsgroep (Eurostat "
        "demo_r_pjangroup, cijfers van CBS) (Eurostat, Eurostat-download van ongeveer augustus "
        "2025 (exacte datum onbekend)); Trendweb 2025, Trendbureau Overijssel (ABF-methode); "
        "bewerking Overijssel Ontcijferd"
    )
    for sheet in book.worksheets:
        assert sheet.oddFooter.center.text.endswith("bronnen: zie het blad toelichting")
    # The catalog keeps two sources with commas in their names apart.
    assert warehouse.execute(
        "select source_tables from marts.indicator_catalog where indicator_id = 'woningtekort_abf'"
    ).fetchone()[0] == (
        "ABF Research (Primos), statistisch woningtekort, gepubliceerd door het ministerie van "
        "BZK; Trendweb 2025, Trendbureau Overijssel (ABF-methode)"
    )
    main(
        [
            "export",
            "woningvoorraad",
            "--regions",
            "PV23",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path),
        ]
    )
    cbs_only = load_workbook(tmp_path / "woningvoorraad_PV23.xlsx")
    assert cbs_only["jaren"].oddFooter.center.text.endswith("Bron: CBS (CC BY 4.0)")
    # Progress towards the woondeal divides CBS's homes by the Woondeal's target: both named.
    main(["export", "woondeal_voortgang_pct", "--regions", "PV23", "--out", str(tmp_path)])
    progress = json.loads((tmp_path / "woondeal_voortgang_pct_PV23.metadata.json").read_text())
    assert progress["licence"] == (
        "Bron: CBS (CC BY 4.0); Woondeal Overijssel (herzien april 2025); "
        "bewerking Overijssel Ontcijferd"
    )
    assert progress["indicators"][0]["source_tables"] == (
        "82550NED, 86054NED; Woondeal Overijssel (herzien april 2025)"
    )


def test_the_catalog_and_an_export_tell_the_same_sources_apart(warehouse):
    """Which parts of a source are CBS tables is decided twice: in SQL for the catalog
    (marts.indicator_catalog) and in Python for any selection of rows (delivery.metadata:
    sources_of, for exports and the report). On every indicator of the warehouse they agree."""
    catalog = dict(
        warehouse.execute(
            "select indicator_id, source_tables from marts.indicator_catalog"
        ).fetchall()
    )
    values = warehouse.execute("select indicator_id, source_table from marts.indicator_values").df()
    said = {}
    for indicator, rows in values.groupby("indicator_id"):
        tables, others = sources_of(rows)
        said[indicator] = "; ".join(([", ".join(tables)] if tables else []) + others)
    assert {i: s for i, s in catalog.items() if s != "nog geen cijfers"} == said
    assert sum(";" in s for s in said.values()) >= 3  # a CBS table beside another source, too


def test_excel_wide_keeps_years_and_half_years_apart_rounded_as_cbs(published, tmp_path):
    from openpyxl import load_workbook

    args = ["export", "jeugdhulp_in_natura_pct", "bevolking_totaal", "bevolking_index_2002"]
    code = main(
        [*args, "--regions", "PV23", "Zwolle", "--format", "xlsx", "--wide", "--out", str(tmp_path)]
    )
    assert code == EXIT_OK
    book = load_workbook(next(tmp_path.glob("*_breed.xlsx")))
    assert book.sheetnames == ["jaren", "halfjaren", "toelichting"]
    years, halves = book["jaren"], book["halfjaren"]
    header = [c.value for c in years[1]]
    assert header[:5] == ["indicator", "categorie", "regiocode", "regio", "eenheid"]
    assert "2025*" in header  # 1 January 2025 is provisional: StatLine's mark on the period
    assert all(re.fullmatch(r"\d{4}H[12]", c.value) for c in halves[1][5:])
    assert not any(re.fullmatch(r"\d{4}H[12]", str(c.value)) for c in years[1])
    rows = {(r[0].value, r[2].value): r for r in years.iter_rows(min_row=2)}
    pv23 = rows[("Bevolking op 1 januari", "PV23")]
    cell = pv23[header.index("2024")]
    assert cell.value == 1_189_033 and isinstance(cell.value, int) and cell.number_format == "#,##0"
    index = rows[("Bevolkingsindex (2002 = 100)", "PV23")][header.index("2024")]
    assert index.value == round(index.value, 1) and index.number_format == "#,##0.0"
    assert years.freeze_panes == "F2" and years.auto_filter.ref == years.dimensions
    explanation = {r[0].value: r[2].value for r in book["toelichting"].iter_rows(min_row=2)}
    assert explanation["indeling"].startswith("breed: regio's in rijen")
    # The long layout's status and methodebreuk columns, in the wide one: youth care's new CBS
    # table from 2021 breaks the series (a comment on that cell alone) ...
    youth = rows[("Jongeren met jeugdhulp in natura (%)", "PV23")]
    commented = [header[i] for i, cell in enumerate(youth) if cell.comment]
    assert commented == ["2021"] and "Methodebreuk" in youth[header.index("2021")].comment.text
    assert youth[header.index("2021")].value == 12.0
    # ... and a figure CBS withholds says so, where an empty cell would read as missing.
    wide = ["export", "export_goederen", "--format", "xlsx", "--wide", "--out", str(tmp_path)]
    assert main(wide) == EXIT_OK
    sheet = load_workbook(tmp_path / "export_goederen_breed.xlsx")["jaren"]
    goods = {r[2]: r[5:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert goods["PV24"] == ("geheim",) * 3 and goods["PV23"] == (22_598, 23_371, 25_119)
    assert main([*args, "--wide", "--out", str(tmp_path)]) == EXIT_USAGE  # csv stays tidy


def test_parquet_export(published, tmp_path):
    main(["export", "woningvoorraad", "--format", "parquet", "--out", str(tmp_path)])
    file = tmp_path / "woningvoorraad.parquet"
    frame = pd.read_parquet(file)
    assert frame.query("region_code == 'PV23' and period == '2024'")["value"].item() == 527_085
    # The file carries its toelichting, the sidecar's JSON, for whoever gets the file alone.
    [(carried,)] = duckdb.execute(
        "select decode(value) from parquet_kv_metadata(?) where decode(key) = ?",
        [str(file), PARQUET_METADATA_KEY],
    ).fetchall()
    assert carried == (tmp_path / "woningvoorraad.metadata.json").read_text()
    assert (
        json.loads(carried)["licence"] == "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd"
    )


@pytest.fixture
def dated(warehouse_path, tmp_path, monkeypatch):
    """A copy of the warehouse in which two CBS tables, 37230ned and 82550NED, and their
    figures have a release date — SYNTHETIC (26 June 2025), as live CBS gives them: the
    embedded snapshot carries none."""
    copy = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, copy)
    with duckdb.connect(str(copy)) as con:
        for table in ("37230ned", "82550NED"):
            release = [dt.date(2025, 6, 26), table]
            con.execute("update marts.cbs_tables set release_date = ? where table_id = ?", release)
            con.execute(
                "update marts.indicator_values set release_date = ? where source_table = ?",
                release,
            )
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(copy))


def test_parquet_exports_keep_the_warehouse_types(dated, tmp_path):
    """Files of different exports combine as one table: a selection without categories keeps
    `categorie` as text (not Arrow's null type), a release date stays a date."""
    tables = []
    for indicator in ("woningvoorraad", "export_aandeel_partner_referentie_pct"):
        args = ["export", indicator, "--regions", "PV23", "--format", "parquet"]
        assert main([*args, "--out", str(tmp_path)]) == EXIT_OK
        tables.append(pq.read_table(tmp_path / f"{indicator}_PV23.parquet"))
    housing, partners = tables
    assert housing.column("categorie").null_count == housing.num_rows
    assert partners.column("categorie").null_count == 0
    assert housing.schema.remove_metadata() == partners.schema.remove_metadata()
    assert housing.schema.field("categorie").type == pa.string()
    combined = pa.concat_tables(tables).to_pandas()
    stock = combined.query("indicator_id == 'woningvoorraad' and period == '2024'")
    assert stock["value"].item() == 527_085
    assert stock["release_date"].item() == dt.date(2025, 6, 26)


def test_exports_date_cbs_tables_as_their_readers_write_dates(dated, tmp_path):
    """A CBS table's publication date: 26-6-2025 for people (CSV for Dutch Excel, the
    toelichting), a date cell Excel sorts, 2025-06-26 for software; a table CBS gave no date is
    'onbekend' for people and null in the JSON (it was CBS's raw time stamp, and NaN — not JSON
    — where some tables had a date and others none)."""
    for fmt in ("csv", "csv-nl", "xlsx"):
        args = ["export", "bevolking_totaal", "--regions", "PV23", "--from", "2024"]
        assert main([*args, "--format", fmt, "--out", str(tmp_path)]) == EXIT_OK
    stem = tmp_path / "bevolking_totaal_PV23_2024-eind"

    def not_json(constant):
        raise ValueError(f"{constant} is not JSON")

    metadata = json.loads(Path(f"{stem}.metadata.json").read_text(), parse_constant=not_json)
    assert metadata["cbs_release_dates"]["37230ned"] == "2025-06-26"
    assert metadata["cbs_release_dates"]["03759ned"] is None
    software = pd.read_csv(f"{stem}.csv", dtype=str, keep_default_na=False)
    assert software["release_date"].tolist() == ["", "2025-06-26"]  # 2024: 03759ned, 2025: 37230ned
    people = Path(f"{stem}_excel-nl.csv").read_text(encoding="utf-8-sig").splitlines()
    assert people[1].endswith(";onbekend;;03759ned;") and people[2].endswith(";37230ned;26-6-2025")
    explained = Path(f"{stem}_toelichting_excel-nl.csv").read_text(encoding="utf-8-sig")
    assert "\nCBS-publicatiedatum;37230ned;26-6-2025\n" in explained
    assert "\nCBS-publicatiedatum;03759ned;onbekend (de bron geeft geen datum)\n" in explained
    assert re.search(r"\ngemaakt op;;\d{1,2}-\d{1,2}-20\d\d \d\d:\d\d \(UTC\)\n", explained)
    book = openpyxl.load_workbook(f"{stem}.xlsx")
    header = [c.value for c in book["jaren"][1]]
    dated = book["jaren"].cell(row=3, column=header.index("publicatiedatum") + 1)
    assert (dated.value, dated.number_format) == (dt.datetime(2025, 6, 26), "d-m-yyyy")
    assert book["jaren"].cell(row=2, column=dated.column).value is None
    assert ("CBS-publicatiedatum", "37230ned", "26-6-2025") in book["toelichting"].values


def test_unknown_indicator_or_region_is_a_usage_error_with_suggestions(published, tmp_path, capsys):
    assert main(["export", "bevolkin_totaal", "--out", str(tmp_path)]) == EXIT_USAGE
    assert "bedoelt u 'bevolking_totaal'" in capsys.readouterr().err
    assert main(["export", "bevolking_totaal", "--regions", "Zwole", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "bedoelt u" in err and "'Zwolle'" in err
    assert main(["indicators", "--theme", "wonn"]) == EXIT_USAGE
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_indicator_waiting_for_live_cbs_says_so(published, tmp_path, capsys):
    # The new poverty line is declared for live CBS (sources/registry.py) but not loaded.
    assert main(["export", "armoede_personen_pct", "--out", str(tmp_path)]) == EXIT_USAGE
    assert capsys.readouterr().err.strip() == (
        "ontcijferd: 'armoede_personen_pct' komt van live CBS: tabel 86131NED is aangekondigd "
        "maar nog niet geladen, tot `ontcijferd check-live` de sleutels heeft getoond en ze in "
        "sources/registry.py zijn bevestigd"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_catalog_lists_every_indicator_with_its_latest_period(published, capsys):
    assert main(["indicators", "--theme", "wonen"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "woningtekort_proxy" in out and "woondeal_doel" in out and "jeugdhulp" not in out
    # Researchers read the list: Dutch column names.
    assert out.split()[:6] == [
        "indicator",
        "titel",
        "eenheid",
        "thema",
        "bronnen",
        "laatste_periode",
    ]
    # An indicator without figures yet says so, not pandas' "NaN".
    assert main(["indicators", "--theme", "export"]) == EXIT_OK
    [partner] = [line for line in capsys.readouterr().out.splitlines() if "partner_pct" in line]
    assert partner.split()[-4:] == ["nog", "geen", "cijfers", "—"]


def test_no_published_warehouse(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["indicators"]) == EXIT_NO_WAREHOUSE
    assert "draai eerst `make run`" in capsys.readouterr().err


def test_reads_are_read_only(warehouse_path):
    with (
        open_published(Path(warehouse_path)) as con,
        pytest.raises(duckdb.InvalidInputException, match="read-only"),
    ):
        con.execute("create table marts.x (a int)")


def test_zwolle_from_2010_has_every_year(published, tmp_path):
    """`ontcijferd export bevolking_totaal --regions Zwolle --from 2010`: every year 2010–2025,
    nothing listed as not available."""
    args = ["export", "bevolking_totaal", "--regions", "Zwolle", "--from", "2010"]
    assert main([*args, "--format", "csv", "--out", str(tmp_path)]) == EXIT_OK
    [data] = tmp_path.glob("bevolking_totaal_*.csv")
    exported = pd.read_csv(data, dtype={"period": str})
    assert list(exported["period"]) == [str(year) for year in range(2010, 2026)]
    assert exported.loc[exported.period == "2010", "value"].item() == 119_030
    [sidecar] = tmp_path.glob("*.metadata.json")
    assert json.loads(sidecar.read_text())["not_available"] == []
