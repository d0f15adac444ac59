"""SYNTHETIC scaled copies of the embedded snapshot, for the scale benchmark (`bench.run scale`).

The cold build is measured on the real snapshot and on copies with ~10× and ~100× its CBS rows
in the warehouse's scope. The rows are added by splitting every gemeente of the focus province
into `gemeenten_factor` SYNTHETIC gemeenten (codes from GM2000 up, names "… (synthetisch n)"),
in every CBS table and custom file that has gemeenten and in "Gebieden in Nederland", so the
scope, the COROP regions and the province take them in as they do real gemeenten.

A count is divided over the parts (integers exactly: the parts still sum to the gemeente, its
COROP region and its province); a share, average, density or distance is the same in every
part. Nederland, the landsdelen, the provinces and the COROP regions keep their real figures.
So the build's blocking tests and checks hold, and the whole build runs and publishes as it
does on real data — which is what the benchmark times.

Why the years are not multiplied as well (BENCHMARKS.md, "scale"): synthetic years break what
the product rightly checks. Spreading every year before 2021 over several synthetic years (the
KWB and Gebieden editions are fixed to 2021–2025 in the registry, and the order of the tables
along a series must stay the one the registry declares) relabels the figures of a later year
as 2002, the base of `bevolking_index_2002`: at 15 years per year Flevoland's index falls to
46.5, and the plausibility check (50–200 for aggregates) stops the build. Copies placed after
the last year or before the first jump back to 1988's figures at every copy (Flevoland from
450,826 in 2024 to 193,739, where a check allows ±10 % a year) and change source table
backwards (the test of declared series changes). Spreading only the years before 2002 keeps
2002, but those hold 514 of the 8,493 rows in scope: ×10 would need 150 synthetic years per
year, reaching back before the year 0.

Nothing here is CBS data; it is written to a temporary folder, never into the repository.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sources.custom import CUSTOM_DIR, CUSTOM_SOURCES
from sources.registry import CURRENT_REGION_TABLE, REGISTRY, CbsTable
from sources.scope import RegionScope, ScopeConfig, membership_from_gebieden, resolve_scope
from sources.snapshot import SNAPSHOT_DIR, SnapshotSource

FIRST_SYNTHETIC_CODE = 2000  # every real gemeente code is below GM2000

# Staging columns that are not counts: shares (`*_pct`), averages, densities and distances are
# the same in every part of a gemeente. Every other numeric measure is a count and is divided.
NOT_COUNTS = frozenset(
    {
        "afstand_grote_supermarkt",
        "bevolkingsdichtheid",
        "gemiddelde_oppervlakte_m2",
        "inkomen_per_inwoner",
        "inkomen_per_ontvanger",
        "personenautos_per_huishouden",
        "woz_waarde_gemiddeld",
    }
)
# The Gebieden in Nederland text measures that name the gemeente itself (the rest — its COROP
# region, landsdeel and province — the parts share).
OWN_CODE, OWN_NAME = "gemeentecode", "gemeente_name"


def is_count(column: str) -> bool:
    return not column.endswith("_pct") and column not in NOT_COUNTS


def split_count(value, parts: int) -> list:
    """A count divided over `parts`: integers exactly (the remainder to the first parts, so the
    parts sum to the value, negative values included), decimals evenly."""
    if value is None:
        return [None] * parts
    if isinstance(value, int):
        base, rest = divmod(value, parts)
        return [base + (1 if i < rest else 0) for i in range(parts)]
    return [value / parts] * parts


@dataclass(frozen=True)
class SyntheticGemeente:
    code: str
    name: str


def synthetic_gemeenten(gemeenten: dict[str, str], factor: int) -> dict[str, list]:
    """Per focus gemeente (code → name): its parts. The first keeps the real code and name (with
    its share of the counts, so it is synthetic too), then `factor - 1` new ones."""
    parts, number = {}, FIRST_SYNTHETIC_CODE
    for code, name in sorted(gemeenten.items()):
        parts[code] = [SyntheticGemeente(code, name)]
        for n in range(2, factor + 1):
            parts[code].append(SyntheticGemeente(f"GM{number:04d}", f"{name} (synthetisch {n})"))
            number += 1
    if number > 10_000:
        raise ValueError(f"{factor} parts per gemeente do not fit in four-digit GM codes")
    return parts


def _padded(new: str, like: str) -> str:
    """`new` padded with spaces to the width of the key or text it replaces (CBS pads keys)."""
    return new.ljust(len(like))


def _scaled_rows(table: CbsTable, rows: list[dict], parts: dict[str, list]) -> list[dict]:
    region_dim = table.region_dimension
    counts = [
        key
        for key, column in table.measures.items()
        if key not in table.text_measures and is_count(column)
    ]
    scaled = []
    for row in rows:
        gemeente = parts.get(str(row.get(region_dim, "")).strip()) if region_dim else None
        if gemeente is None:
            scaled.append(dict(row))
            continue
        split = {key: split_count(row[key], len(gemeente)) for key in counts if key in row}
        for i, part in enumerate(gemeente):
            copy = {**row, region_dim: _padded(part.code, row[region_dim])}
            for key, values in split.items():
                copy[key] = values[i]
            for key, column in table.measures.items():
                if column == OWN_CODE:
                    copy[key] = _padded(part.code, row[key])
                elif column == OWN_NAME:
                    copy[key] = _padded(part.name, row[key])
            scaled.append(copy)
    for number, row in enumerate(scaled):
        row["ID"] = number
    return scaled


def _scaled_categories(categories: list[dict], parts: dict[str, list]) -> list[dict]:
    scaled = []
    for category in categories:
        for part in parts.get(category["Key"].strip(), [None]):
            if part is None:
                scaled.append(category)
            else:
                key, title = _padded(part.code, category["Key"]), part.name
                scaled.append({**category, "Key": key, "Title": title})
    return scaled


def write_scaled_snapshot(folder: Path, table_id: str, parts: dict[str, list]) -> None:
    """One table's folder with the focus gemeenten split."""
    table = REGISTRY[table_id]
    source, target = SNAPSHOT_DIR / table_id, folder / table_id
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.json")):
        content = json.loads(path.read_text(encoding="utf-8"))
        if path.stem == "TypedDataSet":
            content = _scaled_rows(table, content, parts)
        elif path.stem == table.region_dimension:
            content = _scaled_categories(content, parts)
        (target / path.name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def write_scaled_custom(folder: Path, parts: dict[str, list]) -> None:
    """The custom files with their focus gemeenten split (they hold shares there: copied)."""
    shutil.copytree(CUSTOM_DIR, folder)
    for source in CUSTOM_SOURCES.values():
        for path in sorted((folder / source.folder_name).glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                fields, rows = reader.fieldnames, list(reader)
            scaled = []
            for row in rows:
                gemeente = parts.get(row["regio"].strip())
                if gemeente is None:
                    scaled.append(row)
                elif row.get("eenheid") != "%":
                    raise ValueError(f"{path}: a gemeente's count ({row}) would need dividing")
                else:
                    scaled.extend({**row, "regio": part.code} for part in gemeente)
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(scaled)


@dataclass(frozen=True)
class ScaledSources:
    snapshot_dir: Path
    custom_dir: Path
    gemeenten_factor: int
    focus_gemeenten: int

    @property
    def env(self) -> dict[str, str]:
        return {
            "ONTCIJFERD_SNAPSHOT_DIR": str(self.snapshot_dir),
            "ONTCIJFERD_CUSTOM_DIR": str(self.custom_dir),
        }


def gebieden_rows(snapshot_dir: Path | None = None) -> list[dict]:
    """Today's Gebieden in Nederland rows of a snapshot (the embedded one by default)."""
    source = SnapshotSource(snapshot_dir or SNAPSHOT_DIR)
    return source.fetch(REGISTRY[CURRENT_REGION_TABLE], None).data


def default_scope(gebieden: list[dict]) -> RegionScope:
    """The scope a run with the default configuration (Overijssel) resolves from them."""
    return resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden))


def focus_gemeente_codes(scope: RegionScope) -> set[str]:
    """The gemeenten of a default scope: the focus province's (the ones split here)."""
    return {code for code in scope.codes if code.startswith("GM")}


def focus_gemeenten() -> dict[str, str]:
    """The focus province's gemeenten (code → name) in today's Gebieden in Nederland."""
    rows = gebieden_rows()
    codes = focus_gemeente_codes(default_scope(rows))
    return {
        str(r["Code_1"]).strip(): str(r["Naam_2"]).strip()
        for r in rows
        if str(r["Code_1"]).strip() in codes
    }


def write_scaled_sources(folder: Path, gemeenten_factor: int) -> ScaledSources:
    """The snapshot and custom files with every focus gemeente split into `gemeenten_factor`."""
    gemeenten = focus_gemeenten()
    parts = synthetic_gemeenten(gemeenten, gemeenten_factor)
    snapshot = folder / "snapshot"
    for table_id in REGISTRY:
        if (SNAPSHOT_DIR / table_id).is_dir():
            write_scaled_snapshot(snapshot, table_id, parts)
    write_scaled_custom(folder / "custom", parts)
    return ScaledSources(snapshot, folder / "custom", gemeenten_factor, len(gemeenten))
