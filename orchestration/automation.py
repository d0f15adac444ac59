"""The nightly job over all assets and its night-time schedule."""

from __future__ import annotations

import dagster as dg

# One process, steps in order: with a handful of steps the multiprocess executor's process per
# step costs more than it saves, and DuckDB allows a single writer anyway.
nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load every registered CBS table, build and check the marts, publish.",
)

nightly_schedule = dg.ScheduleDefinition(
    job=nightly_job,
    cron_schedule="30 2 * * *",
    execution_timezone="Europe/Amsterdam",
    description="Every night at 02:30 Amsterdam time, after the previous day's CBS releases.",
)
