"""The nightly schedule asks what is new before it starts a run."""

import datetime as dt
import shutil
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration import automation
from orchestration.automation import nightly_schedule
from tests.cbs_server import CbsODataServer
from tests.e2e.conftest import made_by_older_code

THURSDAY_NIGHT = dt.datetime(2026, 12, 3, 2, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
SUNDAY_NIGHT = dt.datetime(2026, 12, 6, 2, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


def evaluate(monkeypatch, published, night=THURSDAY_NIGHT):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(published))
    monkeypatch.setenv("ONTCIJFERD_SOURCE", "snapshot")
    return nightly_schedule(dg.build_schedule_context(scheduled_execution_time=night))


def copy_publication(warehouse_path, folder):
    """The published file with its safety net (checksum, last good copy), as a run leaves it."""
    source = Path(warehouse_path).parent
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".build", "*.wal", "*.lock"))
    return folder / Path(warehouse_path).name


def test_nothing_new_skips_and_new_code_starts_a_run(warehouse_path, tmp_path, monkeypatch):
    published = copy_publication(warehouse_path, tmp_path / "warehouse")
    skipped = evaluate(monkeypatch, published)
    assert isinstance(skipped, dg.SkipReason)
    assert "nothing new" in skipped.skip_message
    # The full-check night is for live CBS: the snapshot's release is a checksum of its files,
    # so the snapshot warehouse is not rebuilt to learn nothing (the live night: below).
    monkeypatch.setenv("ONTCIJFERD_FULL_CHECK_DAY", "sunday")
    assert isinstance(evaluate(monkeypatch, published, SUNDAY_NIGHT), dg.SkipReason)
    monkeypatch.setenv("ONTCIJFERD_FULL_CHECK_DAY", "never")

    # Published by older code, before checksums and last good copies were kept.
    shutil.rmtree(published.parent / ".last_good")
    made_by_older_code(published)
    request = evaluate(monkeypatch, published)
    assert isinstance(request, dg.RunRequest)
    assert "dbt project changed" in request.tags["ontcijferd/new"]


def test_the_schedule_is_on_by_default():
    """A data team that deploys the nightly job expects it to run at night without a click."""
    assert nightly_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert nightly_schedule.cron_schedule == "30 2 * * *"


@pytest.mark.parametrize("cbs", ["down", "slow"])
def test_a_night_cbs_cannot_say_what_is_new_still_starts_the_run(cbs, tmp_path, monkeypatch):
    """CBS down (connection refused) or too slow to answer before Dagster's 60-second limit on
    a schedule: the tick would fail, seen only on the schedule's page, and the night would pass
    without a run. The run starts instead, saying why what is new is not known; it asks CBS
    again itself (and fails naming the table if CBS stays away: tests/e2e/test_reliability.py).
    A SYNTHETIC local server that answers nothing in time stands in for a slow CBS."""
    with CbsODataServer(tmp_path, delay_seconds=5) as server:
        url = server.catalog_url if cbs == "slow" else "127.0.0.1:9"  # port 9: nobody listens
        config = tmp_path / "live.yaml"
        config.write_text(
            "source: live\nlive:\n"
            f"  catalog_url: '{url}'\n  use_https: false\n  timeout_seconds: 10\n"
            "  max_attempts: 2\n  backoff_seconds: 0.01\n"
        )
        monkeypatch.setenv("ONTCIJFERD_CONFIG", str(config))
        monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(tmp_path / "ontcijferd.duckdb"))
        monkeypatch.setenv("ONTCIJFERD_FULL_CHECK_DAY", "sunday")
        monkeypatch.setattr(automation, "PLAN_SECONDS", 1)
        started = time.monotonic()
        request = nightly_schedule(dg.build_schedule_context(scheduled_execution_time=SUNDAY_NIGHT))
        took = time.monotonic() - started
    assert isinstance(request, dg.RunRequest)
    assert '"source": "live"' in str(request.run_config)
    # The full-check night: the run downloads every table to compare content.
    assert '"refresh": "check"' in str(request.run_config)
    why = request.tags["ontcijferd/new"]
    if cbs == "slow":
        assert why == "not known: CBS did not say what is new within 1 s"
        assert took < 3
    else:
        assert why.startswith("not known: CBS table 86059NED: no valid answer from ")
        assert "after 2 attempts" in why
