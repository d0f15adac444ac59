"""The DuckDB warehouse: build in a private file, publish by atomic rename, load raw CBS tables.

A run never writes the published file. It copies the last published warehouse into
`<warehouse dir>/.build/next.duckdb` (so a run of a few assets still sees everything else),
writes there, and `publish()` renames it over the published file only after every blocking
check passed. Analysts holding the published file open read-only keep reading the old file
and are never blocked; a failed or killed run leaves the published file untouched.

Each publication records its SHA-256 beside the file (`ontcijferd.duckdb.sha256`) and keeps a
copy as the last good publication (`.last_good/`). A published file that no longer matches its
checksum (truncated, overwritten, changed outside a run) is never trusted: the next run starts
from the last good copy — so the value history survives — and publishes again.
No Dagster imports: the CLI, the tests and Dagster assets share this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from sources.custom import CustomSource, Release
from sources.custom import release_date as custom_release_date
from sources.registry import CbsTable
from sources.tabledata import CbsDataError, CbsTableData


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse build lock."""


def checksum_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".sha256")


def last_good_path(published: Path) -> Path:
    """The copy of the last publication, kept beside the published file."""
    return published.parent / ".last_good" / published.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def damage(warehouse: Path) -> str | None:
    """Why the warehouse file at `warehouse` cannot be trusted; None if it is sound (or absent).

    The checksum recorded at publication decides; a file published before checksums were
    recorded must at least open and answer for its main tables.
    """
    if not warehouse.exists():
        return None
    recorded = checksum_file(warehouse)
    if recorded.is_file():
        if _sha256(warehouse) != recorded.read_text(encoding="utf-8").split()[0]:
            return (
                f"its contents differ from the checksum recorded at publication ({recorded.name})"
                ": truncated, overwritten or changed outside a run"
            )
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            for table in ("marts.indicator_values", "raw.cbs_releases"):
                con.execute(f"select count(*) from {table}").fetchone()
        finally:
            con.close()
    except duckdb.Error as err:
        return f"DuckDB cannot read it: {str(err).splitlines()[0]}"
    return None


def trusted_publication(published: Path) -> Path | None:
    """What a run starts from and compares with: the published warehouse if it is sound, else
    the last good publication kept beside it, else nothing."""
    for candidate in (published, last_good_path(published)):
        if candidate.exists() and damage(candidate) is None:
            return candidate
    return None


def _write_checksum(warehouse: Path, digest: str, run_id: str) -> None:
    pending = checksum_file(warehouse).with_suffix(".pending")
    pending.write_text(f"{digest}  {warehouse.name}  run {run_id}\n", encoding="utf-8")
    os.replace(pending, checksum_file(warehouse))


def _keep_as_last_good(source: Path, published: Path, digest: str, run_id: str) -> None:
    last_good = last_good_path(published)
    last_good.parent.mkdir(parents=True, exist_ok=True)
    copying = last_good.with_suffix(".copying")
    shutil.copyfile(source, copying)
    os.replace(copying, last_good)
    _write_checksum(last_good, digest, run_id)


