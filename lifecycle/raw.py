"""Loading raw data into the warehouse build: a CBS table with its metadata and release, or the
releases of a custom file — each all or nothing, in one transaction.

`raw.cbs_<id>` holds the latest release (what the dbt models read); `history.cbs_<id>` keeps
every release loaded; `raw.cbs_releases` lists them (lifecycle/releases.py reads them back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import pandas as pd

from lifecycle.releases import quoted_name
from sources.custom import CustomSource, Release
from sources.custom import release_date as custom_release_date
from sources.registry import CbsTable
from sources.tabledata import CbsDataError, CbsTableData, content_fingerprint


def _replace_raw(
    con: duckdb.DuckDBPyConnection,
    ddl: str,
    table: str,
    frame: pd.DataFrame,
    metadata: list[tuple[str, dict[str, str], pd.DataFrame]],
    also: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> None:
    """Replace `raw.<table>` and, per metadata table, the rows of one key: all or nothing.

    `also` adds more statements to the same transaction (the release history of a CBS table).
    """
    con.execute("begin transaction")
    try:
        con.execute(ddl)
        con.register("incoming_rows", frame)
        con.execute(f"create or replace table raw.{table} as select * from incoming_rows")
        con.unregister("incoming_rows")
        for meta_table, key, rows in metadata:
            where = " and ".join(f"{column} = ?" for column in key)
            con.execute(f"delete from raw.{meta_table} where {where}", list(key.values()))
            if len(rows):
                con.register("incoming_meta", rows)
                con.execute(f"insert into raw.{meta_table} by name select * from incoming_meta")
                con.unregister("incoming_meta")
        if also is not None:
            also(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


CUSTOM_RELEASES_DDL = """
create schema if not exists raw;
create table if not exists raw.custom_releases (
    source_id varchar, release varchar, title varchar, publisher varchar, source_url varchar,
    published varchar, release_date date, unit varchar, file varchar, sha256 varchar,
    row_count bigint, loaded_at timestamp
);
"""


def load_custom_releases(
    con: duckdb.DuckDBPyConnection, source: CustomSource, loaded: list[tuple[Release, pd.DataFrame]]
) -> int:
    """Replace `raw.custom_<source>` with every release's rows and record each release."""
    columns = [*source.columns, "region_code", "release"]
    frame = pd.concat(
        [rows[columns] for _, rows in loaded] or [pd.DataFrame(columns=columns)],
        ignore_index=True,
    ).astype({c: "string" for c in columns if c not in ("jaar", "waarde")})
    frame = frame.astype({"jaar": "Int64", "waarde": "float64"})
    meta = pd.DataFrame(
        [
            {
                "source_id": source.source_id,
                "release": release.release_id,
                "title": release.metadata["title"],
                "publisher": release.metadata["publisher"],
                "source_url": release.metadata["source_url"],
                "published": release.metadata["published"],
                "release_date": custom_release_date(release),
                "unit": source.unit,
                "file": f"{release.path.parent.name}/{release.path.name}",
                "sha256": release.sha256,
                "row_count": len(rows),
                "loaded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            }
            for release, rows in loaded
        ],
        columns=[
            "source_id",
            "release",
            "title",
            "publisher",
            "source_url",
            "published",
            "release_date",
            "unit",
            "file",
            "sha256",
            "row_count",
            "loaded_at",
        ],
    )
    meta["release_date"] = pd.to_datetime(meta["release_date"]).dt.date
    _replace_raw(
        con,
        CUSTOM_RELEASES_DDL,
        source.asset_name,
        frame,
        [("custom_releases", {"source_id": source.source_id}, meta)],
    )
    return len(frame)


METADATA_DDL = """
create schema if not exists raw;
create table if not exists raw.cbs_table_infos (
    table_id varchar, title varchar, modified varchar, reason_delivery varchar,
    status varchar, frequency varchar, period varchar,
    source_mode varchar, location varchar, loaded_at timestamp, row_count bigint
);
create table if not exists raw.cbs_data_properties (
    table_id varchar, position integer, key varchar, type varchar, title varchar,
    unit varchar, decimals integer, description varchar
);
create table if not exists raw.cbs_dimension_categories (
    table_id varchar, dimension varchar, key varchar, title varchar, description varchar,
    status varchar
);
create table if not exists raw.cbs_releases (
    table_id varchar, release_id varchar, modified varchar, selection varchar,
    source_mode varchar, location varchar, row_count bigint, loaded_at timestamp,
    content varchar
);
-- Warehouses published before the content checksum was recorded.
alter table raw.cbs_releases add column if not exists content varchar;
create schema if not exists history;
"""


def _data_frame(table: CbsTable, rows: list[dict]) -> pd.DataFrame:
    columns = (*table.dimensions, *table.measures)
    frame = pd.DataFrame(rows, columns=list(columns))
    for dim in table.dimensions:
        frame[dim] = frame[dim].astype("string")
    for measure in table.measures:
        if measure in table.text_measures:
            frame[measure] = frame[measure].astype("string")
            continue
        try:
            frame[measure] = pd.to_numeric(frame[measure], errors="raise").astype("float64")
        except (ValueError, TypeError) as err:
            raise CbsDataError(
                f"CBS table {table.table_id}, column {measure}: non-numeric value ({err})"
            ) from err
    return frame


def create_unloaded_raw_table(con: duckdb.DuckDBPyConnection, table: CbsTable) -> None:
    """`raw.cbs_<id>` with the registered columns and no rows, for a table CBS does not serve
    and nothing of which was ever loaded (its successor continues the series): the models that
    read it see no figures rather than a missing table. No release is recorded."""
    con.execute("create schema if not exists raw")
    con.register("unloaded_rows", _data_frame(table, []))
    con.execute(f"create table if not exists raw.{table.asset_name} as select * from unloaded_rows")
    con.unregister("unloaded_rows")


def _keep_in_history(table: CbsTable, frame: pd.DataFrame, release_id: str):
    """Add this release's rows to `history.cbs_<id>` (every release loaded, kept)."""

    def add(con: duckdb.DuckDBPyConnection) -> None:
        history = f"history.{table.asset_name}"
        con.register("incoming_history", frame)
        con.execute(
            f"create table if not exists {history} as "
            "select ''::varchar as release_id, * from incoming_history where false"
        )
        # A measure added to the registry later: older releases simply have no value for it.
        info = con.execute("select name from pragma_table_info(?)", [history]).fetchall()
        present = {name for (name,) in info}
        for column, dtype, *_ in con.execute("describe incoming_history").fetchall():
            if column not in present:
                con.execute(f"alter table {history} add column {quoted_name(column)} {dtype}")
        con.execute(f"delete from {history} where release_id = ?", [release_id])
        con.execute(
            f"insert into {history} by name "
            "select ?::varchar as release_id, * from incoming_history",
            [release_id],
        )
        con.unregister("incoming_history")

    return add


def load_raw_table(
    con: duckdb.DuckDBPyConnection,
    table: CbsTable,
    data: CbsTableData,
    release_id: str,
    selection: str,
    content: str | None = None,
) -> int:
    """Replace `raw.<table>`, its metadata and add the release to its history: one transaction.

    `raw.cbs_<id>` holds the latest release (what the dbt models read); `history.cbs_<id>` keeps
    every release loaded, keyed by `release_id` (CBS's TableInfos.Modified, or a checksum where
    the source has none); `raw.cbs_releases` lists them.
    """
    frame = _data_frame(table, data.data)
    info = data.table_info
    props = pd.DataFrame(
        [
            {
                "table_id": table.table_id,
                "position": p.get("Position"),
                "key": p.get("Key"),
                "type": p.get("Type"),
                "title": p.get("Title"),
                "unit": p.get("Unit"),
                "decimals": p.get("Decimals"),
                "description": p.get("Description"),
            }
            for p in data.data_properties
        ],
        columns=["table_id", "position", "key", "type", "title", "unit", "decimals", "description"],
    ).astype({"position": "Int64", "decimals": "Int64"})
    categories = pd.DataFrame(
        [
            {
                "table_id": table.table_id,
                "dimension": dim,
                "key": c.get("Key"),
                "title": c.get("Title"),
                "description": c.get("Description"),
                "status": c.get("Status"),
            }
            for dim, cats in data.dimensions.items()
            for c in cats
        ],
        columns=["table_id", "dimension", "key", "title", "description", "status"],
    ).astype("string")
    release = pd.DataFrame(
        [
            {
                "table_id": table.table_id,
                "release_id": release_id,
                "modified": info.get("Modified"),
                "selection": selection,
                "source_mode": data.source,
                "location": data.location,
                "row_count": len(frame),
                "loaded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "content": content or content_fingerprint(data),
            }
        ]
    )
    table_info = pd.DataFrame(
        [
            [
                table.table_id,
                info.get("Title"),
                info.get("Modified"),
                info.get("ReasonDelivery"),
                info.get("OutputStatus"),
                info.get("Frequency"),
                info.get("Period"),
                data.source,
                data.location,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                len(frame),
            ]
        ],
        columns=[
            "table_id",
            "title",
            "modified",
            "reason_delivery",
            "status",
            "frequency",
            "period",
            "source_mode",
            "location",
            "loaded_at",
            "row_count",
        ],
    )
    _replace_raw(
        con,
        METADATA_DDL,
        table.asset_name,
        frame,
        [
            ("cbs_table_infos", {"table_id": table.table_id}, table_info),
            ("cbs_data_properties", {"table_id": table.table_id}, props),
            ("cbs_dimension_categories", {"table_id": table.table_id}, categories),
            ("cbs_releases", {"table_id": table.table_id, "release_id": release_id}, release),
        ],
        also=_keep_in_history(table, frame, release_id),
    )
    return len(frame)
