"""The Dagster code location: merges the pieces, does no work at import."""

from __future__ import annotations

import dagster as dg

from orchestration.automation import nightly_job, nightly_schedule
from orchestration.ingest import raw_assets
from orchestration.publish import published_warehouse
from orchestration.quality import mart_checks, raw_checks
from orchestration.resources import OntcijferdRun
from orchestration.transform import dbt_models, dbt_resource


def build_definitions(env_overrides: dict[str, str] | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=[*raw_assets, dbt_models, published_warehouse],
        asset_checks=[*raw_checks, *mart_checks],
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        resources={
            "ontcijferd": OntcijferdRun(env_overrides=env_overrides or {}),
            "dbt": dbt_resource,
        },
    )


defs = build_definitions()
