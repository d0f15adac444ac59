"""Delivery to researchers: the indicator catalog and indicator extracts as files.

Everything here reads the *published* warehouse through a read-only connection (a running
build never blocks it), passes user input to DuckDB only as parameters, and writes only into
the folder asked for, under file names built from validated indicator ids. No Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from lifecycle.warehouse import damage, trusted_publication

FORMATS = ("csv", "xlsx", "parquet")
LICENCE = "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd"
STATUS_LEGEND = {
    "definitief": "final CBS figure",
    "voorlopig": "provisional CBS figure (* on StatLine)",
    "nader voorlopig": "revised provisional CBS figure (** on StatLine)",
    "onbekend": "the source does not state the status (e.g. the embedded snapshot)",
    "geheim": "withheld by CBS for confidentiality; the value is empty, never zero",
    "n.v.t.": "not a CBS period: a policy target or a figure published by others",
}


class DeliveryError(ValueError):
    """A request the warehouse cannot answer: unknown indicator, region, theme or format."""


class NoWarehouseError(DeliveryError):
    """Nothing has been published yet."""


@dataclass(frozen=True)
class Extract:
    data_file: Path
    metadata_file: Path | None  # None for xlsx: the metadata is a sheet of the workbook
    rows: int


def open_published(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse, once it is known to be sound."""
    if not path.is_file():
        raise NoWarehouseError(
            f"No published warehouse at {path}: run `make run` (or `ontcijferd run`) first."
        )
    broken = damage(path)
    if broken:
        raise NoWarehouseError(
            f"The published warehouse {path} is damaged ({broken}): run `ontcijferd run` to "
            "rebuild it"
            + (" from the last good publication" if trusted_publication(path) else "")
            + "."
        )
    return duckdb.connect(str(path), read_only=True)


def catalog(con: duckdb.DuckDBPyConnection, theme: str | None = None) -> pd.DataFrame:
    """Every indicator with its title, unit, theme, source tables and latest period."""
    themes = [
        t for (t,) in con.execute("select distinct theme from marts.indicator_catalog").fetchall()
    ]
    if theme is not None and theme not in themes:
        raise DeliveryError(f"Unknown theme {theme!r}{_suggest(theme, themes)}")
    return con.execute(
        """
        select c.indicator_id, c.title, c.unit, c.theme, c.source_tables,
            max(v.period) as latest_period
        from marts.indicator_catalog c
        left join marts.indicator_values v using (indicator_id)
        where $theme is null or c.theme = $theme
        group by all order by c.theme, c.indicator_id
        """,
        {"theme": theme},
    ).df()


