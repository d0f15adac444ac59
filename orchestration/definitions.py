"""The Dagster code location: merges the pieces; nothing is read or built at import.

`dagster dev` and the CLI call `build_definitions`; the dbt manifest is read then, not when a
module is imported.
"""

from __future__ import annotations

import dagster as dg

from orchestration.automation import nightly_job, nightly_schedule
from orchestration.ingest import raw_assets
from orchestration.publish import published_warehouse_asset
from orchestration.quality import mart_checks
from orchestration.resources import OntcijferdRun
from orchestration.transform import dbt_models


def build_definitions(env_overrides: dict[str, str] | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=[*raw_assets, dbt_models(), published_warehouse_asset()],
        asset_checks=mart_checks,
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        # dbt is configured per run from the run's settings (orchestration/transform.py).
        resources={"ontcijferd": OntcijferdRun(env_overrides=env_overrides or {})},
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
