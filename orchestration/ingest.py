"""Where a CBS table enters: one Dagster asset per registry entry, loading `raw.cbs_<id>`.

Each materialization carries a data version: the CBS release and selection it holds. A run in
which CBS offered nothing new records the same data version as before — Dagster (and the UI)
see that the data did not change — with `action: skipped` and the reason.
"""

import dagster as dg

from lifecycle.raw import load_custom_releases
from lifecycle.refresh import refresh_table
from lifecycle.releases import loaded_release, metadata_table_rows
from orchestration.quality import contract_check_result, contract_check_spec
from orchestration.resources import OntcijferdRun, failure_in_words
from sources.custom import CUSTOM_SOURCES, CustomSource, read_releases
from sources.registry import REGISTRY, CbsTable


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
        # In this step rather than a step of its own: 26 fewer steps and connections a run.
        check_specs=[contract_check_spec(table, raw_asset_key(table))],
    )
    def _load(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun):
        with failure_in_words(f"CBS {table.table_id}"), ontcijferd.build.connect() as con:
            decision = refresh_table(
                table, con, ontcijferd.settings, ontcijferd.source(), ontcijferd.scope()
            )
            context.log.info(
                "CBS %s: %s (%s)",
                table.table_id,
                "loaded" if decision.load else "skipped",
                decision.reason,
            )
            current = loaded_release(con, table.table_id)
            contract = contract_check_result(table, con)
        # None: CBS does not serve the table and nothing of it was ever loaded (its successor
        # continues the series); raw.cbs_<id> is empty.
        held = (
            {
                "release_id": current.release_id,
                "release_date": current.modified or "onbekend (not in the source)",
                "dagster/row_count": current.row_count,
                "source": current.source_mode,
            }
            if current
            else {"release_id": "none", "dagster/row_count": 0}
        )
        return dg.MaterializeResult(
            data_version=dg.DataVersion(
                f"{current.release_id} {current.selection}" if current else "not served"
            ),
            metadata={
                "action": "loaded" if decision.load else "skipped",
                "reason": decision.reason,
                **({"notice": f"{table.table_id}: {decision.reason}"} if decision.notice else {}),
                **held,
                "cbs_table_id": table.table_id,
            },
            check_results=[contract],
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
    )
    def _load(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun):
        with failure_in_words(f"custom file {source.asset_name}"):
            loaded = read_releases(
                source, ontcijferd.region_codes(), ontcijferd.settings.custom_dir
            )
            with ontcijferd.build.connect() as con:
                rows = load_custom_releases(con, source, loaded)
        found = [release.release_id for release, _ in loaded]
        context.log.info("Loaded %s rows from %s release(s) of %s", rows, len(found), source.title)
        return dg.MaterializeResult(
            data_version=dg.DataVersion(" ".join(found)),
            metadata={
                "dagster/row_count": rows,
                "releases": found,
                "latest_release": found[-1] if found else "none",
            },
        )

    return _load


# The metadata tables every raw asset writes in the same transaction as its rows; dbt reads
# them as sources `cbs_metadata` and `custom_metadata` (release dates, period status, titles).
METADATA_TABLES = {
    dg.AssetKey(["cbs_metadata", "cbs_table_infos"]): "TableInfos of every loaded CBS table",
    dg.AssetKey(["cbs_metadata", "cbs_data_properties"]): "DataProperties (columns) of each table",
    dg.AssetKey(["cbs_metadata", "cbs_dimension_categories"]): "categories of each dimension, "
    "with the period status",
    dg.AssetKey(["custom_metadata", "custom_releases"]): "one row per release of a custom file",
}


def metadata_tables_asset(
    cbs_loaders: list[dg.AssetsDefinition], custom_loaders: list[dg.AssetsDefinition]
) -> dg.AssetsDefinition:
    """The metadata tables in the graph, produced by the raw loads they depend on."""

    def writers(key: dg.AssetKey) -> list[dg.AssetKey]:
        loaders = custom_loaders if key.path[0] == "custom_metadata" else cbs_loaders
        return [k for loader in loaders for k in loader.keys]

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                key,
                description=f"raw.{key.path[-1]}: {what}; written by the raw table assets "
                "together with their rows, recorded here once all of them have run.",
                deps=writers(key),
                group_name="raw_metadata",
                kinds={"duckdb"},
            )
            for key, what in METADATA_TABLES.items()
        ],
    )
    def raw_metadata(ontcijferd: OntcijferdRun):
        with ontcijferd.build.connect() as con:
            counts = metadata_table_rows(con, [key.path[-1] for key in METADATA_TABLES])
        for key in METADATA_TABLES:
            rows, tables = counts[key.path[-1]]
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={"dagster/row_count": rows, "tables_described": tables},
            )

    return raw_metadata


_cbs_loaders = [raw_table_asset(t) for t in REGISTRY.values()]
_custom_loaders = [custom_file_asset(s) for s in CUSTOM_SOURCES.values()]
raw_assets = [
    *_cbs_loaders,
    *_custom_loaders,
    metadata_tables_asset(_cbs_loaders, _custom_loaders),
]