def _suggest(value: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""


def _check_indicators(con: duckdb.DuckDBPyConnection, indicators: Sequence[str]) -> None:
    known = [
        i for (i,) in con.execute("select indicator_id from marts.indicator_catalog").fetchall()
    ]
    unknown = [i for i in indicators if i not in known]
    if unknown:
        raise DeliveryError(
            "; ".join(f"Unknown indicator {i!r}{_suggest(i, known)}" for i in unknown)
            + " (`ontcijferd indicators` lists them)"
        )


def _region_codes(con: duckdb.DuckDBPyConnection, regions: Sequence[str]) -> list[str]:
    """Region codes or names (any case) → codes; unknown ones are an error with suggestions."""
    rows = con.execute("select region_code, region_name from marts.dim_region").fetchall()
    by_key = {code.lower(): code for code, _ in rows} | {
        name.lower(): code for code, name in rows if name
    }
    unknown = [r for r in regions if r.lower() not in by_key]
    if unknown:
        names = [name for _, name in rows if name] + [code for code, _ in rows]
        raise DeliveryError("; ".join(f"Unknown region {r!r}{_suggest(r, names)}" for r in unknown))
    return [by_key[r.lower()] for r in regions]


def extract(
    con: duckdb.DuckDBPyConnection,
    indicators: Sequence[str],
    regions: Sequence[str] = (),
    period_from: str | None = None,
    period_to: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The tidy rows of marts.indicator_values asked for, and their metadata."""
    _check_indicators(con, indicators)
    codes = _region_codes(con, regions) if regions else None
    data = con.execute(
        """
        select indicator_id, region_code, region_name, region_level, categorie, period,
            period_type, value, unit, status, method_break, source_table, release_date
        from marts.indicator_values
        where list_contains($indicators, indicator_id)
          and ($regions is null or list_contains($regions, region_code))
          and ($from is null or period >= $from)
          and ($to is null or period <= $to || 'Z')
        order by indicator_id, region_code, categorie, period
        """,
        {
            "indicators": list(indicators),
            "regions": codes,
            "from": period_from,
            "to": period_to,
        },
    ).df()
    definitions = con.execute(
        "select indicator_id, title, definition, unit, theme, source_kind, source_tables, "
        "peildatum, method_notes from marts.indicator_catalog "
        "where list_contains($indicators, indicator_id) order by indicator_id",
        {"indicators": list(indicators)},
    ).df()
    releases = con.execute(
        "select table_id, title, modified, source_mode from raw.cbs_table_infos order by 1"
    ).df()
    metadata = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licence": LICENCE,
        "selection": {
            "indicators": list(indicators),
            "regions": codes or "all",
            "from": period_from,
            "to": period_to,
        },
        "rows": len(data),
        "indicators": definitions.to_dict("records"),
        "status_legend": STATUS_LEGEND,
        "cbs_release_dates": {
            r.table_id: r.modified or "onbekend (not in the source)"
            for r in releases.itertuples()
            if any(r.table_id in str(d) for d in definitions["source_tables"])
        },
        "columns": {
            "categorie": "category within the indicator (e.g. partner country); mostly empty",
            "method_break": "true on the first period after a change to a table with another "
            "definition: do not join the periods across it without saying so",
            "release_date": "CBS release date (TableInfos.Modified) of the source; empty when "
            "the source does not give it",
        },
    }
    return data, metadata


def write_extract(data: pd.DataFrame, metadata: dict, fmt: str, out_dir: Path) -> Extract:
    """Write the rows and the metadata sidecar (or sheet) into `out_dir`, nowhere else."""
    if fmt not in FORMATS:
        raise DeliveryError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = metadata["selection"]["indicators"]
    # Indicator ids are validated against the catalog (lower case, digits, underscores).
    stem = ids[0] if len(ids) == 1 else f"{ids[0]}_en_{len(ids) - 1}_meer"
    data_file = out_dir / f"{stem}.{fmt}"
    frame = data.assign(release_date=data["release_date"].astype("string"))
    if fmt == "csv":
        frame.to_csv(data_file, index=False, encoding="utf-8")
    elif fmt == "parquet":
        frame.to_parquet(data_file, index=False)
    if fmt == "xlsx":
        with pd.ExcelWriter(data_file, engine="openpyxl") as book:
            frame.to_excel(book, sheet_name="data", index=False)
            _metadata_sheet(metadata).to_excel(book, sheet_name="metadata", index=False)
        return Extract(data_file, None, len(data))
    metadata_file = out_dir / f"{stem}.metadata.json"
    metadata_file.write_text(json.dumps(metadata, indent=2, ensure_ascii=False, default=str))
    return Extract(data_file, metadata_file, len(data))


def _metadata_sheet(metadata: dict) -> pd.DataFrame:
    rows = [
        ("generated_at", "", metadata["generated_at"]),
        ("licence", "", metadata["licence"]),
        ("selection", "", json.dumps(metadata["selection"], ensure_ascii=False)),
    ]
    for definition in metadata["indicators"]:
        rows += [
            (definition["indicator_id"], field, definition[field])
            for field in definition
            if field != "indicator_id"
        ]
    rows += [("status", status, meaning) for status, meaning in metadata["status_legend"].items()]
    rows += [("cbs_release_date", t, d) for t, d in metadata["cbs_release_dates"].items()]
    rows += [("column", c, meaning) for c, meaning in metadata["columns"].items()]
    return pd.DataFrame(rows, columns=["onderwerp", "veld", "waarde"])
