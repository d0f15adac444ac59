"""Files as people read them: the Dutch headers of an extract, its figures rounded as CBS
publishes them in the unit shown, and CSV that Dutch Excel opens as it is (the Excel workbook,
`ontcijferd export --format csv-nl` and the report's downloads). Tools get the full-precision
files of delivery/export.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from delivery.formatting import (
    dutch_date,
    dutch_time,
    inert_text,
    shown_unit,
    shown_value,
    unit_format,
)

# The columns of an extract: the name tools get (parquet, the default CSV) → the Dutch header
# people get (the Excel workbook, CSV for Excel-NL) and what the column holds.
COLUMNS = {
    "indicator_id": ("indicator", "indicator (zie de catalogus: ontcijferd indicators)"),
    "region_code": (
        "regiocode",
        "CBS-regiocode (NL01, PV23, CR12, GM0193) of woondealregio (WD01, WD02)",
    ),
    "region_name": ("regio", "naam van de regio in de indeling van 2025"),
    "region_level": ("regioniveau", "land, landsdeel, provincie, corop, woondeal of gemeente"),
    "categorie": (
        "categorie",
        "categorie binnen de indicator (bijvoorbeeld het partnerland); meestal leeg",
    ),
    "period": (
        "periode",
        "periode: jaar (2024), halfjaar (2024H1), kwartaal (2024Q1) of maand (2024M01)",
    ),
    "period_type": ("soort periode", "jaar, halfjaar, kwartaal of maand"),
    "value": (
        "waarde",
        "het cijfer; leeg waar CBS een periode maar geen cijfer publiceert, nooit nul",
    ),
    "unit": ("eenheid", "eenheid van het cijfer"),
    "status": (
        "status",
        "status van het cijfer; wat elke status betekent staat in de toelichting "
        "(status_legend in de metadata van csv en parquet)",
    ),
    "method_break": (
        "methodebreuk",
        "waar (true, ja) in de eerste periode na een wissel naar een tabel met een andere "
        "definitie, en in het jaar dat het grondgebied van de regio veranderde "
        "(reference.grenswijzigingen): trek geen lijn over die breuk zonder dat te zeggen",
    ),
    "source_table": ("bron", "CBS-tabel (of publicatie) waar het cijfer vandaan komt"),
    "release_date": (
        "publicatiedatum",
        "publicatiedatum van de CBS-tabel (TableInfos.Modified), de nieuwste als een cijfer uit "
        "meer tabellen komt; leeg als de bron die niet geeft",
    ),
}
COLUMN_LEGEND = {name: words for name, (_, words) in COLUMNS.items()}
DUTCH_COLUMN_LEGEND = {dutch: words for dutch, words in COLUMNS.values()}
# Further columns of the report's downloads and table views (delivery/report): the figures a
# chart sets beside the value, the pyramid's groups, a gemeente's regions.
CHART_COLUMNS = {
    "provincie_value": "waarde provincie",
    "nederland_value": "waarde Nederland",
    "verschil_nederland": "verschil met Nederland",
    "verschil_nederland_punten": "verschil met Nederland (procentpunt)",
    "ten_opzichte_van_nederland": "ten opzichte van Nederland",
    "rang": "plaats onder de gemeenten",
    "aantal_gemeenten_met_waarde": "gemeenten met een waarde",
    "reeks": "reeks",
    "geslacht": "geslacht",
    "leeftijdsgroep": "leeftijd",
    "leeftijdsgroep_start": "vanaf leeftijd",
    "personen": "personen",
    "aandeel_pct": "aandeel (%)",
    "corop_code": "COROP-regio",
    "woondeal_code": "woondealregio",
}
DUTCH_HEADERS = {name: dutch for name, (dutch, _) in COLUMNS.items()} | CHART_COLUMNS
# The columns holding a figure and the unit it is in; None: the row's own `unit`, at its
# indicator's precision (an aandeel_pct or a count of personen has its unit's own).
FIGURE_UNITS = {
    "value": None,
    "provincie_value": None,
    "nederland_value": None,
    "verschil_nederland": None,
    "verschil_nederland_punten": None,
    "personen": "personen",
    "aandeel_pct": "%",
}
# Helpers of the report's frames that readers do not need: the figures show their precision.
NOT_SHOWN = ("decimalen",)


def for_readers(data: pd.DataFrame, decimals: Mapping[str, int | None]) -> pd.DataFrame:
    """Figures as people read them (Excel, CSV for Excel-NL, the report's downloads): Dutch
    headers, each figure rounded as CBS publishes it and in the unit shown (WOZ in euros, not
    thousands), a method break as "ja". `decimals`: each indicator's precision
    (`catalog_decimals`). A column without a Dutch header is refused, not shown in English."""
    unknown = [c for c in data.columns if c not in DUTCH_HEADERS and c not in NOT_SHOWN]
    if unknown:
        raise ValueError(f"no Dutch header for column(s) {', '.join(unknown)} (readable.py)")
    shown = {
        column: [shown_value(v, u, d) for v, (u, d) in zip(data[column], units, strict=True)]
        for column, units in _figure_units(data, decimals).items()
    }
    readable = data.drop(columns=[c for c in NOT_SHOWN if c in data]).assign(**shown)
    if "unit" in data:
        readable["unit"] = [shown_unit(u) for u in data["unit"]]
    if "method_break" in data:
        readable["method_break"] = ["ja" if b is True else "" for b in data["method_break"]]
    if "release_date" in data:
        readable["release_date"] = [
            None if pd.isna(d) else dutch_date(d) for d in data["release_date"]
        ]
    return readable.astype({c: object for c in shown}).rename(columns=DUTCH_HEADERS)


def catalog_decimals(metadata: dict) -> dict[str, int | None]:
    """Each indicator's own precision (catalog `decimalen`), where it has one."""
    return {
        d["indicator_id"]: None if pd.isna(d["decimalen"]) else int(d["decimalen"])
        for d in metadata["indicators"]
    }


def _figure_units(data: pd.DataFrame, decimals: Mapping[str, int | None]) -> dict[str, list]:
    """Per figure column of `data`, each row's (unit, decimals) as FIGURE_UNITS says."""
    none = [None] * len(data)
    own = [decimals.get(i) for i in data["indicator_id"]] if "indicator_id" in data else none
    row_units = list(zip(data.get("unit", none), own, strict=True))
    return {
        column: row_units if unit is None else [(unit, None)] * len(data)
        for column, unit in FIGURE_UNITS.items()
        if column in data
    }


def _dutch_cell(value) -> str:
    """A cell as Dutch Excel reads it: decimal comma and no thousands separator (Excel-NL would
    read 1.189 as a fraction), at most 12 significant digits (no float noise), empty if missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return format(float(value), ".12g").replace(".", ",")
    return str(value)


def write_csv_nl(data: pd.DataFrame, path: Path, decimals: Mapping[str, int | None]) -> None:
    """`data` as people read it (`for_readers`; `decimals`: each indicator's precision) in CSV
    for Excel with Dutch settings: `;` between fields, decimal comma, UTF-8 with a BOM (so
    Excel reads é and €), text that would be a formula made inert, each figure with its
    decimals as CBS writes them — 2,0 beside 2,5, not 2."""
    readable = for_readers(data, decimals)
    cells = inert_text(readable).astype(object).map(_dutch_cell)
    for column, units in _figure_units(data, decimals).items():
        dutch = DUTCH_HEADERS[column]
        cells[dutch] = [
            "" if pd.isna(v) else f"{v + 0.0:.{unit_format(u, d).decimals}f}".replace(".", ",")
            for v, (u, d) in zip(readable[dutch], units, strict=True)
        ]  # + 0.0: no "-0,0"
    cells.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


def write_text_csv_nl(rows: list[tuple], path: Path) -> None:
    """Rows of text with a header row first (the toelichting) in the dialect of `write_csv_nl`:
    `;`, UTF-8 with a BOM, formulas made inert."""
    header, *body = rows
    cells = inert_text(pd.DataFrame(body, columns=list(header), dtype=object))
    cells.map(_dutch_cell).to_csv(path, sep=";", index=False, encoding="utf-8-sig")


# What a status means, in Dutch: in the JSON metadata and the toelichting alike.
STATUS_LEGEND = {
    "definitief": "definitief CBS-cijfer",
    "voorlopig": "voorlopig CBS-cijfer (* op StatLine); CBS kan het nog herzien",
    "nader voorlopig": "nader voorlopig CBS-cijfer (** op StatLine); CBS kan het nog herzien",
    "onbekend": "de bron vermeldt de status niet (zoals de ingebouwde CBS-gegevens)",
    "geheim": "door CBS geheimgehouden; de waarde is leeg, nooit nul",
    "n.v.t.": "geen CBS-periode: een beleidsdoel of een cijfer van een andere publicatie",
}


def release_words(date: dt.date | None) -> str:
    """A CBS table's publication date as a reader gets it; the source may give none (the
    embedded snapshot)."""
    return "onbekend (de bron geeft geen datum)" if date is None else dutch_date(date)


# The catalog's fields as the toelichting names them.
DEFINITION_WORDS = {
    "title": "titel",
    "definitie": "definitie",
    "unit": "eenheid",
    "decimalen": "decimalen (leeg: zoals de eenheid)",
    "theme": "thema",
    "source_kind": "soort bron",
    "source_tables": "brontabellen",
    "peildatum": "peildatum",
    "toelichting": "methode en kanttekeningen",
}


# How the figures of a file are laid out, as the toelichting says it.
LAYOUTS = {
    "lang": "lang: één rij per indicator, regio en periode",
    "breed": "breed: regio's in rijen, perioden in kolommen; * voorlopig, ** nader voorlopig in "
    "de kop van een periode met zulke cijfers; 'geheim' waar CBS het cijfer geheimhoudt (een lege "
    "cel: geen cijfer); een opmerking bij een cel markeert een methodebreuk vanaf die periode",
    "rapport": "de cijfers van het rapport (map cijfers/): een bestand per grafiek, met de "
    "cijfers die zij tekent, en een per indicator, met al zijn cijfers; één rij per regio en "
    "periode",
}


def explanation_rows(metadata: dict, layout: str = "lang") -> list[tuple]:
    """The toelichting in Dutch, one row per item (onderwerp, veld, toelichting; a header row
    first): the `toelichting` sheet of a workbook, the toelichting beside a csv-nl file and
    beside the report's downloads. `layout`: one of LAYOUTS."""
    selection = metadata["selection"]
    rows = [
        ("onderwerp", "veld", "toelichting"),
        ("gemaakt op", "", dutch_time(dt.datetime.fromisoformat(metadata["generated_at"]))),
        ("licentie", "", metadata["licence"]),
        ("selectie", "indicatoren", ", ".join(selection["indicators"])),
        (
            "selectie",
            "regio's",
            "alle" if selection["regions"] == "all" else ", ".join(selection["regions"]),
        ),
        ("selectie", "periode", f"{selection['from'] or 'begin'} t/m {selection['to'] or 'eind'}"),
        ("indeling", "", LAYOUTS[layout]),
        (
            "afronding",
            "",
            "cijfers zijn afgerond zoals CBS ze publiceert: aantallen in hele "
            "getallen, percentages en verhoudingen met één decimaal; bedragen die CBS in "
            "duizenden euro's publiceert (zoals de WOZ-waarde) staan hier in euro's, "
            "met de eenheid euro",
        ),
    ]
    for missing in metadata["not_available"]:
        rows.append(("geen gegevens", "", missing))
    for definition in metadata["indicators"]:
        rows += [
            (
                definition["indicator_id"],
                DEFINITION_WORDS.get(field, field),
                # the unit of the figures beside it: euro where CBS gives thousands of euros
                shown_unit(definition[field]) if field == "unit" else definition[field],
            )
            for field in definition
            if field != "indicator_id"
        ]
    if metadata.get("source_kind_legend"):  # absent where the warehouse has no comments
        rows.append(("soort bron", "", metadata["source_kind_legend"]))
    rows += [("status", status, words) for status, words in STATUS_LEGEND.items()]
    rows += [
        ("CBS-publicatiedatum", table, release_words(date))
        for table, date in metadata["cbs_release_dates"].items()
    ]
    if layout != "breed":
        rows += [("kolom", column, words) for column, words in DUTCH_COLUMN_LEGEND.items()]
    return [
        tuple(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for v in row)
        for row in rows
    ]
