"""Delivery to researchers: the indicator catalog and indicator extracts as files.

Everything here reads the *published* warehouse through a read-only connection (a running
build never blocks it), passes user input to DuckDB only as parameters, and writes only into
the folder asked for, under file names built from validated indicator ids. No Dagster imports.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from delivery.arguments import for_the_data_team
from delivery.files import whole_or_nothing
from delivery.formatting import inert_text
from delivery.metadata import described
from delivery.periods import months, within, written
from delivery.readable import (
    catalog_decimals,
    explanation_rows,
    write_csv_nl,
    write_text_csv_nl,
)
from lifecycle.build import damage, reading, trusted_publication
from lifecycle.releases import has_table

# csv: full precision, for tools; csv-nl: for Dutch Excel (`;`, decimal comma, BOM, Dutch
# headers, figures as CBS publishes them).
FORMATS = ("csv", "csv-nl", "xlsx", "parquet")


class DeliveryError(ValueError):
    """A request the warehouse cannot answer: unknown indicator, region, theme or format."""


class NoWarehouseError(DeliveryError):
    """Nothing has been published yet, or the published warehouse is damaged."""


class EmptyExtractError(DeliveryError):
    """The selection has no rows at all."""


def _periods(period_from: str | None, period_to: str | None) -> tuple[str | None, str | None]:
    """--from and --to as the warehouse writes periods (delivery/periods.py); refused unless
    each is a period and --from does not lie after --to."""
    periods = []
    for name, typed in (("--from", period_from), ("--to", period_to)):
        period = None if typed is None else written(typed)
        if typed is not None and period is None:
            raise DeliveryError(
                f"{name} {typed!r} is geen periode: geef een jaar (2015), halfjaar (2015H1), "
                "kwartaal (2015Q2 of 2015K2) of maand (2015M03)"
            )
        periods.append(period)
    period_from, period_to = periods
    if period_from and period_to and months(period_from)[0] > months(period_to)[1]:
        raise DeliveryError(f"--from {period_from} ligt na --to {period_to}")
    return period_from, period_to


@dataclass(frozen=True)
class Extract:
    data_file: Path
    metadata_file: Path | None  # None for xlsx: the metadata is a sheet of the workbook
    rows: int


@contextlib.contextmanager
def open_published(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published warehouse, once it is known to be sound."""
    if not path.is_file():
        raise NoWarehouseError(
            f"Nog geen gepubliceerd warehouse in {path}: draai eerst `make run` (of "
            "`ontcijferd run`)."
        )
    broken = damage(path)
    if broken:
        raise NoWarehouseError(
            f"Het gepubliceerde warehouse {path} is beschadigd: `ontcijferd run` bouwt het "
            "opnieuw op"
            + (" vanuit de laatste goede publicatie" if trusted_publication(path) else "")
            + f" {for_the_data_team(broken)}."  # the reason as the run summary gives it
        )
    with reading(path) as con:
        try:
            yield con
        except (duckdb.CatalogException, duckdb.BinderException) as err:
            # A table or column this code reads is missing: the file was published by an older
            # version (the next run rebuilds it, as the code changed) or is no warehouse of ours.
            raise NoWarehouseError(
                f"Het gepubliceerde warehouse {path} mist wat deze versie leest: het is gemaakt "
                "door een oudere versie van Overijssel Ontcijferd; de volgende `ontcijferd run` "
                f"bouwt het opnieuw op {for_the_data_team(' '.join(str(err).split()))}."
            ) from err


def catalog(con: duckdb.DuckDBPyConnection, theme: str | None = None) -> pd.DataFrame:
    """Every indicator with its title, unit, theme, source tables and latest period (Dutch
    column names: researchers read this list; '—' where it has no figures yet)."""
    themes = [
        t for (t,) in con.execute("select distinct theme from marts.indicator_catalog").fetchall()
    ]
    if theme is not None:
        matching = [t for t in themes if t.lower() == theme.strip().lower()]
        if not matching:
            raise DeliveryError(
                f"Onbekend thema {theme!r}{_suggest(theme.lower(), themes)} (de thema's: "
                f"{', '.join(sorted(themes))})"
            )
        theme = matching[0]
    return con.execute(
        """
        select c.indicator_id as indicator, c.title as titel, c.unit as eenheid,
            c.theme as thema, c.source_tables as bronnen,
            coalesce(max(v.period), '—') as laatste_periode
        from marts.indicator_catalog c
        left join marts.indicator_values v using (indicator_id)
        where $theme is null or c.theme = $theme
        group by all order by c.theme, c.indicator_id
        """,
        {"theme": theme},
    ).df()


