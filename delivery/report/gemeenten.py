"""The gemeenten: an index with a locator map, and a page per gemeente: its main series over
time beside the province and Nederland, its latest figures beside the province, Nederland and
the gemeenten nearest in size (named), each with its period (an old one marked), and where it
differs most from Nederland (shares in percentage points)."""

from __future__ import annotations

from functools import partial

import pandas as pd

from delivery.formatting import change, figure, number
from delivery.report import charts
from delivery.report.chart_kinds import trend_of
from delivery.report.data import NEDERLAND, ReportData
from delivery.report.page import Page, period_words, sources

# The source of the gemeenten's boundaries and membership, credited under the locator maps.
GEBIEDEN_TABLE = "86059NED"
# A gemeente's main series on its page: indicator → the question its chart answers.
SERIES = {
    "bevolking_index_2002": "Groeit {name} sneller of langzamer dan {focus} en Nederland?",
    "woningvoorraad": "Hoeveel woningen staan er in {name}?",
    "jeugdhulp_in_natura_pct": "Krijgen in {name} meer of minder jongeren jeugdhulp?",
    "werkloosheid_pct": "Hoe ontwikkelt de werkloosheid in {name} zich?",
    "inkomen_per_inwoner": "Hoe ontwikkelt het inkomen in {name} zich?",
}
# A figure whose period is this many years or more behind the newest any gemeente has is marked.
OLD_AFTER_YEARS = 3


def gemeenten_index(data: ReportData) -> Page:
    page = Page("gemeenten.html", "Gemeenten", "gemeenten", release_dates=data.release_dates)
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
        caption="Klik op een gemeente voor haar pagina. " + charts.MAP_CREDIT + ".",
    )
    page.context.update(gemeenten=rows)
    return page


def gemeente(data: ReportData, code: str) -> Page:
    g = data.gemeenten.set_index("region_code").loc[code]
    page = Page(
        f"gemeenten/{code}.html",
        g["region_name"],
        "gemeente",
        root="../",
        release_dates=data.release_dates,
    )
    rows = data.gemeente_latest(code)
    similar = data.similar_gemeenten(code)
    similar_rows = {c: data.gemeente_latest(c).set_index("indicator_id") for c in similar}
    population_row, population = _population_row(data, code)
    headline = population_row + [
        {
            "title": r.title,
            "definition": r.definitie,
            "period": _period_marked(r.period, r.nieuwste_periode),
            "value": figure(r.value, r.unit, r.decimalen),
            "provincie": figure(r.provincie_value, r.unit, r.decimalen)
            if pd.notna(r.provincie_value)
            else "geen provinciecijfer",
            "nederland": figure(r.nederland_value, r.unit, r.decimalen),
            "similar": _similar_figure(similar_rows, r),
            "rank": f"{int(r.rang)}e van {int(r.aantal_gemeenten_met_waarde)}"
            if pd.notna(r.rang)
            else "",
            "status": r.status,
            "source": sources(rows.loc[[r.Index]]),
        }
        for r in rows.itertuples()
    ]
    # the gemeente's own figures in the table
    figures = pd.concat([population, rows]) if len(population) else rows
    page.shown.append(figures)
    page.add_chart(
        f"ligging_{code}",
        charts.locator(data.gemeenten, code, "gemeente_2025", "{code}.html").properties(
            title=f"{g['region_name']} in {data.focus_name}"
        ),
        data.gemeenten.assign(status="n.v.t.", source_table=GEBIEDEN_TABLE),
        lead=f"Waar ligt {g['region_name']}?",
        caption="Klik op een andere gemeente voor haar pagina. " + charts.MAP_CREDIT + ".",
    )
    name = g["region_name"]
    for indicator, lead in SERIES.items():
        trend_of(
            data,
            page,
            indicator,
            [code, data.focus, NEDERLAND] if indicator != "woningvoorraad" else [code],
            lead=lead.format(name=name, focus=data.focus_name),
            caption=partial(_series_caption, data.title(indicator)),
            name=f"{code}_{indicator}",
        )
    woondeal = data.region_name(g["woondeal_code"]) if g["woondeal_code"] else None
    page.context.update(
        name=g["region_name"],
        headline=headline,
        headline_released=page.cite(figures)["released"],
        differences=_largest_differences(rows),
        corop_name=f"COROP-gebied {data.region_name(g['corop_code'])}",
        similar_names=", ".join(data.region_name(c) for c in similar),
        woondeal_name=woondeal,
    )
    return page


