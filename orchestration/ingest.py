"""Where a CBS table enters: one Dagster asset per registry entry, loading `raw.cbs_<id>`."""

import dagster as dg

from orchestration.resources import OntcijferdRun
from orchestration.warehouse import load_custom_releases, load_raw_table
from sources.custom import CUSTOM_SOURCES, CustomSource, read_releases
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
        loaded = read_releases(source, ontcijferd.province_codes(), ontcijferd.settings.custom_dir)
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
