"""A page of the report as a specification: its charts with the figures they draw, the files
offered for download and what its template needs. Building a page writes nothing; the site
(delivery/report/site.py) renders it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from delivery.report import charts


@dataclass
class Page:
    file: str
    title: str
    kind: str  # the template: templates/<kind>.html.j2
    root: str = ""  # the way back to the site's root from the page's folder
    charts: dict[str, dict] = field(default_factory=dict)  # name → Vega-Lite spec
    chart_list: list[dict] = field(default_factory=list)
    downloads: dict[str, pd.DataFrame] = field(default_factory=dict)  # site path → figures
    context: dict = field(default_factory=dict)

    @property
    def uses_geo(self) -> bool:
        return charts.BOUNDARIES in json.dumps(self.charts)

    def note(self, text: str) -> None:
        self.context.setdefault("notes", []).append(text)

    def add_chart(
        self, name: str, chart: alt.TopLevelMixin, frame: pd.DataFrame, *, lead: str, caption: str
    ) -> None:
        """A chart with its lead question, a caption saying what is drawn, the sources and a
        CSV of exactly the figures drawn."""
        self.charts[name] = chart.to_dict()
        csv = f"cijfers/{name}.csv"
        self.downloads[csv] = frame
        statuses = sorted({s for s in frame.get("status", pd.Series()).dropna()})
        marked = [s for s in statuses if s in charts.NOT_FINAL]
        self.chart_list.append(
            {
                "name": name,
                "lead": lead,
                "caption": caption,
                "sources": sources(frame),
                "not_final": (
                    "Niet definitief (open of lichter getekend): cijfers met status "
                    f"{', '.join(marked)}."
                    if marked
                    else ""
                ),
                "csv": self.root + csv,
            }
        )


def sources(frame: pd.DataFrame) -> str:
    """'CBS, tabel 82550NED, 71486ned' for StatLine tables; other sources by their full name."""
    tables, others = set(), set()
    for source in frame["source_table"].dropna().unique():
        parts = source.split(", ")
        if all(re.fullmatch(r"\d{5}(ned|NED)", p) for p in parts):
            tables.update(parts)
        else:
            others.add(source)
    named = [f"CBS, tabel {', '.join(sorted(tables))}"] if tables else []
    return "; ".join(named + sorted(others))


def period_words(period: str) -> str:
    """A period as a reader writes it: 2024 → 2024, 2024H1 → 1e halfjaar 2024."""
    m = re.fullmatch(r"(\d{4})H([12])", period)
    if m:
        return f"{m.group(2)}e halfjaar {m.group(1)}"
    return period