def _suggest(value: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    return f"; bedoelt u {' of '.join(repr(n) for n in near)}?" if near else ""


def _check_indicators(con: duckdb.DuckDBPyConnection, indicators: Sequence[str]) -> None:
    known = [
        i for (i,) in con.execute("select indicator_id from marts.indicator_catalog").fetchall()
    ]
    unknown = [i for i in indicators if i not in known]
    waiting = dict(
        con.execute(
            "select indicator_id, cbs_tabel from reference.wacht_op_live_cbs "
            "where list_contains($ids, indicator_id)",
            {"ids": unknown},
        ).fetchall()
        if unknown and has_table(con, "reference", "wacht_op_live_cbs")
        else []
    )
    if waiting:
        raise DeliveryError(
            "; ".join(
                f"{i!r} komt van live CBS: tabel {t} is aangekondigd maar nog niet geladen, "
                "tot `ontcijferd check-live` de sleutels heeft getoond en ze in "
                "sources/registry.py zijn bevestigd"
                for i, t in waiting.items()
            )
        )
    if unknown:
        raise DeliveryError(
            "; ".join(f"Onbekende indicator {i!r}{_suggest(i, known)}" for i in unknown)
            + " (`ontcijferd indicators` toont ze)"
        )


# Names people use for a region that CBS writes otherwise (CBS's name is also accepted).
ALIASES = {"den haag": "GM0518", "den bosch": "GM0796", "friesland": "PV21"}
LEVEL_NAMES = {
    "corop": "COROP-gebied",
    "woondeal": "woondealregio",
    "provincie": "provincie",
    "gemeente": "gemeente",
    "landsdeel": "landsdeel",
    "land": "land",
}


def _folded(name: str) -> str:
    """A region's name as it is looked up: lower case, without accents ("Fryslân" is found by
    "fryslan", as people type it)."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _region_keys(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, set[str]], dict[str, tuple]]:
    """Every way to name a region (code, CBS name, the name without CBS's suffix such as
    "Hengelo (O.)", a common alias), folded (`_folded`) → the codes it may mean; and code →
    row."""
    rows = con.execute(
        "select region_code, region_name, region_level from marts.dim_region order by 1"
    ).fetchall()
    keys: dict[str, set[str]] = {}
    for code, name, _level in rows:
        names = {code, name or ""}
        if name and name.endswith(")") and " (" in name:
            names.add(name.rsplit(" (", 1)[0])
        for key in names - {""}:
            keys.setdefault(_folded(key), set()).add(code)
    for alias, code in ALIASES.items():
        keys.setdefault(alias, set()).add(code)
    return keys, {code: (code, name, level) for code, name, level in rows}


def _region_codes(con: duckdb.DuckDBPyConnection, regions: Sequence[str]) -> list[str]:
    """Region codes, names or aliases (any case) → codes; unknown or ambiguous names are an
    error naming the regions that exist."""
    keys, by_code = _region_keys(con)
    problems, codes = [], []
    for region in regions:
        found = sorted(keys.get(_folded(region), ()))
        if len(found) == 1:
            codes.append(found[0])
        elif found:
            choices = " of ".join(
                f"{c} ({LEVEL_NAMES.get(by_code[c][2], by_code[c][2])} {by_code[c][1]})"
                for c in found
            )
            problems.append(f"Regio {region!r} is dubbelzinnig: {choices}; geef de code")
        else:
            near = difflib.get_close_matches(_folded(region), list(keys), n=3, cutoff=0.6)
            named = sorted({by_code[c][1] for n in near for c in keys[n]})
            hint = f"; bedoelt u {' of '.join(repr(n) for n in named)}?" if named else ""
            problems.append(f"Onbekende regio {region!r}{hint} (`ontcijferd regions` toont ze)")
    if problems:
        raise DeliveryError("; ".join(problems))
    return list(dict.fromkeys(codes))  # a region named twice (Zwolle GM0193) is asked once


def regions(
    con: duckdb.DuckDBPyConnection, search: str | None = None, level: str | None = None
) -> pd.DataFrame:
    """Regions with code, name, level and how many indicators have data for them."""
    if level is not None and level not in LEVEL_NAMES:
        raise DeliveryError(f"Onbekend niveau {level!r}; kies uit {', '.join(LEVEL_NAMES)}")
    codes = None
    if search:
        keys, _ = _region_keys(con)
        needle = _folded(search)
        codes = sorted({c for key, found in keys.items() if needle in key for c in found})
    return con.execute(
        """
        select r.region_code as code, r.region_name as naam, r.region_level as niveau,
            count(distinct v.indicator_id) as indicatoren_met_data
        from marts.dim_region r
        left join marts.indicator_values v using (region_code)
        where ($codes is null or list_contains($codes, r.region_code))
          and ($level is null or r.region_level = $level)
        group by all order by niveau, code
        """,
        {"codes": codes, "level": level},
    ).df()


# The columns of an extract, in this order: every export and the report's downloads.
EXTRACT_COLUMNS = [
    "indicator_id",
    "region_code",
    "region_name",
    "region_level",
    "categorie",
    "period",
    "period_type",
    "value",
    "unit",
    "status",
    "method_break",
    "source_table",
    "release_date",
]


def extract_rows(
    con: duckdb.DuckDBPyConnection,
    indicators: Sequence[str],
    codes: Sequence[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> pd.DataFrame:
    """The rows of an extract (also the report's download of an indicator), empty values
    included: the indicators, in the regions with these codes (None: all), in the periods
    (compared by the months they cover: delivery/periods.py)."""
    rows = con.execute(
        f"""
        select {", ".join(EXTRACT_COLUMNS)}
        from marts.indicator_values
        where list_contains($indicators, indicator_id)
          and ($regions is null or list_contains($regions, region_code))
        order by indicator_id, region_code, categorie, period
        """,
        {"indicators": list(indicators), "regions": None if codes is None else list(codes)},
    ).df()
    if period_from is None and period_to is None:
        return rows
    return rows[within(rows["period"], period_from, period_to)].reset_index(drop=True)


def extract_schema(con: duckdb.DuckDBPyConnection) -> pa.Schema:
    """The extract's columns with the types the warehouse gives them, for a Parquet file: a
    release date stays a date, and a column without a value in one selection (`categorie`
    mostly) keeps its type, so files of different exports read and combine as one table."""
    columns = ", ".join(EXTRACT_COLUMNS)
    return con.sql(f"select {columns} from marts.indicator_values limit 0").to_arrow_table().schema


def extract(
    con: duckdb.DuckDBPyConnection,
    indicators: Sequence[str],
    regions: Sequence[str] = (),
    period_from: str | None = None,
    period_to: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The tidy rows of marts.indicator_values asked for, and their metadata.

    What was asked for but has no data (an indicator for a region, a period range) is listed
    under `not_available` in the metadata; nothing at all is an error.
    """
    _check_indicators(con, indicators)
    period_from, period_to = _periods(period_from, period_to)
    codes = _region_codes(con, regions) if regions else None
    data = extract_rows(con, indicators, codes, period_from, period_to)
    metadata = described(con, data, indicators, codes, period_from, period_to)
    if data.empty:
        raise EmptyExtractError(
            "Niets te exporteren: " + "; ".join(metadata["not_available"]) + " (`ontcijferd "
            "indicators` toont de laatste periode van elke indicator, `ontcijferd regions` de "
            "regio's met gegevens)"
        )
    return data, metadata


def file_stem(selection: dict) -> str:
    """A file name that says what was selected, so two different exports never share one:
    `bevolking_totaal_PV23_GM0193_2015-2023`. Built from validated ids, codes and periods."""
    ids, codes = selection["indicators"], selection["regions"]
    parts = [ids[0] if len(ids) == 1 else f"{ids[0]}_en_{len(ids) - 1}_meer"]
    if codes != "all":
        parts.append("_".join(codes) if len(codes) <= 4 else f"{codes[0]}_en_{len(codes) - 1}_meer")
    if selection["from"] or selection["to"]:
        parts.append(f"{selection['from'] or 'begin'}-{selection['to'] or 'eind'}")
    return "_".join(parts)


def write_extract(
    data: pd.DataFrame,
    metadata: dict,
    fmt: str,
    out_dir: Path,
    force: bool = False,
    wide: bool = False,
    schema: pa.Schema | None = None,
) -> Extract:
    """Write the rows and the metadata sidecar (or sheet) into `out_dir`, nowhere else; an
    existing file is replaced only with `force`. `wide` (xlsx only): regions in rows, periods in
    columns. `schema` (`extract_schema`, needed for parquet): the warehouse's column types."""
    if fmt not in FORMATS:
        raise DeliveryError(f"Onbekend formaat {fmt!r}; kies uit {', '.join(FORMATS)}")
    if fmt == "parquet" and schema is None:
        raise ValueError("a Parquet extract is written with the warehouse's types: extract_schema")
    if wide and fmt != "xlsx":
        raise DeliveryError(
            "--wide is voor --format xlsx (csv en parquet houden één rij per cijfer)"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise DeliveryError(f"--out {out_dir} is een bestand, geen map")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(metadata["selection"])
    suffix = "_excel-nl.csv" if fmt == "csv-nl" else f".{fmt}"
    data_file = out_dir / f"{stem}{'_breed' if wide else ''}{suffix}"
    if data_file.exists() and not force:
        raise DeliveryError(f"{data_file} bestaat al; met --force wordt het vervangen")
    # The toelichting: a sheet of the workbook; beside a csv-nl file for Dutch Excel, in Dutch
    # and in the same dialect; beside a file for software, as JSON.
    named = {"xlsx": None, "csv-nl": f"{stem}_toelichting_excel-nl.csv"}
    explained_in = named.get(fmt, f"{stem}.metadata.json")
    metadata_file = None if explained_in is None else out_dir / explained_in
    with whole_or_nothing(data_file) as partial:
        if fmt == "csv":
            dated = data.assign(release_date=data["release_date"].astype("string"))  # 2025-06-26
            inert_text(dated).to_csv(partial, index=False, encoding="utf-8")
        elif fmt == "csv-nl":
            write_csv_nl(data, partial, catalog_decimals(metadata))
        elif fmt == "parquet":
            _write_parquet(data, schema, metadata, partial)
        else:
            from delivery.excel import write_workbook

            write_workbook(data, metadata, partial, wide)
        if metadata_file is not None:  # in place before the data file: never one without it
            with whole_or_nothing(metadata_file) as sidecar:
                if fmt == "csv-nl":
                    write_text_csv_nl(explanation_rows(metadata), sidecar)
                else:
                    sidecar.write_text(_as_json(metadata))
    return Extract(data_file, metadata_file, len(data))


# The key under which a Parquet file carries its toelichting (DuckDB: parquet_kv_metadata).
PARQUET_METADATA_KEY = "ontcijferd.toelichting"


def _as_json(metadata: dict) -> str:
    return json.dumps(metadata, indent=2, ensure_ascii=False, default=str)


def _write_parquet(data: pd.DataFrame, schema: pa.Schema, metadata: dict, path: Path) -> None:
    """The rows in the warehouse's types, with their toelichting inside the file as well (the
    sidecar's JSON), so that a Parquet file passed on alone still says what its figures are
    and where they come from."""
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(data, schema=schema, preserve_index=False)
    carried = {**(table.schema.metadata or {}), PARQUET_METADATA_KEY: _as_json(metadata)}
    pq.write_table(table.replace_schema_metadata(carried), path)