def _series_caption(title: str, drawn: list[str]) -> str:
    """'Werkloosheid (%): Almelo naast Overijssel en Nederland, per jaar.' — only the regions
    drawn (trend_of names those without figures)."""
    first, others = drawn[0], drawn[1:]
    return f"{title}: {first}" + (f" naast {' en '.join(others)}" if others else "") + ", per jaar."


def _population_row(data: ReportData, code: str) -> tuple[list[dict], pd.DataFrame]:
    """The table's first row, the gemeente's latest population, and the figure it shows."""
    population = data.values("bevolking_totaal", [code, data.focus, NEDERLAND])
    if code not in set(population["region_code"]):
        return [], population.iloc[:0]  # no population figure for the gemeente: no row
    latest = population[population["region_code"] == code]["period"].max()
    at = population[population["period"] == latest].set_index("region_code")["value"]
    own = population[(population["region_code"] == code) & (population["period"] == latest)]
    row = {
        "title": "Bevolking op 1 januari",
        "definition": data.catalog.loc["bevolking_totaal", "definitie"],
        "period": latest,
        "value": figure(at.get(code), "personen"),
        "provincie": figure(at.get(data.focus), "personen"),
        "nederland": figure(at.get(NEDERLAND), "personen"),
        "rank": "",
        "similar": "",
        "status": own["status"].iloc[0],
        "source": sources(own),
    }
    return [row], own


def _period_marked(period: str, newest: str) -> str:
    """The period in words, marked when it is years behind the newest any gemeente has."""
    behind = int(str(newest)[:4]) - int(str(period)[:4])
    words = period_words(period)
    return f"{words} (oud: nieuwste is {newest})" if behind >= OLD_AFTER_YEARS else words


def _similar_figure(similar_rows: dict[str, pd.DataFrame], row) -> str:
    """The median of the gemeenten nearest in size, for the same indicator and period."""
    values = [
        rows.loc[row.indicator_id, "value"]
        for rows in similar_rows.values()
        if row.indicator_id in rows.index and rows.loc[row.indicator_id, "period"] == row.period
    ]
    if not values:
        return "–"
    return figure(pd.Series(values).median(), row.unit, row.decimalen)


def _largest_differences(rows: pd.DataFrame) -> list[dict]:
    """The five figures that differ most from Nederland's, weighed by how far the gemeenten's
    figures spread (so a small share's difference is not overstated); shares differ in
    percentage points, other figures in percent."""
    weighed = rows[rows["nederland_value"].notna() & (rows["spreiding"].fillna(0) > 0)].assign(
        afwijking=lambda f: (f["value"] - f["nederland_value"]) / f["spreiding"]
    )
    largest = weighed.reindex(weighed["afwijking"].abs().sort_values(ascending=False).index)
    return [
        {
            "title": r.title,
            "value": figure(r.value, r.unit, r.decimalen),
            "nederland": figure(r.nederland_value, r.unit, r.decimalen),
            "period": period_words(r.period),
            "direction": _difference_words(r),
        }
        for r in largest.head(5).itertuples()
    ]


def _difference_words(r) -> str:
    higher = "hoger" if r.value > r.nederland_value else "lager"
    if r.unit == "%":
        return f"{change(abs(r.value - r.nederland_value), '%', 1).lstrip('+')} {higher}"
    if r.nederland_value == 0:
        return higher
    relative = abs(r.value - r.nederland_value) / abs(r.nederland_value) * 100
    return f"{number(relative)}\u00a0% {higher}"
