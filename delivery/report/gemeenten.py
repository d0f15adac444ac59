"""The gemeenten: an index with a locator map, and a page per gemeente with its latest figures
beside the province and Nederland."""

from __future__ import annotations

import pandas as pd

from delivery.formatting import figure, number
from delivery.report import charts
from delivery.report.data import NEDERLAND, ReportData
from delivery.report.page import Page, period_words
from delivery.report.site import MAP_CREDIT

# The source of the gemeenten's boundaries and membership, credited under the locator maps.
GEBIEDEN_TABLE = "86059NED"


def gemeenten_index(data: ReportData) -> Page:
    page = Page("gemeenten.html", "Gemeenten", "gemeenten")
    population = data.latest_population()
    rows = []
    for g in data.gemeenten.itertuples():
        at = population.loc[g.region_code] if g.region_code in population.index else None
        rows.append(
            {
                "name": g.region_name,
                "link": f"gemeenten/{g.region_code}.html",
                "population": figure(at["value"], "personen") if at is not None else "–",
                "period": f"1 januari {at['period']}" if at is not None else "",
            }
        )
    page.add_chart(
        "kaart_gemeenten",
        charts.locator(data.gemeenten, "", "gemeente_2025", "gemeenten/{code}.html").properties(
            title=f"De gemeenten van {data.focus_name}"
        ),
        data.gemeenten.assign(status="n.v.t.", source_table=GEBIEDEN_TABLE),
        lead="Waar ligt welke gemeente?",
        caption="Klik op een gemeente voor haar pagina. " + MAP_CREDIT + ".",
    )
    page.context.update(gemeenten=rows)
    return page


def gemeente(data: ReportData, code: str) -> Page:
    g = data.gemeenten.set_index("region_code").loc[code]
    page = Page(f"gemeenten/{code}.html", g["region_name"], "gemeente", root="../")
    rows = data.gemeente_latest(code)
    headline = _population_row(data, code) + [
        {
            "title": r.title,
            "definition": r.definitie,
            "period": period_words(r.period),
            "value": figure(r.value, r.unit, r.decimalen),
            "provincie": figure(r.provincie_value, r.unit, r.decimalen)
            if pd.notna(r.provincie_value)
            else "geen provinciecijfer",
            "nederland": figure(r.nederland_value, r.unit, r.decimalen),
            "rank": f"{int(r.rang)}e van {int(r.aantal_gemeenten_met_waarde)}"
            if pd.notna(r.rang)
            else "",
            "status": r.status,
        }
        for r in rows.itertuples()
    ]
    page.add_chart(
        f"ligging_{code}",
        charts.locator(data.gemeenten, code, "gemeente_2025", "{code}.html").properties(
            title=f"{g['region_name']} in {data.focus_name}"
        ),
        data.gemeenten.assign(status="n.v.t.", source_table=GEBIEDEN_TABLE),
        lead=f"Waar ligt {g['region_name']}?",
        caption="Klik op een andere gemeente voor haar pagina. " + MAP_CREDIT + ".",
    )
    woondeal = data.region_name(g["woondeal_code"]) if g["woondeal_code"] else None
    page.context.update(
        name=g["region_name"],
        headline=headline,
        differences=_largest_differences(rows),
        corop_name=f"COROP-gebied {data.region_name(g['corop_code'])}",
        woondeal_name=woondeal,
    )
    return page


def _population_row(data: ReportData, code: str) -> list[dict]:
    population = data.values("bevolking_totaal", [code, data.focus, NEDERLAND])
    if population.empty:
        return []
    latest = population[population["region_code"] == code]["period"].max()
    at = population[population["period"] == latest].set_index("region_code")["value"]
    own = population[(population["region_code"] == code) & (population["period"] == latest)]
    return [
        {
            "title": "Bevolking op 1 januari",
            "definition": data.catalog.loc["bevolking_totaal", "definitie"],
            "period": latest,
            "value": figure(at.get(code), "personen"),
            "provincie": figure(at.get(data.focus), "personen"),
            "nederland": figure(at.get(NEDERLAND), "personen"),
            "rank": "",
            "status": own["status"].iloc[0],
        }
    ]


def _largest_differences(rows: pd.DataFrame) -> list[dict]:
    """The five figures that differ most from Nederland's, relatively."""
    relative = rows[rows["nederland_value"].fillna(0) != 0].assign(
        afwijking=lambda f: (f["value"] - f["nederland_value"]) / f["nederland_value"].abs()
    )
    largest = relative.reindex(relative["afwijking"].abs().sort_values(ascending=False).index)
    return [
        {
            "title": r.title,
            "value": figure(r.value, r.unit, r.decimalen),
            "nederland": figure(r.nederland_value, r.unit, r.decimalen),
            "period": period_words(r.period),
            "direction": f"{number(abs(r.afwijking) * 100)} % "
            + ("hoger" if r.afwijking > 0 else "lager"),
        }
        for r in largest.head(5).itertuples()
    ]
