"""The nightly job over all assets and its night-time schedule."""

from __future__ import annotations

import dagster as dg

from lifecycle.refresh import plan_refresh, with_periodic_check
from orchestration.resources import run_config
from orchestration.supervision import mark_dead_runs_failed
from sources.config import load_settings

# One process, steps in order: with a handful of steps the multiprocess executor's process per
# step costs more than it saves, and DuckDB allows a single writer anyway.
nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load every CBS table with a new release, build and check the marts, publish.",
)


@dg.schedule(
    job=nightly_job,
    cron_schedule="30 2 * * *",
    execution_timezone="Europe/Amsterdam",
    # On from the start: a data team that deploys the nightly job expects it to run nightly.
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:30 Amsterdam time, after the previous day's CBS releases; "
    "skipped (no run, nothing republished) when no table has a new release.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    # The settings the plan was made with are the run's settings (its run config).
    # On the full-check day (config: full_check_day) the night's run also compares content.
    night = context.scheduled_execution_time.date()
    settings = with_periodic_check(load_settings(), night)
    plan = plan_refresh(settings)
    if plan.nothing_new:
        return dg.SkipReason("; ".join(plan.summary()))
    return dg.RunRequest(
        run_config=run_config(settings),
        tags={"ontcijferd/new": "; ".join(plan.summary())[:1000]},
    )


@dg.sensor(
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks nightly runs whose process no longer exists (killed with SIGKILL) as "
    "failed, so that they do not hold the run queue (orchestration/supervision.py).",
)
def dead_runs(context: dg.SensorEvaluationContext):
    marked = mark_dead_runs_failed(context.instance)
    return dg.SkipReason("; ".join(marked) if marked else "no run left behind by a dead process")
