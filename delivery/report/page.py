"""A page of the report as a specification: its charts with the figures they draw, the files
offered for download and what its template needs. Building a page writes nothing; the site
(delivery/report/site.py) renders it."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from delivery.formatting import dutch_date, figure
from delivery.metadata import PROCESSED_BY, credit_line, sources_of
from delivery.readable import DUTCH_HEADERS, FIGURE_UNITS
from delivery.report import charts

# The columns a chart's table view shows, in this order (headers: readable.DUTCH_HEADERS).
TABLE_COLUMNS = (
    "region_name",
    "categorie",
    "geslacht",
    "leeftijdsgroep",
    "period",
    "value",
    "personen",
    "aandeel_pct",
    "status",
)
# The toelichting of every download of the report (definitions, sources, release dates).
EXPLANATION_CSV = "cijfers/toelichting.csv"
# A chart title longer than this is set on several lines, so it fits a phone's width.
TITLE_LINE = 42
# A chart saved as an image for a publication (templates/base.html.j2): this wide in pixels, its
# credit lines under it at most this long.
IMAGE_WIDTH = 640
CREDIT_LINE = 105
# Above this many regions a chart's description names the highest and lowest, not each.
DESCRIBED_REGIONS = 3


@dataclass
class Page:
    file: str
    title: str
    kind: str  # the template: templates/<kind>.html.j2
    root: str = ""  # the way back to the site's root from the page's folder
    charts: dict[str, dict] = field(default_factory=dict)  # name → Vega-Lite spec
    credits: dict[str, list[str]] = field(default_factory=dict)  # name → its image's credit
    chart_list: list[dict] = field(default_factory=list)
    downloads: dict[str, pd.DataFrame] = field(default_factory=dict)  # site path → figures
    shown: list[pd.DataFrame] = field(default_factory=list)  # figures outside charts (cards)
    context: dict = field(default_factory=dict)
    # CBS table → the date CBS published it (ReportData.release_dates), for chart captions.
    release_dates: Mapping[str, dt.date | None] = field(default_factory=dict)

    @property
    def uses_geo(self) -> bool:
        return any(_is_map(spec) for spec in self.charts.values())

    @property
    def credit(self) -> str:
        """The licence line of the figures on this page (its footer), as an export gives it."""
        frames = [f for f in [*self.downloads.values(), *self.shown] if "source_table" in f.columns]
        return credit_line(*(sources_of(pd.concat(frames)) if frames else ([], [])))

    def cite(self, frame: pd.DataFrame) -> dict[str, str]:
        """The sources of the rows of `frame`, named ('CBS, tabel 82550NED'), and when CBS
        published those tables ('CBS-publicatiedatum: 26-6-2025.'): under a chart or a card."""
        tables, others = sources_of(frame)
        return {
            "sources": named_sources(tables, others),
            "released": released(tables, self.release_dates),
        }

    def note(self, text: str) -> None:
        self.context.setdefault("notes", []).append(text)

    def add_chart(
        self, name: str, chart: alt.TopLevelMixin, frame: pd.DataFrame, *, lead: str, caption: str
    ) -> None:
        """A chart with its lead question, a caption saying what is drawn, the sources, a CSV of
        exactly the figures drawn and the same figures as a table to read instead; its
        accessible name is its title and latest figures in Dutch (Vega's own ARIA texts are
        English and name internal fields, so they are switched off)."""
        spec = chart.to_dict()
        # As wide as the page allows: a phone and a desktop get the same chart, fitted.
        spec["width"] = "container"
        _wrap_title(spec)
        spec.setdefault("config", {})["aria"] = False
        # Titles start at the chart's left edge, not centred over the plot: a plot beside long
        # axis labels would push a centred title off a phone's screen.
        spec["config"]["title"] = {"anchor": "start", "frame": "bounds"}
        self.charts[name] = spec
        csv = f"cijfers/{name}.csv"
        self.downloads[csv] = frame
        statuses = sorted({s for s in frame.get("status", pd.Series()).dropna()})
        marked = [s for s in statuses if s in charts.NOT_FINAL]
        not_final = (
            f"Niet definitief (open of lichter getekend): cijfers met status {', '.join(marked)}."
            if marked
            else ""
        )
        cited = self.cite(frame)
        drawn_from, published = cited["sources"], cited["released"]
        # Saved as an image the chart leaves its caption behind: what a publication must say
        # beside it goes with it — sources (and boundaries), when CBS published them, what is
        # not final, who made it.
        credit = f"Bron: {drawn_from}; {PROCESSED_BY}."
        if _is_map(spec):
            credit += f" {charts.MAP_CREDIT}."
        self.credits[name] = textwrap.wrap(
            " ".join(part for part in (credit, published, not_final) if part), CREDIT_LINE
        )
        self.chart_list.append(
            {
                "name": name,
                "lead": lead,
                "caption": caption,
                "sources": drawn_from,
                "released": published,
                "not_final": not_final,
                "csv": self.root + csv,
                "explanation": self.root + EXPLANATION_CSV,
                "description": describe(spec, frame),
                "table": table_view(frame, self.root),
            }
        )


def _is_map(spec: dict) -> bool:
    """The chart draws the boundaries the page loads (charts.BOUNDARIES)."""
    return charts.BOUNDARIES in json.dumps(spec)


def sources(frame: pd.DataFrame) -> str:
    """The sources of the rows of `frame`, named (`named_sources`)."""
    return named_sources(*sources_of(frame))


def named_sources(tables: list[str], others: list[str]) -> str:
    """'CBS, tabel 82550NED, 71486ned' for StatLine tables; other sources by their full name."""
    named = [f"CBS, tabel {', '.join(tables)}"] if tables else []
    return "; ".join(named + others)


def released(tables: list[str], dates: Mapping[str, dt.date | None]) -> str:
    """When CBS published the tables a chart draws: 'CBS-publicatiedatum: 26-6-2025.', each
    table's date where they differ, 'onbekend' where CBS gave none; nothing without a CBS
    table (another source's name says its date)."""
    if not tables:
        return ""
    words = {
        table: dutch_date(dates[table]) if dates.get(table) else "onbekend" for table in tables
    }
    if len(set(words.values())) == 1:
        return f"CBS-publicatiedatum: {words[tables[0]]}."
    return "CBS-publicatiedatums: " + ", ".join(f"{t} {w}" for t, w in words.items()) + "."


def period_words(period: str) -> str:
    """A period as a reader writes it: 2024 → 2024, 2024H1 → 1e halfjaar 2024."""
    m = re.fullmatch(r"(\d{4})H([12])", period)
    if m:
        return f"{m.group(2)}e halfjaar {m.group(1)}"
    return period


def _wrap_title(spec: dict) -> None:
    title = spec.get("title")
    if isinstance(title, dict):
        for part in ("text", "subtitle"):
            if isinstance(title.get(part), str):
                title[part] = textwrap.wrap(title[part], TITLE_LINE)
    elif isinstance(title, str):
        spec["title"] = textwrap.wrap(title, TITLE_LINE)


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def describe(spec: dict, frame: pd.DataFrame) -> str:
    """A chart in a sentence, for those who cannot see it: its title and the latest figures —
    of each region where there are a few, else the highest and the lowest."""
    text = _title(spec) or "Grafiek"
    if not {"value", "unit", "period"} <= set(frame.columns) or frame["value"].isna().all():
        return f"{text}. De cijfers staan in de tabel onder de grafiek."
    shown = frame.dropna(subset=["value"])
    periods = shown["period"].astype(str)
    # A chart whose "period" holds series names (woondeal: realised, straight path, target)
    # is described by its first series.
    chosen = periods.max() if periods.str.match(r"\d{4}").all() else periods.iloc[0]
    latest = shown[periods == chosen]
    decimals = charts.decimals_of(frame)
    name = "region_name" if "region_name" in latest else None
    said = lambda r: (  # noqa: E731
        f"{r[name] + ' ' if name else ''}{figure(r['value'], r['unit'], decimals)}"
    )
    rows = latest.to_dict("records")
    if name and latest[name].nunique() > DESCRIBED_REGIONS:
        ordered = sorted(rows, key=lambda r: r["value"])
        figures = f"hoogste {said(ordered[-1])}, laagste {said(ordered[0])}"
    else:
        figures = "; ".join(said(r) for r in rows[: 2 * DESCRIBED_REGIONS])
    return f"{text}. {period_words(str(latest['period'].iloc[0]))}: {figures}."


def table_view(frame: pd.DataFrame, root: str) -> dict:
    """The figures of a chart as a table (header, rows of cells; a gemeente's name links to its
    page), so they can be read without the chart and reached by keyboard."""
    columns = [c for c in TABLE_COLUMNS if c in frame.columns]
    decimals = charts.decimals_of(frame)
    rows = []
    for record in frame[columns + [c for c in ("unit", "region_code") if c in frame]].to_dict(
        "records"
    ):
        cells = []
        for column in columns:
            value = record[column]
            if column in FIGURE_UNITS:
                fixed = FIGURE_UNITS[column]  # None: the row's unit, at the indicator's precision
                value = figure(value, fixed or record.get("unit"), None if fixed else decimals)
            elif column == "period":
                value = period_words(str(value))
            cells.append({"text": "" if pd.isna(value) else str(value), "link": None})
        code = str(record.get("region_code", ""))
        if code.startswith("GM") and "region_name" in columns:
            cells[0]["link"] = f"{root}gemeenten/{code}.html"
        rows.append(cells)
    return {"header": [DUTCH_HEADERS[c] for c in columns], "rows": rows}
