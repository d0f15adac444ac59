"""Numbers as Dutch readers write them: 1.189.033; 10,5 %; € 355.000 — the one place for units
and precision (the notation itself: sources/notation.py).

Every figure a researcher reads (report pages, chart axes and tooltips, Excel cells) is
formatted from the indicator's unit by the rules below, so a page and its Excel file never
disagree. Decimals follow what CBS publishes: counts whole, percentages and ratios with one
decimal, household size with two; an indicator CBS publishes with other precision says so in
the catalog (`decimalen`, e.g. KWB's whole percentages), which overrides its unit's default.
Charts get the same rules as d3-format strings plus Vega's Dutch number locale (`VEGA_LOCALE`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from sources.notation import missing, number


def dutch_date(moment: dt.date) -> str:
    """A date as Dutch readers write it: 26-6-2025."""
    return moment.strftime("%-d-%-m-%Y")


def dutch_time(moment: dt.datetime) -> str:
    """A moment in UTC as Dutch readers write it: 26-11-2026 17:50 (UTC)."""
    return f"{dutch_date(moment)} {moment:%H:%M} (UTC)"


@dataclass(frozen=True)
class UnitFormat:
    decimals: int
    prefix: str = ""  # e.g. "€ "
    suffix: str = ""  # e.g. " %" or " km"
    factor: float = 1  # the unit's multiple: "x 1.000 euro" is shown in euros
    shown_unit: str | None = None  # the unit of the value as shown, where `factor` changes it

    @property
    def excel(self) -> str:
        """The Excel number format (Excel shows it in the reader's own locale)."""
        digits = "#,##0" + ("." + "0" * self.decimals if self.decimals else "")
        prefix = f'"{self.prefix}"' if self.prefix else ""
        suffix = f'"{self.suffix}"' if self.suffix else ""
        return f"{prefix}{digits}{suffix}"


COUNT = UnitFormat(0)
ONE_DECIMAL = UnitFormat(1)
UNIT_FORMATS: dict[str, UnitFormat] = {
    "personen": COUNT,
    "woningen": COUNT,
    "huishoudens": COUNT,
    "inwoners per km²": COUNT,
    "woningen per jaar": COUNT,
    "%": UnitFormat(1, suffix=" %"),
    "index (2002=100)": ONE_DECIMAL,
    "index (2020=100)": ONE_DECIMAL,
    "kinderen per vrouw": UnitFormat(2),
    "personen per huishouden": UnitFormat(2),
    "per 100 personen van 20-64 jaar": ONE_DECIMAL,
    "auto's per huishouden": ONE_DECIMAL,
    "km": UnitFormat(1, suffix=" km"),
    "km per persoon per dag": UnitFormat(1, suffix=" km"),
    "auto's": COUNT,
    "auto's per 1.000 inwoners": COUNT,
    "x 1.000 euro": UnitFormat(0, prefix="€ ", factor=1000, shown_unit="euro"),
    "mln euro": UnitFormat(0, prefix="€ ", suffix=" mln"),
    "euro": UnitFormat(0, prefix="€ "),
}


def unit_format(unit: str | None, decimals: int | None = None) -> UnitFormat:
    """The format of a unit, with an indicator's own precision where the catalog gives one; an
    unknown unit shows one decimal rather than guessing."""
    fmt = UNIT_FORMATS.get(unit or "", ONE_DECIMAL)
    return fmt if missing(decimals) else replace(fmt, decimals=int(decimals))


def shown_value(value: float | None, unit: str | None, decimals: int | None = None):
    """The value as a reader gets it in a file: in the unit shown (a WOZ value of 210 thousand
    euro as 210000), rounded as CBS publishes it, a whole number as int; missing → None."""
    if missing(value):
        return None
    fmt = unit_format(unit, decimals)
    value = float(value) * fmt.factor
    return int(round(value)) if fmt.decimals == 0 else round(value, fmt.decimals)


def shown_unit(unit: str | None) -> str | None:
    """The unit of `shown_value`: "euro" for "x 1.000 euro", else the unit itself."""
    return unit_format(unit).shown_unit or unit


# Between a number and its unit: a line never breaks inside "20,7 %" or "€ 355.000".
NO_BREAK = "\u00a0"


def figure(value: float | None, unit: str | None, decimals: int | None = None) -> str:
    """A value with its unit as a Dutch reader expects: '10,5 %', '€ 355.000', '1.189.033' (the
    space inside is a no-break space)."""
    fmt = unit_format(unit, decimals)
    if missing(value):
        return "geen gegevens"
    text = f"{fmt.prefix}{number(value * fmt.factor, fmt.decimals)}{fmt.suffix}"
    return text.replace(" ", NO_BREAK)


def change(value: float | None, unit: str | None, decimals: int | None = None) -> str:
    """A difference with its sign: '+6.759', '−0,4 procentpunt'."""
    if missing(value):
        return "–"
    fmt = unit_format(unit, decimals)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    shown = number(abs(value) * fmt.factor, fmt.decimals)
    suffix = " procentpunt" if unit == "%" else fmt.suffix
    return f"{sign}{fmt.prefix}{shown}{suffix}".replace(" ", NO_BREAK)


def d3_format(unit: str | None, decimals: int | None = None) -> str:
    """The d3-format string for a unit's axis labels and tooltips (with VEGA_LOCALE)."""
    return f",.{unit_format(unit, decimals).decimals}f"


# Vega's number locale for Dutch: decimal comma, thousands point.
VEGA_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert_text(frame: pd.DataFrame) -> pd.DataFrame:
    """For a CSV: text cells that a spreadsheet would run as a formula get a leading `'`, as
    OWASP advises (a region or source name from outside never becomes a formula)."""
    text_columns = [c for c in frame.columns if frame[c].dtype in (object, "string")]
    return frame.assign(
        **{c: frame[c].map(lambda v: f"'{v}" if formula_like(v) else v) for c in text_columns}
    )
