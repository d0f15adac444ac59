"""The DuckDB warehouse: build in a private file, publish by atomic rename, load raw CBS tables.

A run never writes the published file. It copies the last published warehouse into
`<warehouse dir>/.build/next.duckdb` (so a run of a few assets still sees everything else),
writes there, and `publish()` renames it over the published file only after every blocking
check passed. Analysts holding the published file open read-only keep reading the old file
and are never blocked; a failed or killed run leaves the published file untouched.
No Dagster imports: the CLI, the tests and Dagster assets share this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from sources.custom import CustomSource, Release
from sources.custom import release_date as custom_release_date
from sources.registry import CbsTable
from sources.tabledata import CbsDataError, CbsTableData


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse build lock."""


class WarehouseBuild:
    def __init__(self, published: Path, build_file: Path, run_id: str) -> None:
        self.published = published
        self.build_dir = build_file.parent
        self.run_id = run_id
        self.path = build_file
        self._marker = self.build_dir / "next.run_id"
        self._lock_file = None

    @classmethod
    def begin(cls, published: Path, build_file: Path, run_id: str) -> WarehouseBuild:
        """Take the single-writer lock and, for a new run, start from the published warehouse."""
        build = cls(published, build_file, run_id)
        build_dir = build.build_dir
        try:
            build_dir.mkdir(parents=True, exist_ok=True)
            build._lock_file = open(build_dir / "lock", "a+")  # noqa: SIM115 (held for the run)
        except OSError as err:
            raise OSError(f"Warehouse folder {build_dir} is not writable: {err}") from err
        try:
            fcntl.flock(build._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = build._marker.read_text().strip() if build._marker.exists() else "unknown"
            build._lock_file.close()
            raise WarehouseBusyError(
                f"Another run (run id {holder}) is building the warehouse in {build_dir}; "
                "this run did not start. Try again when it has finished."
            ) from None
        marker = build._marker.read_text().strip() if build._marker.exists() else None
        if marker != run_id:  # a new run (or the leftovers of a crashed one): start afresh
            build._reset()
        return build

    def _reset(self) -> None:
        for leftover in (self.path, self.path.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        try:
            if self.published.exists():
                shutil.copyfile(self.published, self.path)
            self._marker.write_text(self.run_id)
        except OSError as err:
            raise OSError(
                f"Cannot prepare the warehouse build {self.path} (disk full or not writable?): "
                f"{err}"
            ) from err

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.path))
        try:
            yield con
        finally:
            con.close()  # always: a connection left open keeps the file locked for dbt

    def publish(self) -> Path:
        """Checkpoint the build and atomically replace the published warehouse with it."""
        with self.connect() as con:
            con.execute("checkpoint")
        self.published.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path, self.published)
        dir_fd = os.open(self.published.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._marker.unlink(missing_ok=True)
        return self.published

    def release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


def _replace_raw(
    con: duckdb.DuckDBPyConnection,
    ddl: str,
    table: str,
    frame: pd.DataFrame,
    metadata: list[tuple[str, str, str, pd.DataFrame]],
) -> None:
    """Replace `raw.<table>` and, per metadata table, the rows of one key: all or nothing."""
    con.execute("begin transaction")
    try:
        con.execute(ddl)
        con.register("incoming_rows", frame)
        con.execute(f"create or replace table raw.{table} as select * from incoming_rows")
        con.unregister("incoming_rows")
        for meta_table, key_column, key, rows in metadata:
            con.execute(f"delete from raw.{meta_table} where {key_column} = ?", [key])
            if len(rows):
                con.register("incoming_meta", rows)
                con.execute(f"insert into raw.{meta_table} select * from incoming_meta")
                con.unregister("incoming_meta")
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
        [("custom_releases", "source_id", source.source_id, meta)],
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
"""


def _data_frame(table: CbsTable, data: CbsTableData) -> pd.DataFrame:
    columns = (*table.dimensions, *table.measures)
    frame = pd.DataFrame(data.data, columns=list(columns))
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


def load_raw_table(con: duckdb.DuckDBPyConnection, table: CbsTable, data: CbsTableData) -> int:
    """Replace `raw.<table>` and the table's slice of the metadata tables, in one transaction."""
    frame = _data_frame(table, data)
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
    table_info = pd.DataFrame(
        [
            [
                table.table_id,
                info.get("Title"),
                info.get("Modified"),
                info.get("ReasonDelivery"),
                info.get("Status"),
                info.get("Frequency"),
                info.get("Period"),
                data.source,
                data.location,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                len(frame),
            ]
        ]
    )
    _replace_raw(
        con,
        METADATA_DDL,
        table.asset_name,
        frame,
        [
            ("cbs_table_infos", "table_id", table.table_id, table_info),
            ("cbs_data_properties", "table_id", table.table_id, props),
            ("cbs_dimension_categories", "table_id", table.table_id, categories),
        ],
    )
    return len(frame)