class WarehouseBuild:
    def __init__(self, published: Path, build_file: Path, run_id: str) -> None:
        self.published = published
        self.build_dir = build_file.parent
        self.run_id = run_id
        self.path = build_file
        self._marker = self.build_dir / "next.run_id"
        self._lock_file = None
        self._database: duckdb.DuckDBPyConnection | None = None

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
            build._lock_file.close()
            raise WarehouseBusyError(build._busy_message()) from None
        marker = build._marker.read_text().strip() if build._marker.exists() else None
        if marker != run_id:  # a new run (or the leftovers of a crashed one): start afresh
            build._reset()
        return build

    def _busy_message(self) -> str:
        holder = self._marker.read_text().strip() if self._marker.exists() else "unknown"
        return (
            f"Another run (run id {holder}) is building the warehouse in {self.build_dir}; "
            "this run did not start. Try again when it has finished."
        )

    @classmethod
    def busy(cls, published: Path, build_file: Path) -> str | None:
        """Why a run cannot start now (another process holds the build lock), else None.

        The lock is the kernel's (flock): a killed run's lock is gone with its process.
        """
        build = cls(published, build_file, "check")
        try:
            with open(build.build_dir / "lock", "a+") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
        except BlockingIOError:
            return build._busy_message()
        except OSError:
            return None  # no folder yet, or not writable: the run itself says so
        return None

    def _reset(self) -> None:
        for leftover in (self.path, self.path.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        origin = trusted_publication(self.published)
        try:
            if origin is not None:
                shutil.copyfile(origin, self.path)
            self._marker.write_text(self.run_id)
        except OSError as err:
            raise OSError(
                f"Cannot prepare the warehouse build {self.path} (disk full or not writable?): "
                f"{err}"
            ) from err

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the build file. The database stays open in this process between
        connections (opening it costs ~25 ms and closing it a checkpoint, for each of the ~30
        steps of a run) until `close_database`: before dbt opens the file from its own
        process, before publishing and when the run ends."""
        if self._database is None:
            self._database = duckdb.connect(str(self.path))
        con = self._database.cursor()
        try:
            yield con
        finally:
            con.close()

    def close_database(self) -> None:
        """Close the build file in this process (checkpointed), so another process can open it."""
        if self._database is not None:
            self._database.close()
            self._database = None

    def publish(self) -> Path:
        """Checkpoint the build, keep a copy as the last good publication, then atomically
        replace the published warehouse with it and record its checksum.

        A kill between the rename and the checksum leaves a file whose checksum does not match:
        the next run then starts from the last good copy, which is already this build.
        """
        with self.connect() as con:
            con.execute("checkpoint")
        self.close_database()
        digest = _sha256(self.path)
        _keep_as_last_good(self.path, self.published, digest, self.run_id)
        os.replace(self.path, self.published)
        _write_checksum(self.published, digest, self.run_id)
        dir_fd = os.open(self.published.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._marker.unlink(missing_ok=True)
        return self.published

    def discard(self) -> None:
        """Drop the build (nothing to publish); the published warehouse is left as it is.

        A sound publication from before checksums were recorded gets its checksum and last
        good copy now.
        """
        self.close_database()
        if not checksum_file(self.published).exists() and trusted_publication(self.published):
            digest = _sha256(self.published)
            _keep_as_last_good(self.published, self.published, digest, self.run_id)
            _write_checksum(self.published, digest, self.run_id)
        for leftover in (self.path, self.path.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        self._marker.unlink(missing_ok=True)

    def release(self) -> None:
        self.close_database()
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


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
    source_mode varchar, location varchar, row_count bigint, loaded_at timestamp
);
create schema if not exists history;
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


@dataclass(frozen=True)
class LoadedRelease:
    release_id: str
    selection: str
    loaded_at: dt.datetime
    modified: str | None
    source_mode: str
    row_count: int


def metadata_table_rows(
    con: duckdb.DuckDBPyConnection, names: list[str]
) -> dict[str, tuple[int, int]]:
    """Per metadata table in schema raw: its rows and the tables or custom sources it describes."""
    counts = {}
    for name in names:
        key = "source_id" if name == "custom_releases" else "table_id"
        counts[name] = (
            con.execute(f"select count(*), count(distinct {key}) from raw.{name}").fetchone()
            if has_table(con, "raw", name)
            else (0, 0)
        )
    return counts


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def loaded_releases(con: duckdb.DuckDBPyConnection) -> dict[str, LoadedRelease]:
    """Per CBS table, the release `raw.cbs_<id>` holds now: the last one loaded."""
    if not has_table(con, "raw", "cbs_releases"):
        return {}
    rows = con.execute(
        "select table_id, release_id, selection, loaded_at, modified, source_mode, row_count "
        "from raw.cbs_releases qualify row_number() over "
        "(partition by table_id order by loaded_at desc) = 1"
    ).fetchall()
    return {table_id: LoadedRelease(*rest) for table_id, *rest in rows}


def loaded_release(con: duckdb.DuckDBPyConnection, table_id: str) -> LoadedRelease | None:
    return loaded_releases(con).get(table_id)


def loaded_columns(con: duckdb.DuckDBPyConnection, table_id: str, source_mode: str) -> set[str]:
    """The DataProperties keys of the loaded release, if it came from the same kind of source.

    The snapshot's DataProperties list only the columns kept from the raw files, so a first
    live load is not compared with them.
    """
    if not has_table(con, "raw", "cbs_data_properties"):
        return set()
    rows = con.execute(
        "select p.key from raw.cbs_data_properties p join raw.cbs_table_infos i using (table_id) "
        "where p.table_id = ? and i.source_mode = ?",
        [table_id, source_mode],
    ).fetchall()
    return {key for (key,) in rows}


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
        present = {
            name
            for (name,) in con.execute(
                f"select name from pragma_table_info('{history}')"
            ).fetchall()
        }
        for column, dtype, *_ in con.execute("describe incoming_history").fetchall():
            if column not in present:
                con.execute(f'alter table {history} add column "{column}" {dtype}')
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
) -> int:
    """Replace `raw.<table>`, its metadata and add the release to its history: one transaction.

    `raw.cbs_<id>` holds the latest release (what the dbt models read); `history.cbs_<id>` keeps
    every release loaded, keyed by `release_id` (CBS's TableInfos.Modified, or a checksum where
    the source has none); `raw.cbs_releases` lists them.
    """
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
                info.get("Status"),
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
