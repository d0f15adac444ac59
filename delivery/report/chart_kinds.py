"""The chart kinds a theme page is made of: a map of the focus province's gemeenten, a
ranking of them, and a series over time for a few regions — each with its Dutch lead question,
caption and CSV."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from delivery.formatting import shown_unit
from delivery.report import charts
from delivery.report.data import ReportData
from delivery.report.page import Page, period_words
from lifecycle.expectations import COUNT_UNITS


def without_figures(frame: pd.DataFrame, regions: pd.DataFrame) -> str:
    """What a map's caption says of the `regions` (code, name) without a figure in `frame`:
    ' (geen cijfer voor Losser, Ommen; geheim, CBS publiceert het cijfer niet: Flevoland)',
    those CBS withholds (status geheim) apart; nothing where every region has one."""
    with_value = set(frame.loc[frame["value"].notna(), "region_code"])
    withheld = set(frame.loc[frame["value"].isna() & (frame["status"] == "geheim"), "region_code"])
    absent = regions[~regions["region_code"].isin(with_value)]
    secret = absent["region_code"].isin(withheld)
    parts = []
    if names := sorted(absent.loc[~secret, "region_name"]):
        parts.append(f"geen cijfer voor {', '.join(names)}")
    if names := sorted(absent.loc[secret, "region_name"]):
        parts.append(f"geheim, CBS publiceert het cijfer niet: {', '.join(names)}")
    return f" ({'; '.join(parts)})" if parts else ""


def map_of(data: ReportData, page: Page, indicator: str, lead: str, name: str | None = None):
    # Counts are never compared between gemeenten, and a theme that is not compared
    # (bereikbaarheid) has no comparison: both map each gemeente's own value.
    counts = data.unit(indicator) in COUNT_UNITS
    frame = data.gemeente_values(indicator) if counts else data.compared(indicator)
    if frame.empty and not counts:
        frame = data.gemeente_values(indicator)
    if frame.empty or frame["value"].notna().sum() == 0:
        page.note(f"Nog geen cijfers per gemeente voor {data.title(indicator)}.")
        return
    period = frame["period"].iloc[0]
    nederland = frame["nederland_value"].dropna()
    reference = float(nederland.iloc[0]) if len(nederland) else None
    unit = data.unit(indicator)
    links = "gemeenten/{code}.html" if page.root == "" else "{code}.html"
    gemeenten = data.gemeenten
    chart = charts.choropleth(
        frame,
        f"{data.title(indicator)}, {period_words(period)}",
        unit,
        "gemeente_2025",
        reference,
        links=links,
    )
    page.add_chart(
        name or f"kaart_{indicator}",
        chart,
        frame,
        lead=lead,
        caption=f"Kaart van de {len(gemeenten)} gemeenten van {data.focus_name}, in vier "
        + (
            "klassen rond de waarde van Nederland (in de legenda)"
            if reference is not None
            else "klassen (kwartielen; een aantal hangt ook af van de grootte van de gemeente)"
            if counts
            else "klassen (kwartielen)"
        )
        # Gemeenten without a figure are grey on the map and named in its caption.
        + "; grijs: geen gegevens"
        + without_figures(frame, gemeenten)
        + ". Klik op een gemeente voor haar pagina. Eenheid: "
        + shown_unit(unit)
        + ". "
        + charts.MAP_CREDIT
        + ".",
    )


def ranking_of(data: ReportData, page: Page, indicator: str, lead: str) -> None:
    frame = data.compared(indicator).dropna(subset=["value"])
    if frame.empty:
        return
    unit = data.unit(indicator)
    period = frame["period"].iloc[0]
    # The lines the caption names are the ones drawn: a reference without a figure is said.
    has_nederland = frame["nederland_value"].notna().any()
    has_province = frame["provincie_value"].notna().any()
    page.add_chart(
        f"rang_{indicator}",
        charts.ranking(frame, f"{data.title(indicator)}, {period_words(period)}", unit),
        frame,
        lead=lead,
        caption="Elke gemeente met een cijfer, hoogste boven"
        + ("; stippellijn: Nederland" if has_nederland else "; voor Nederland is er geen cijfer")
        + (
            "; doorgetrokken lijn: " + data.focus_name
            if has_province
            else "; CBS publiceert hiervan geen provinciecijfer"
        )
        + f". Eenheid: {shown_unit(unit)}.",
    )


def trend_of(
    data: ReportData,
    page: Page,
    indicator: str,
    regions: list[str],
    lead: str,
    caption: str | Callable[[list[str]], str],
    zero: bool = False,
    name: str | None = None,
) -> None:
    """A series over time for `regions`. A caption that names the regions is a function of the
    names of those with figures; a region asked for without any is said in the caption, never
    left for the reader to look for."""
    frame = data.values(indicator, regions)
    if frame.empty:
        return
    unit = data.unit(indicator)
    if frame["period"].nunique() <= 2:
        chart = charts.bars_by_period(frame, data.title(indicator), unit, "region_name")
    else:
        chart = charts.trend(frame, data.title(indicator), unit, zero=zero)
    drawn = set(frame["region_code"])
    if callable(caption):
        caption = caption([data.region_name(r) for r in regions if r in drawn])
    absent = [data.region_name(r) for r in regions if r not in drawn]
    if absent:
        caption += f" Voor {' en '.join(absent)} zijn er geen cijfers."
    name = name or f"reeks_{indicator}"
    page.add_chart(
        name, chart, frame, lead=lead, caption=caption + f" Eenheid: {shown_unit(unit)}."
    )
