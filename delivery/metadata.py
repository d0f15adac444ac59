"""What a selection of indicator figures says about itself: the metadata beside an export
(JSON for software, the Dutch toelichting for people) and the toelichting of the report's
downloads — definitions, sources, CBS release dates, statuses and what has no data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from delivery.readable import COLUMN_LEGEND, STATUS_LEGEND

LICENCE = "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd"


def described(
    con: duckdb.DuckDBPyConnection,
    data: pd.DataFrame,
    indicators: Sequence[str],
    codes: Sequence[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> dict:
    """The metadata of the rows `data` of a selection (the toelichting of an export, and of the
    report's downloads): definitions, sources, CBS release dates, what a status means and what
    was asked for but has no data."""
    definitions = con.execute(
        "select indicator_id, title, definitie, unit, decimalen, theme, source_kind, "
        "source_tables, peildatum, toelichting from marts.indicator_catalog "
        "where list_contains($indicators, indicator_id) order by indicator_id",
        {"indicators": list(indicators)},
    ).df()
    releases = con.execute(
        "select table_id, title, modified, source_mode from raw.cbs_table_infos order by 1"
    ).df()
    not_available = [
        f"{indicator} heeft geen gegevens"
        + (f" voor {code}" if code else "")
        + (f" in {period_from or '…'}–{period_to or '…'}" if period_from or period_to else "")
        for indicator in indicators
        for code in (codes or [None])
        if not (
            (data["indicator_id"] == indicator) & (code is None or data["region_code"] == code)
        ).any()
    ]
    return {
        "not_available": not_available,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licence": LICENCE,
        "selection": {
            "indicators": list(indicators),
            "regions": list(codes) if codes else "all",
            "from": period_from,
            "to": period_to,
        },
        "rows": len(data),
        "indicators": definitions.astype(object)
        .where(definitions.notna(), None)
        .to_dict("records"),
        "status_legend": STATUS_LEGEND,
        "cbs_release_dates": {
            r.table_id: r.modified or "onbekend (de bron geeft geen datum)"
            for r in releases.itertuples()
            if any(r.table_id in str(d) for d in definitions["source_tables"])
        },
        "columns": COLUMN_LEGEND,
    }
