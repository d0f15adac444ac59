"""The theme pages (bevolking, wonen, jeugdhulp, armoede, export, economie, arbeid,
bereikbaarheid, kerncijfers): the page frame — its question, the charts of chapters.py, and the
theme's full indicator list with downloads."""

from __future__ import annotations

import pandas as pd

from delivery.formatting import figure
from delivery.report.chapters import THEMES
from delivery.report.data import NEDERLAND, ReportData
from delivery.report.page import Page, period_words

THEME_INTROS = {
    "bevolking": "Hoe groeit en vergrijst de bevolking van {focus}, naast Nederland?",
    "wonen": "Hoeveel woningen komen erbij, hoe groot is het tekort en hoe ver is de woondeal?",
    "jeugdhulp": "Hoeveel jongeren krijgen jeugdhulp, en welke gemeenten wijken af?",
    "armoede": "Hoeveel huishoudens leven van een laag inkomen, en waar?",
    "export": "Hoeveel goederen voeren de bedrijven in {focus} uit, naast de andere provincies?",
    "economie": "Hoe hard groeit de economie van {focus}, naast Nederland?",
    "arbeid": "Hoeveel mensen werken er, hoeveel zoeken werk, en in welke gemeenten?",
    "bereikbaarheid": "Hoe ver wonen de inwoners van {focus} van voorzieningen, en hoeveel "
    "reizen ze?",
    "kerncijfers": "Hoe verhouden de gemeenten zich tot Nederland op wonen, inkomen, auto's, "
    "voorzieningen en dichtheid?",
}


def theme_page(data: ReportData, file: str, title: str, theme: str) -> Page:
    page = Page(file, title, "theme", release_dates=data.release_dates)
    THEMES[theme](data, page)
    page.context.update(
        intro=THEME_INTROS[theme].format(focus=data.focus_name),
        indicators=indicator_rows(data, page, theme),
    )
    return page


def indicator_rows(data: ReportData, page: Page, theme: str) -> list[dict]:
    """Per catalog indicator of the theme: the latest period with the focus or Nederland,
    both values in Dutch notation, and a CSV with every row of the indicator."""
    rows = []
    for indicator, entry in data.theme_indicators(theme).iterrows():
        every = data.every_value(indicator)
        csv = f"cijfers/{indicator}.csv"
        page.downloads[csv] = every
        shown = every[every["region_code"].isin([data.focus, NEDERLAND]) & every["value"].notna()]
        if shown.empty:
            latest, focus_value, nl_value, status = "–", "geen gegevens", "geen gegevens", ""
        else:
            yearly = shown[shown["period_type"] == "jaar"]
            shown = yearly if not yearly.empty else shown
            latest = shown["period"].max()
            at = shown[shown["period"] == latest]
            focus_value, nl_value = (
                _cell(at, region, entry["unit"], data.decimals(indicator))
                for region in (data.focus, NEDERLAND)
            )
            status = ", ".join(sorted(set(at["status"])))
        rows.append(
            {
                "title": entry["title"],
                "definition": entry["definitie"],
                "period": period_words(latest),
                "focus": focus_value,
                "nederland": nl_value,
                "status": status,
                "sources": entry["source_tables"],
                "csv": csv,
            }
        )
    return rows


def _cell(rows: pd.DataFrame, region: str, unit: str, decimals: int | None) -> str:
    """One region's figure for a table cell; an indicator per category (partner country) has
    several, which the CSV lists."""
    own = rows[rows["region_code"] == region]
    if own.empty:
        return "geen cijfer"
    if len(own) > 1:
        return f"{len(own)} categorieën (zie CSV)"
    return figure(own["value"].iloc[0], unit, decimals)
