"""The static Overijssel Ontcijferd report: Dutch pages the province could publish, offline.

`ontcijferd report --out DIR` builds it from the published warehouse (read-only): a front page
with headline cards, a page per theme with a few charts that each answer one question (and the
theme's full indicator list with downloads), maps of the gemeenten and provinces, a page per
gemeente, the warehouse's tables and the data-quality results.

Where things are: every query in `data.py`; what is on each page in `pages.py`, `themes.py`
and `gemeenten.py` (page specifications, `page.py`); chart kinds in `charts.py`; rendering to
HTML and CSV in `site.py`, with the templates in `delivery/templates/`; numbers in Dutch
notation from `delivery/formatting.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb


def build_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    focus: str = "PV23",
    quality_file: Path | None = None,
) -> list[Path]:
    from delivery.export import EmptyExtractError
    from delivery.metadata import without_figures
    from delivery.report.data import ReportData
    from delivery.report.gemeenten import gemeente, gemeenten_index
    from delivery.report.pages import PAGES, datakwaliteit, front, warehouse
    from delivery.report.site import Site, replaced_whole
    from delivery.report.themes import theme_page
    from lifecycle.expectations import published_results

    data = ReportData(con, focus)
    codes = list(data.gemeenten["region_code"])
    if len(without_figures(con, codes)) == len(codes):
        raise EmptyExtractError(
            f"Geen rapport: dit warehouse heeft geen cijfers voor de gemeenten van "
            f"{data.focus_name} ({focus}); het is voor een andere provincie gebouwd. Draai eerst "
            "`ontcijferd run` met deze focusprovincie"
        )
    last_run = (
        json.loads(quality_file.read_text(encoding="utf-8"))
        if quality_file is not None and quality_file.is_file()
        else {}
    )
    with replaced_whole(out_dir) as folder:
        site = Site(
            folder,
            navigation=[{"file": f, "title": t} for f, (t, _, _) in PAGES.items()],
            common={
                "focus_name": data.focus_name,
                "n_gemeenten": len(data.gemeenten),
                "status_sentence": data.status_sentence(),
            },
            decimals={indicator: data.decimals(indicator) for indicator in data.catalog.index},
        )
        pages = [front(data)]
        pages += [
            theme_page(data, f, t, theme)
            for f, (t, kind, theme) in PAGES.items()
            if kind == "theme"
        ]
        pages += [
            gemeenten_index(data),
            warehouse(data),
            datakwaliteit(published_results(con), last_run),
        ]
        pages += [gemeente(data, code) for code in data.gemeenten["region_code"]]
        written = [site.render(page).relative_to(folder) for page in pages]
        site.explain(data.explained())
    return [out_dir / page for page in written]
