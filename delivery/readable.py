"""Files as people read them: the Dutch headers of an extract, its figures rounded as CBS
publishes them in the unit shown, and CSV that Dutch Excel opens as it is (the Excel workbook,
`ontcijferd export --format csv-nl` and the report's downloads). Tools get the full-precision
files of delivery/export.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from delivery.formatting import inert_text, shown_unit, shown_value, unit_format

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
    "period": ("periode", "periode: jaar (2024) of halfjaar (2024H1)"),
    "period_type": ("soort periode", "jaar, halfjaar, kwartaal of maand"),
    "value": (
        "waarde",
        "het cijfer; leeg waar CBS een periode maar geen cijfer publiceert, nooit nul",
    ),
    "unit": ("eenheid", "eenheid van het cijfer"),
    "status": ("status", "status van het cijfer (zie status_legend)"),
    "method_break": (
        "methodebreuk",
        "waar (true, ja) in de eerste periode na een wissel naar een tabel met een andere "
        "definitie, en in het jaar dat het grondgebied van de regio veranderde "
        "(reference.grenswijzigingen): trek geen lijn over die breuk zonder dat te zeggen",
    ),
    "source_table": ("bron", "CBS-tabel (of publicatie) waar het cijfer vandaan komt"),
    "release_date": (
        "publicatiedatum",
        "publicatiedatum van de CBS-tabel (TableInfos.Modified); leeg als de bron die niet geeft",
    ),
}
COLUMN_LEGEND = {name: words for name, (_, words) in COLUMNS.items()}
DUTCH_COLUMN_LEGEND = {dutch: words for dutch, words in COLUMNS.values()}


def for_readers(data: pd.DataFrame, metadata: dict) -> pd.DataFrame:
    """An extract as people read it (Excel, CSV for Excel-NL): Dutch headers, each figure
    rounded as CBS publishes it and in the unit shown (WOZ in euros, not thousands), a method
    break as "ja"."""
    decimals = catalog_decimals(metadata)
    readable = data.assign(
        value=[
            shown_value(v, u, decimals.get(i))
            for v, u, i in zip(data["value"], data["unit"], data["indicator_id"], strict=True)
        ],
        unit=[shown_unit(u) for u in data["unit"]],
        method_break=["ja" if b is True else "" for b in data["method_break"]],
    )
    return readable.astype({"value": object}).rename(
        columns={name: dutch for name, (dutch, _) in COLUMNS.items()}
    )


def catalog_decimals(metadata: dict) -> dict[str, int | None]:
    """Each indicator's own precision (catalog `decimalen`), where it has one."""
    return {
        d["indicator_id"]: None if pd.isna(d["decimalen"]) else int(d["decimalen"])
        for d in metadata["indicators"]
    }


def shown_decimals(data: pd.DataFrame, metadata: dict) -> list[int]:
    """Per row of an extract, the decimals its figure is shown with (`for_readers`)."""
    decimals = catalog_decimals(metadata)
    return [
        unit_format(u, decimals.get(i)).decimals
        for u, i in zip(data["unit"], data["indicator_id"], strict=True)
    ]


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


def write_csv_nl(frame: pd.DataFrame, path: Path, decimals: list[int] | None = None) -> None:
    """CSV for Excel with Dutch settings: `;` between fields, decimal comma, UTF-8 with a BOM
    (so Excel reads é and €), text that would be a formula made inert. With `decimals` (an
    extract of `for_readers`: `shown_decimals`), each figure of `waarde` keeps its decimals
    as CBS writes them — 2,0 beside 2,5, not 2."""
    cells = inert_text(frame).astype(object).map(_dutch_cell)
    if decimals is not None:
        cells["waarde"] = [
            "" if pd.isna(v) else f"{v + 0.0:.{d}f}".replace(".", ",")  # + 0.0: no "-0,0"
            for v, d in zip(frame["waarde"], decimals, strict=True)
        ]
    cells.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
