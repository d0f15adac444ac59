"""The Dagster code location: merges the pieces; nothing is read or built at import.

`dagster dev` and the CLI's run worker call `build_definitions`; the dbt manifest is read then,
not when a module is imported.
"""

from __future__ import annotations

import dagster as dg

from orchestration.automation import dead_runs, nightly_job, nightly_schedule
from orchestration.ingest import raw_assets
from orchestration.publish import published_warehouse_asset
from orchestration.quality import mart_checks
from orchestration.resources import OntcijferdRun
from orchestration.transform import dbt_models


def build_definitions() -> dg.Definitions:
    upstream = [*raw_assets, dbt_models()]
    return dg.Definitions(
        assets=[*upstream, published_warehouse_asset(upstream, mart_checks)],
        asset_checks=mart_checks,
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        sensors=[dead_runs],
        # The run's settings come in its run config (orchestration/resources.py `run_config`);
        # dbt is configured per run from them (orchestration/transform.py).
        resources={"ontcijferd": OntcijferdRun()},
        # Every job in one process, steps in order — the nightly job and the asset job the UI
        # launches for "Materialize" alike. With a process per step, each would take the
        # warehouse build lock for itself and the second would find it taken by its own run;
        # and with a handful of steps and DuckDB's single writer a process per step would only
        # cost time.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
