"""What one CBS table looks like once fetched, from the snapshot or live: the same object.

`select_table_data` applies the registry's slices and the region scope to the entity sets that
`cbsodata.download_data` returns (`{name: rows}`, codes intact), so that both sources hand
exactly the same rows to the warehouse.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from sources.registry import CbsTable, Slice
from sources.scope import RegionScope

DATA_SET = "TypedDataSet"
METADATA_SETS = ("TableInfos", "DataProperties")

Row = dict[str, Any]


class CbsDataError(ValueError):
    """CBS delivered something the registry does not expect; the message names table and column."""


class CbsSchemaChangedError(CbsDataError):
    """CBS added or removed a measure or dimension since the release the warehouse holds."""


DIMENSION_TYPES = ("Dimension", "GeoDimension", "TimeDimension", "GeoDetail")


def schema_changes(table: CbsTable, previous: set[str], current: set[str]) -> str | None:
    """What CBS changed in a table's DataProperties keys between two releases, as one message.

    A column the registry entry asks for is ours to add or drop (the snapshot's DataProperties
    list only those), so only a column CBS added beyond them, or one of them CBS stopped
    delivering, counts.
    """
    asked = set(table.dimensions) | set(table.measures)
    added, removed = sorted(current - previous - asked), sorted((previous - current) & asked)
    if not added and not removed:
        return None
    parts = []
    if added:
        parts.append(f"new column(s) {', '.join(added)}")
    if removed:
        parts.append(f"column(s) no longer delivered: {', '.join(removed)}")
    return (
        f"CBS table {table.table_id} changed its structure since the loaded release: "
        + "; ".join(parts)
        + ". Check the registry entry (sources/registry.py), then accept it with "
        f"`ontcijferd run --accept-schema {table.table_id}`"
    )


@dataclass(frozen=True)
class CbsTableData:
    table_id: str
    data: list[Row]  # TypedDataSet rows: dimension keys as CBS sends them (padded), measures typed
    dimensions: Mapping[str, list[Row]]  # per dimension the categories present in `data`
    data_properties: list[Row]
    table_info: Row  # the single TableInfos row; `Modified` is CBS's release date
    source: str  # "snapshot" or "live"
    location: str  # snapshot folder or OData URL

    @property
    def release_date(self) -> str | None:
        return self.table_info.get("Modified")


DISCONTINUED_STATUSES = ("gediscontinueerd", "gestopt", "discontinued", "stopped")


def lifecycle_note(table: CbsTable, info: Mapping[str, Any]) -> str | None:
    """What to tell the data team when CBS marks a registered table as discontinued: real
    TableInfos say so in `OutputStatus` ("Gediscontinueerd"; regular tables "Regulier")."""
    status = str(info.get("OutputStatus") or "")
    if status.lower() not in DISCONTINUED_STATUSES:
        return None
    follow = (
        f"its successor {table.successor} is registered and continues the series"
        if table.successor
        else "no successor is registered: find it on StatLine and add it to sources/registry.py"
    )
    return (
        f"CBS table {table.table_id} is discontinued (TableInfos.OutputStatus '{status}'); {follow}"
    )


def selection_fingerprint(table: CbsTable, scope: RegionScope | None) -> str:
    """What we ask of a table: its registry entry and the region scope, as a short checksum.

    A release already loaded is only skipped when it was loaded with the same selection; a
    changed registry entry or region scope reloads the table.
    """
    parts = [repr(table)]
    if scope is not None:
        parts += [repr(scope.config), *sorted(scope.codes), "|", *sorted(scope.focus_codes)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def content_fingerprint(data: CbsTableData) -> str:
    """A checksum of what was delivered — rows and category lists, in any order: CBS can
    correct figures without a new `Modified`, and a split request returns rows in another
    order than a single one."""
    digest = hashlib.sha256()
    for row in sorted(json.dumps(r, sort_keys=True, default=str) for r in data.data):
        digest.update(row.encode())
    digest.update(json.dumps(data.dimensions, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def period_kind(period_key: str) -> str:
    """`2024JJ00` → `JJ`; the two letters after the year name the kind of period."""
    return period_key.strip()[4:6]


def slice_region_codes(
    table: CbsTable, slice_: Slice, scope: RegionScope | None
) -> set[str] | None:
    """The region keys a slice keeps, in the table's own coding (None: no region filter)."""
    if not table.region_dimension or slice_.regions == "none" or scope is None:
        return None
    codes = scope.codes if slice_.regions == "scope" else scope.focus_codes
    return {table.region_key_aliases.get(code, code) for code in codes}


def resolve_slice(
    table: CbsTable, slice_: Slice, categories: Mapping[str, Sequence[Row]], location: str
) -> Slice:
    """The slice with its categories chosen by title turned into the keys CBS lists for them.

    `categories` holds the table's category list per dimension (Key, Title). A title CBS does
    not list fails, naming table, dimension and title, with the nearest titles it does list.
    """
    if not slice_.category_titles:
        return slice_
    codes = dict(slice_.dimension_codes)
    for dimension, titles in slice_.category_titles.items():
        by_title = {
            str(c.get("Title") or "").strip(): str(c["Key"]).strip() for c in categories[dimension]
        }
        missing = [t for t in titles if t not in by_title]
        if missing:
            near = {
                t: difflib.get_close_matches(t, list(by_title), n=3, cutoff=0.6) for t in missing
            }
            raise CbsDataError(
                f"CBS table {table.table_id}: no category titled "
                + ", ".join(
                    f"{t!r}" + (f" (near: {', '.join(near[t])})" if near[t] else "")
                    for t in missing
                )
                + f" in dimension {dimension} at {location}; the registry chooses it by title"
            )
        codes[dimension] = tuple(codes.get(dimension, ())) + tuple(by_title[t] for t in titles)
    return replace(
        slice_, dimension_codes=MappingProxyType(codes), category_titles=MappingProxyType({})
    )


