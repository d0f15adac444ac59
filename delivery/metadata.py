"""What a selection of indicator figures says about itself: the metadata beside an export
(JSON for software, the Dutch toelichting for people) and the toelichting of the report's
downloads — definitions, sources, CBS release dates, statuses and what has no data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from delivery.readable import COLUMN_LEGEND, STATUS_LEGEND
from sources.registry import DECLARED_LIVE_TABLES, REGISTRY

# A figure's source_table names the CBS StatLine tables it comes from by their ids (several,
# joined by ', ', where a figure combines tables); every other source — a custom file, a
# reference or a policy target — by its title and publisher, which is how it is credited.
# marts.indicator_catalog (source_tables) tells them apart the same way, by the tables loaded.
CBS_TABLES = frozenset(REGISTRY) | frozenset(DECLARED_LIVE_TABLES)
# What CBS asks of whoever reuses its figures (CC BY 4.0, "Bron: CBS").
CBS_CREDIT = "CBS (CC BY 4.0)"
PROCESSED_BY = "bewerking Overijssel Ontcijferd"
# Why a region the warehouse knows by name has no figure at all: regions come from all of
# Nederland, figures only for the regions the configuration keeps.
OUTSIDE_SCOPE = (
    "dit warehouse heeft cijfers voor gemeenten en COROP-gebieden alleen binnen zijn "
    "regio-indeling (region_scope in config/ontcijferd.yaml)"
)


def cbs_release_dates(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date | None]:
    """When CBS published each table the warehouse holds, by table id (marts.cbs_tables)."""
    query = "select table_id, release_date from marts.cbs_tables order by table_id"
    return dict(con.execute(query).fetchall())


def sources_of(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The CBS tables and the other sources (by name) the rows of `frame` come from.

    A row's source is one or more parts separated by ', ' ("82550NED, 86054NED"; "86054NED,
    Woondeal Overijssel (herzien april 2025)" for a figure divided by a policy target): the parts
    that are CBS tables count as such, the rest, joined again, is one other source (a custom
    file's title and publisher may hold ', '). The catalog (marts.indicator_catalog) applies the
    same rule in SQL; tests/e2e/test_delivery.py checks both agree on every indicator."""
    tables, others = set(), set()
    for source in frame["source_table"].dropna().unique():
        parts = source.split(", ")
        tables.update(part for part in parts if part in CBS_TABLES)
        if rest := [part for part in parts if part not in CBS_TABLES]:
            others.add(", ".join(rest))
    return sorted(tables), sorted(others)


def credit_line(tables: list[str], others: list[str]) -> str:
    """The licence line of figures from these sources (`sources_of`): 'Bron: CBS (CC BY 4.0);
    bewerking Overijssel Ontcijferd' where they all come from CBS tables, else every other
    source named as well (Eurostat, ABF Research, a policy target): a reuser must not credit
    CBS for them."""
    named = ([CBS_CREDIT] if tables or not others else []) + others
    return f"Bron: {'; '.join(named)}; {PROCESSED_BY}"


def without_figures(con: duckdb.DuckDBPyConnection, codes: Sequence[str]) -> dict[str, str]:
    """The regions among `codes` without a single figure in the warehouse, code → name."""
    return dict(
        con.execute(
            "select region_code, region_name from marts.dim_region r "
            "where list_contains($codes, region_code) and not exists (select 1 from "
            "marts.indicator_values v where v.region_code = r.region_code) order by 1",
            {"codes": list(codes)},
        ).fetchall()
    )


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
    releases = cbs_release_dates(con)
    # What each kind of source means, as the warehouse documents its catalog's column.
    [kinds] = con.execute(
        "select comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'indicator_catalog' and column_name = 'source_kind'"
    ).fetchone() or [None]
    tables, others = sources_of(data)
    outside = without_figures(con, codes or [])
    not_available = [
        f"{code} ({name}) heeft geen enkel cijfer — {OUTSIDE_SCOPE}"
        for code, name in outside.items()
    ] + [
        f"{indicator} heeft geen gegevens"
        + (f" voor {code}" if code else "")
        + (f" in {period_from or '…'}–{period_to or '…'}" if period_from or period_to else "")
        for indicator in indicators
        for code in (codes or [None])
        if code not in outside
        and not (
            (data["indicator_id"] == indicator) & (code is None or data["region_code"] == code)
        ).any()
    ]
    return {
        "not_available": not_available,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licence": credit_line(tables, others),
        "other_sources": others,
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
        "source_kind_legend": kinds,
        # None: CBS gave no date (the embedded snapshot); JSON writes a date as 2025-06-26.
        "cbs_release_dates": {
            table: date
            for table, date in releases.items()
            if any(table in str(d) for d in definitions["source_tables"])
        },
        "columns": COLUMN_LEGEND,
    }
