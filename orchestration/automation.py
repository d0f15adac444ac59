"""The nightly job over all assets and its night-time schedule."""

from __future__ import annotations

import concurrent.futures

import dagster as dg

from lifecycle.refresh import plan_refresh, with_periodic_check
from orchestration.resources import run_config
from orchestration.supervision import mark_dead_runs_failed
from sources.config import load_settings

# Dagster fails a schedule's tick that takes over 60 s (DAGSTER_SCHEDULE_GRPC_TIMEOUT_SECONDS),
# and a failed tick shows only on the schedule's page: the night would pass without a run. A
# plan that fails (CBS down) or takes longer than this (CBS slow) starts the run instead, which
# asks CBS again with its own retries: it loads what is new, or fails on the Runs page naming
# the table CBS did not answer for.
PLAN_SECONDS = 40

# In one process, steps in order, as every job of the code location (orchestration/definitions.py).
nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Load every CBS table with a new release, build and check the marts, publish.",
)


@dg.schedule(
    job=nightly_job,
    cron_schedule="30 2 * * *",
    execution_timezone="Europe/Amsterdam",
    # On from the start: a data team that deploys the nightly job expects it to run nightly.
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:30 Amsterdam time, after the previous day's CBS releases; "
    "skipped (no run, nothing republished) when no table has a new release; started anyway "
    "when CBS cannot say so in time (tag ontcijferd/new says why).",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    # The settings the plan was made with are the run's settings (its run config).
    # On the full-check day (config: full_check_day) a night on live CBS also compares content.
    night = context.scheduled_execution_time.date()
    settings = with_periodic_check(load_settings(), night)
    planning = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    plan = planning.submit(plan_refresh, settings)
    concurrent.futures.wait([plan], timeout=PLAN_SECONDS)
    planning.shutdown(wait=False)  # a plan still waiting for CBS ends with its own timeouts
    if not plan.done():
        new = f"not known: CBS did not say what is new within {PLAN_SECONDS} s"
    elif plan.exception() is not None:
        new = f"not known: {' '.join(str(plan.exception()).split())}"
    elif plan.result().nothing_new:
        return dg.SkipReason("; ".join(plan.result().summary()))
    else:
        new = "; ".join(plan.result().summary())
    return dg.RunRequest(run_config=run_config(settings), tags={"ontcijferd/new": new[:1000]})


@dg.sensor(
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks nightly runs whose process no longer exists (killed with SIGKILL) as "
    "failed, so that they do not hold the run queue (orchestration/supervision.py).",
)
def dead_runs(context: dg.SensorEvaluationContext):
    # Evaluated by the code server, which with Dagster's default run launcher (dagster.yaml
    # names no other) starts the daemon's run workers as its own processes, on this host.
    here = isinstance(context.instance.run_launcher, dg.DefaultRunLauncher)
    marked = mark_dead_runs_failed(context.instance, workers_started_here=here)
    return dg.SkipReason("; ".join(marked) if marked else "no run left behind by a dead process")
