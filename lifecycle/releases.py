"""Release bookkeeping: which CBS releases, custom files and code a warehouse holds.

Read by the refresh plan (lifecycle/refresh.py: what is new?) and by the publish step (is this
build any different from what is published?).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import duckdb

from sources.config import REPO_ROOT, Settings

# What the published figures are computed with, besides the data: the dbt project.
CODE_PATHS = (
    "dbt_project/dbt_project.yml",
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/seeds",
    "lifecycle/indicators.yaml",
)

PUBLICATION_DDL = """
create schema if not exists meta;
create table if not exists meta.publication (
    published_at timestamp, run_id varchar, code_fingerprint varchar
);
-- The rows of marts.indicator_value_history at publication, so that the next run can tell a
-- history that lost rows (lifecycle/build.py); empty for publications before it was recorded.
alter table meta.publication add column if not exists history_rows bigint;
-- The indicators whose implausible changes the run's starter accepted ('all': every one),
-- comma-separated: their values as published then are the new baseline for drift
-- (lifecycle/plausibility.py).
alter table meta.publication add column if not exists accepted_changes varchar;
-- The focus province the warehouse was built for: what the report is about, whatever the
-- configuration says today (lifecycle/releases.py: published_focus).
alter table meta.publication add column if not exists focus_province varchar;
-- Described in Dutch in the file itself, like the dbt tables (dbt_project/macros/persist_docs.sql).
comment on table meta.publication is
    'Elke publicatie van dit warehouse: wanneer, door welke run, met welke code.';
comment on column meta.publication.published_at is 'Tijdstip van publicatie (UTC).';
comment on column meta.publication.run_id is 'Dagster-run die publiceerde.';
comment on column meta.publication.code_fingerprint is
    'Vingerafdruk van de code (dbt-project, registry) waarmee gebouwd is.';
comment on column meta.publication.history_rows is
    'Aantal rijen van marts.indicator_value_history bij publicatie.';
comment on column meta.publication.accepted_changes is
    'Indicatoren waarvan de starter van de run een onwaarschijnlijke verandering accepteerde '
    '(all: alle), met komma''s gescheiden.';
comment on column meta.publication.focus_province is
    'Focusprovincie waarvoor gebouwd is (gemeenten en COROP-gebieden).';
"""
HISTORY = ("marts", "indicator_value_history")


@dataclass(frozen=True)
class LoadedRelease:
    release_id: str
    selection: str
    loaded_at: dt.datetime
    modified: str | None
    source_mode: str
    row_count: int
    # A checksum of the rows and categories loaded (sources/tabledata.py: content_fingerprint);
    # None in a warehouse published before it was recorded.
    content: str | None = None

    @property
    def hint(self) -> str:
        """The release hint this release was loaded under (CBS's `Modified`, or the snapshot's
        checksum), also when it is a correction under that hint (`release_id_for`)."""
        return self.release_id.split(CORRECTION)[0]


CORRECTION = " correctie "


def release_id_for(offered: str | None, loaded: LoadedRelease | None, content: str) -> str:
    """CBS's release (`Modified`); a checksum of the content where CBS gives none; and where CBS
    changed figures under a release already loaded, a release of its own, so that the history
    keeps the figures it replaces."""
    if offered is None:
        return f"content-{content[:16]}"
    if loaded is not None and loaded.hint == offered and loaded.content not in (None, content):
        return f"{offered}{CORRECTION}{content[:8]}"
    return offered


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


def quoted_name(*parts: str) -> str:
    """A (schema-qualified) SQL identifier, quoted: a name never becomes SQL of its own."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    """Whether `schema.table` of the current database has `column`."""
    return bool(
        con.execute(
            "select count(*) from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        ).fetchone()[0]
    )


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether `schema.name` exists in the current database."""
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def loaded_releases(con: duckdb.DuckDBPyConnection) -> dict[str, LoadedRelease]:
    """Per CBS table, the release `raw.cbs_<id>` holds now: the last one loaded."""
    if not has_table(con, "raw", "cbs_releases"):
        return {}
    content = "content" if has_column(con, "raw", "cbs_releases", "content") else "null"
    rows = con.execute(
        "select table_id, release_id, selection, loaded_at, modified, source_mode, row_count, "
        f"{content} from raw.cbs_releases qualify row_number() over "
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


def code_fingerprint(settings: Settings) -> str:
    """A checksum of the dbt project and the focus province it is built for."""
    digest = hashlib.sha256(settings.scope.focus_province.encode())
    for root in CODE_PATHS:
        path = REPO_ROOT / root
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(REPO_ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def warehouse_inputs(con: duckdb.DuckDBPyConnection) -> dict:
    """What a warehouse was built from: CBS releases and their content, custom files, code (for
    'anything new?': a table reloaded with other figures under the same release is new)."""
    tables = {t: (r.release_id, r.selection, r.content) for t, r in loaded_releases(con).items()}
    custom = []
    if has_table(con, "raw", "custom_releases"):
        custom = con.execute(
            "select source_id, release, sha256 from raw.custom_releases order by all"
        ).fetchall()
    code = None
    if has_table(con, "meta", "publication"):
        row = con.execute(
            "select code_fingerprint from meta.publication order by published_at desc limit 1"
        ).fetchone()
        code = row[0] if row else None
    return {"tables": tables, "custom": [tuple(r) for r in custom], "code": code}


def record_publication(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> None:
    con.execute(PUBLICATION_DDL)
    history = con.execute("select count(*) from marts.indicator_value_history").fetchone()[0]
    con.execute(
        "insert into meta.publication "
        "(published_at, run_id, code_fingerprint, history_rows, accepted_changes, focus_province) "
        "values (?, ?, ?, ?, ?, ?)",
        [
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            run_id,
            code_fingerprint(settings),
            history,
            ",".join(sorted(settings.accept_changes)),
            settings.scope.focus_province,
        ],
    )


def published_focus(con: duckdb.DuckDBPyConnection) -> str | None:
    """The focus province the published warehouse on `con` was built for; None for a
    publication made before it was recorded."""
    if not has_column(con, "meta", "publication", "focus_province"):
        return None
    row = con.execute(
        "select focus_province from meta.publication order by published_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def history_loss(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the value history of the published warehouse on `con` cannot be carried over (rows
    or tables removed since it was published: an edit outside a run, or a bug), else None."""
    if not has_table(con, "marts", "indicator_values"):
        return None  # not a publication of ours
    if not has_table(con, "meta", "publication"):
        return "its record of publications (meta.publication) is missing"
    # `history_rows` is absent from publications made before it was recorded.
    recorded_column = (
        "history_rows" if has_column(con, "meta", "publication", "history_rows") else "null"
    )
    last = con.execute(
        f"select {recorded_column}, published_at from meta.publication "
        "order by published_at desc limit 1"
    ).fetchone()
    if last is None:
        return "its record of publications (meta.publication) is empty"
    if not has_table(con, *HISTORY):
        return "its value history (marts.indicator_value_history) is missing"
    recorded, published_at = last
    held = con.execute("select count(*) from marts.indicator_value_history").fetchone()[0]
    if recorded is not None and held < recorded:
        return (
            f"its value history (marts.indicator_value_history) holds {held} rows where "
            f"{recorded} were published on {published_at:%Y-%m-%d %H:%M} UTC"
        )
    return None
