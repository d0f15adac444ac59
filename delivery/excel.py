"""Excel workbooks for researchers: figures as CBS publishes them, laid out to be read.

Years and half-years never share a sheet. Each value is rounded as CBS publishes it, in the
unit shown (a WOZ value in euros, not thousands: a number format cannot multiply) and given
that unit's number format (`delivery/formatting.py`), so counts show without decimals and
percentages with one; columns get widths, the header row is frozen and filterable, and every
sheet prints on A4 landscape, one page wide, with the header row on each page. The long layout
keeps the tidy columns of `marts.indicator_values` under Dutch headers; the wide layout puts
regions in rows and periods in columns, with StatLine's marks on the period headers
(* voorlopig, ** nader voorlopig), the word "geheim" where CBS withholds a figure (an empty cell
would read as missing) and a cell comment on the first period after a method break (the long
layout's status and methodebreuk columns). The `toelichting` sheet explains everything in Dutch.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from delivery.formatting import formula_like, shown_unit, shown_value, unit_format
from delivery.readable import catalog_decimals, explanation_rows, for_readers

PERIOD_TYPE_SHEETS = {
    "jaar": "jaren",
    "halfjaar": "halfjaren",
    "kwartaal": "kwartalen",
    "maand": "maanden",
}
STATUS_MARKS = {"voorlopig": "*", "nader voorlopig": "**"}
EXCEL_DATE = "d-m-yyyy"  # how a Dutch reader writes a date (delivery/formatting.py: dutch_date)
# In a wide sheet: the cell of a figure CBS withholds, and the comment on a method break's cell.
WITHHELD = "geheim"
BREAK_COMMENT = (
    "Methodebreuk: vanaf deze periode een andere bron of definitie, of een ander grondgebied "
    "(zie de toelichting); trek geen lijn over deze breuk."
)


def _append(sheet: Worksheet, values: list) -> list[Cell]:
    """A row below the sheet's last, and its cells; text that a spreadsheet would read as a
    formula (`=HYPERLINK(…)` as a region name) is stored as text, shown as it is and never run.
    The cells are made here and handed to `append`, not looked up afterwards: openpyxl finds a
    sheet's last row by looking at every cell, which made a workbook quadratic in its rows (the
    whole catalog, ~46,000 rows, was not written after ten minutes)."""
    cells = [Cell(sheet, value=value) for value in values]
    for cell in cells:
        if formula_like(cell.value):
            cell.data_type = "s"
    sheet.append(cells)
    return cells


def _finish(sheet: Worksheet, widths: list[int], frozen: str, metadata: dict) -> None:
    """Column widths, a frozen header, a filter on the header row, and a print setup: A4
    landscape, one page wide, the header row repeated, the sheet's name, page numbers and the
    source (other sources than CBS are too long for a footer: the toelichting names them)."""
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = frozen
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = f"Overijssel Ontcijferd — {sheet.title}"
    credit = (
        "bronnen: zie het blad toelichting"
        if metadata["other_sources"]
        else "Bron: CBS (CC BY 4.0)"
    )
    sheet.oddFooter.center.text = f"pagina &P van &N — {credit}"


def _long_sheet(book: Workbook, title: str, rows: pd.DataFrame, metadata: dict) -> None:
    sheet = book.create_sheet(title)
    decimals = catalog_decimals(metadata)
    readable = for_readers(rows, decimals)
    columns = list(readable.columns)
    _append(sheet, columns)
    value_column = list(rows.columns).index("value")
    date_column = list(rows.columns).index("release_date")
    for values, indicator, unit, released in zip(
        readable.itertuples(index=False),
        rows["indicator_id"],
        rows["unit"],
        rows["release_date"],
        strict=True,
    ):
        cells = _append(sheet, [None if pd.isna(v) else v for v in values])
        cells[value_column].number_format = unit_format(unit, decimals.get(indicator)).excel
        if pd.notna(released):  # a date Excel can sort and filter, shown as 26-6-2025
            cells[date_column].value = released.date()
            cells[date_column].number_format = EXCEL_DATE
    widths = [max(len(c), *(len(str(v)) for v in readable[c].head(500))) + 2 for c in columns]
    _finish(sheet, [min(w, 60) for w in widths], "A2", metadata)


def _wide_sheet(book: Workbook, title: str, rows: pd.DataFrame, metadata: dict) -> None:
    titles = {d["indicator_id"]: d["title"] for d in metadata["indicators"]}
    decimals = catalog_decimals(metadata)
    sheet = book.create_sheet(title)
    periods = sorted(rows["period"].unique())
    marks = {
        p: max((STATUS_MARKS.get(s, "") for s in rows.loc[rows["period"] == p, "status"]), key=len)
        for p in periods
    }
    keys = ["indicator_id", "categorie", "region_code", "region_name", "unit"]
    header = ["indicator", "categorie", "regiocode", "regio", "eenheid"]
    _append(sheet, header + [f"{p}{marks[p]}" for p in periods])
    ordered = rows.sort_values(["indicator_id", "categorie", "region_code"], na_position="first")
    for (indicator, categorie, code, name, unit), group in ordered.groupby(
        keys, sort=False, dropna=False
    ):
        figures = group.set_index("period")
        cells = []
        for p in periods:
            value = figures["value"].get(p)
            withheld = pd.isna(value) and figures["status"].get(p) == "geheim"
            cells.append(
                WITHHELD if withheld else shown_value(value, unit, decimals.get(indicator))
            )
        written = _append(
            sheet,
            [titles.get(indicator, indicator), categorie, code, name, shown_unit(unit)] + cells,
        )
        number_format = unit_format(unit, decimals.get(indicator)).excel
        for cell, p in zip(written[len(header) :], periods, strict=True):
            cell.number_format = number_format
            broken = figures["method_break"].get(p)
            if pd.notna(broken) and broken:
                cell.comment = Comment(BREAK_COMMENT, "Overijssel Ontcijferd")
    name_width = max([len(n) for n in rows["region_name"].dropna()] + [10]) + 2
    title_width = max([len(titles.get(i, i)) for i in rows["indicator_id"]] + [10]) + 2
    _finish(
        sheet, [min(title_width, 50), 12, 10, name_width, 16] + [12] * len(periods), "F2", metadata
    )


def write_workbook(data: pd.DataFrame, metadata: dict, path: Path, wide: bool) -> None:
    """The figures (one sheet per kind of period) and the `toelichting` sheet."""
    book = Workbook()
    book.remove(book.active)
    data = data.assign(categorie=data["categorie"].where(data["categorie"].notna(), None))
    for period_type, rows in data.groupby("period_type", sort=False):
        name = PERIOD_TYPE_SHEETS.get(period_type, period_type)
        if wide:
            _wide_sheet(book, name, rows, metadata)
        else:
            rows = rows.sort_values(["indicator_id", "region_code", "period"])
            _long_sheet(book, name, rows, metadata)
    _explanation_sheet(book, metadata, wide)
    book.save(path)


def _explanation_sheet(book: Workbook, metadata: dict, wide: bool) -> None:
    sheet = book.create_sheet("toelichting")
    for row in explanation_rows(metadata, "breed" if wide else "lang"):
        _append(sheet, list(row))
    _finish(sheet, [28, 24, 120], "A2", metadata)
