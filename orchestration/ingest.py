"""Where a CBS table enters: one Dagster asset per registry entry, loading `raw.cbs_<id>`."""

import dagster as dg
import duckdb

from orchestration.refresh import Decision, decide
from orchestration.resources import OntcijferdRun
from orchestration.warehouse import (
    load_custom_releases,
    load_raw_table,
    loaded_columns,
    loaded_release,
)
from sources.custom import CUSTOM_SOURCES, CustomSource, read_releases
from sources.registry import REGISTRY, CbsTable
from sources.statline import CbsTableNotFoundError
from sources.tabledata import (
    CbsSchemaChangedError,
    content_release_id,
    lifecycle_note,
    schema_changes,
    selection_fingerprint,
)

WAREHOUSE_POOL = "warehouse"  # every step that writes the DuckDB file shares one slot


def raw_asset_key(table: CbsTable) -> dg.AssetKey:
    # Matches dbt's default key for `source('raw', 'cbs_<id>')`, so lineage joins up by itself.
    return dg.AssetKey(["raw", table.asset_name])


def refresh_table(
    ontcijferd: OntcijferdRun, table: CbsTable, con: duckdb.DuckDBPyConnection
) -> Decision:
    """Load a table's release into the build (`con`) unless the build already holds it.

    A release whose columns differ from the loaded one (a measure or dimension added, renamed
    or dropped by CBS) fails here, naming table and columns, unless accepted for this run.
    """
    source, scope = ontcijferd.source(), ontcijferd.scope()
    selection = selection_fingerprint(table, scope)
    loaded = loaded_release(con, table.table_id)
    previous_columns = loaded_columns(con, table.table_id, source.mode)
    try:
        offered = source.release_hint(table)
    except CbsTableNotFoundError as err:
        # A withdrawn table whose series goes on in its registered successor: keep the last
        # loaded release and say so; without a successor (or nothing loaded) the run fails.
        if table.successor and loaded:
            return Decision(
                False,
                f"CBS no longer serves {table.table_id} (HTTP 404); its successor "
                f"{table.successor} continues the series; the loaded release "
                f"{loaded.release_id} stays",
            )
        raise CbsTableNotFoundError(
            f"{err} — no registered successor continues {table.table_id}; "
            "find it on StatLine and update sources/registry.py"
        ) from err
    decision = decide(loaded, offered, selection, ontcijferd.settings.refresh)
    note = lifecycle_note(table, source.table_info(table.table_id))
    if note:
        decision = Decision(decision.load, f"{decision.reason}; {note}")
    if not decision.load:
        return decision
    data = source.fetch(table, scope)
    release_id = offered or content_release_id(data)
    same = loaded and (loaded.release_id, loaded.selection) == (release_id, selection)
    if same and ontcijferd.settings.refresh == "changed":
        return Decision(False, "downloaded: same content as the loaded release")
    change = previous_columns and schema_changes(
        table, previous_columns, {p["Key"] for p in data.data_properties}
    )
    if change and table.table_id not in ontcijferd.settings.accept_schema:
        raise CbsSchemaChangedError(change)
    load_raw_table(con, table, data, release_id, selection)
    return decision


def raw_table_asset(table: CbsTable) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(table),
        group_name=f"raw_{table.theme}",
        kinds={"duckdb", "python"},
        description=f"CBS {table.table_id} — {table.title}. {table.notes}".strip(),
        metadata={"cbs_table_id": table.table_id, "measures": list(table.measures)},
        pool=WAREHOUSE_POOL,
    )
    def _load(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun):
        with ontcijferd.build.connect() as con:  # one connection per asset: each costs ~40 ms
            decision = refresh_table(ontcijferd, table, con)
            context.log.info(
                "CBS %s: %s (%s)",
                table.table_id,
                "loaded" if decision.load else "skipped",
                decision.reason,
            )
            current = loaded_release(con, table.table_id)
        return dg.MaterializeResult(
            metadata={
                "action": "loaded" if decision.load else "skipped",
                "reason": decision.reason,
                "release_id": current.release_id,
                "release_date": current.modified or "onbekend (not in the source)",
                "dagster/row_count": current.row_count,
                "cbs_table_id": table.table_id,
                "source": current.source_mode,
            }
        )

    return _load


def custom_file_asset(source: CustomSource) -> dg.AssetsDefinition:
    """Every release file of a custom CBS source, validated (pandera) into `raw.custom_<id>`.

    One bad file fails the asset with file, row and column named; nothing downstream runs and
    the published warehouse stays as it was.
    """

    @dg.asset(
        key=dg.AssetKey(["raw", source.asset_name]),
        group_name="raw_custom",
        kinds={"duckdb", "python"},
        description=f"CBS custom file: {source.title} ({source.unit}). {source.notes}".strip(),
        metadata={"unit": source.unit, "columns": list(source.columns)},
        pool=WAREHOUSE_POOL,
    )
    def _load(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun):
        loaded = read_releases(source, ontcijferd.region_codes(), ontcijferd.settings.custom_dir)
        with ontcijferd.build.connect() as con:
            rows = load_custom_releases(con, source, loaded)
        found = [release.release_id for release, _ in loaded]
        context.log.info("Loaded %s rows from %s release(s) of %s", rows, len(found), source.title)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "releases": found,
                "latest_release": found[-1] if found else "none",
            }
        )

    return _load


raw_assets = [raw_table_asset(t) for t in REGISTRY.values()] + [
    custom_file_asset(s) for s in CUSTOM_SOURCES.values()
]
