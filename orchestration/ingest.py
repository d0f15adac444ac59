"""Where a CBS table enters: one Dagster asset per registry entry, loading `raw.cbs_<id>`."""

import dagster as dg

from orchestration.resources import OntcijferdRun
from orchestration.warehouse import load_raw_table
from sources.registry import REGISTRY, CbsTable

WAREHOUSE_POOL = "warehouse"  # every step that writes the DuckDB file shares one slot


def raw_asset_key(table: CbsTable) -> dg.AssetKey:
    # Matches dbt's default key for `source('raw', 'cbs_<id>')`, so lineage joins up by itself.
    return dg.AssetKey(["raw", table.asset_name])


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
        data = ontcijferd.source().fetch(table, ontcijferd.scope())
        with ontcijferd.build.connect() as con:
            rows = load_raw_table(con, table, data)
        context.log.info("Loaded %s rows of CBS %s from %s", rows, table.table_id, data.location)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "cbs_table_id": table.table_id,
                "release_date": data.release_date or "onbekend (not in the source)",
                "source": data.source,
                "location": data.location,
            }
        )

    return _load


raw_assets = [raw_table_asset(t) for t in REGISTRY.values()]