def unlisted_keys(
    slices: Sequence[Slice], categories: Mapping[str, Sequence[Row]]
) -> dict[str, list[str]]:
    """Per dimension, the category keys the slices select that its category list does not hold
    (a dimension without a list in `categories` holds none)."""
    unlisted = {}
    for dimension in dict.fromkeys(d for s in slices for d in s.dimension_codes):
        listed = {str(c.get("Key") or "").strip() for c in categories.get(dimension, ())}
        codes = dict.fromkeys(code for s in slices for code in s.dimension_codes.get(dimension, ()))
        missing = [code for code in codes if code not in listed]
        if missing:
            unlisted[dimension] = missing
    return unlisted


def unlisted_selection(
    table: CbsTable, slices: Sequence[Slice], categories: Mapping[str, Sequence[Row]]
) -> list[str]:
    """What the registry selects that the table's own category lists do not hold, in words:
    the category keys of the (resolved) slices (`Geslacht '3000', '4000'`) and the registered
    kinds of period (`Perioden of kind 'MM'`).

    A selection CBS no longer lists selects no rows from CBS (its `$filter` matches nothing) —
    all of them, or silently those of one category when a slice keeps several.
    """
    unlisted = [
        f"{dimension} {', '.join(map(repr, codes))}"
        for dimension, codes in unlisted_keys(slices, categories).items()
    ]
    periods = categories.get(table.period_dimension or "")
    if periods is not None:
        listed = {period_kind(str(c["Key"])) for c in periods}
        missing = [repr(kind) for kind in table.period_kinds or () if kind not in listed]
        if missing:
            unlisted.append(f"{table.period_dimension} of kind {', '.join(missing)}")
    return unlisted


def _slice_matches(table: CbsTable, slice_: Slice, wanted: set[str] | None, row: Row) -> bool:
    """Whether a row belongs to a slice; `wanted` is the slice's region keys (None: all)."""
    for dimension, codes in slice_.dimension_codes.items():
        if str(row[dimension]).strip() not in codes:
            return False
    if wanted is not None and str(row[table.region_dimension]).strip() not in wanted:
        return False
    return not (
        table.period_dimension
        and table.period_kinds is not None
        and period_kind(str(row[table.period_dimension])) not in table.period_kinds
    )


def select_table_data(
    table: CbsTable,
    scope: RegionScope | None,
    entity_sets: Mapping[str, Sequence[Row]],
    *,
    source: str,
    location: str,
) -> CbsTableData:
    """Keep the registered columns and the rows of any of the table's slices within scope."""
    for name in (DATA_SET, *METADATA_SETS, *table.dimensions):
        if name not in entity_sets:
            raise CbsDataError(
                f"CBS table {table.table_id}: entity set {name!r} missing from {location} "
                f"(got: {', '.join(sorted(entity_sets)) or 'nothing'})"
            )
    raw_rows = entity_sets[DATA_SET]
    new_dimensions = [
        p["Key"]
        for p in entity_sets["DataProperties"]
        if p.get("Type") in DIMENSION_TYPES and p.get("Key") not in table.dimensions
    ]
    if new_dimensions:
        raise CbsDataError(
            f"CBS table {table.table_id}: dimension(s) {', '.join(new_dimensions)} at {location} "
            "are not in the registry: each row now means something else"
        )
    if raw_rows:
        delivered = list(raw_rows[0])
        missing = [c for c in (*table.dimensions, *table.measures) if c not in delivered]
        if missing:
            hints = {c: difflib.get_close_matches(c, delivered, n=1, cutoff=0.7) for c in missing}
            renamed = [f"{c} → {h[0]}?" for c, h in hints.items() if h]
            raise CbsDataError(
                f"CBS table {table.table_id}: column(s) {', '.join(missing)} missing from "
                f"{DATA_SET} at {location}; the registry expects them"
                + (f" (renamed: {', '.join(renamed)})" if renamed else "")
            )
    columns = (*table.dimensions, *table.measures)
    kept: dict[tuple, Row] = {}
    # Titles are resolved only where there are rows to select: an empty table (live-only in
    # the snapshot) has no category list to resolve them against.
    slices = [
        (
            resolve_slice(table, s, entity_sets, location) if raw_rows else s,
            slice_region_codes(table, s, scope),
        )
        for s in table.slices
    ]
    for row in raw_rows:
        if any(_slice_matches(table, s, wanted, row) for s, wanted in slices):
            key = tuple(row[d] for d in table.dimensions)
            values = {c: row[c] for c in columns}
            # Slices may overlap (the same row fetched twice); two different rows for one key
            # mean CBS added a dimension or sent a duplicate.
            if kept.setdefault(key, values) != values:
                raise CbsDataError(
                    f"CBS table {table.table_id}: two different rows for "
                    f"{dict(zip(table.dimensions, key, strict=True))} at {location}"
                )
    data = list(kept.values())

    dimensions = {}
    for dimension in table.dimensions:
        used = {str(r[dimension]) for r in data}
        dimensions[dimension] = [c for c in entity_sets[dimension] if str(c["Key"]) in used]

    table_infos = list(entity_sets["TableInfos"])
    if len(table_infos) != 1:
        raise CbsDataError(
            f"CBS table {table.table_id}: expected one TableInfos row at {location}, "
            f"got {len(table_infos)}"
        )
    return CbsTableData(
        table_id=table.table_id,
        data=data,
        dimensions=dimensions,
        data_properties=list(entity_sets["DataProperties"]),
        table_info=dict(table_infos[0]),
        source=source,
        location=location,
    )
