"""The nightly schedule asks what is new before it starts a run."""

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from orchestration.automation import nightly_schedule

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
    # The full-check night: every table is downloaded to compare content, in the run's config.
    monkeypatch.setenv("ONTCIJFERD_FULL_CHECK_DAY", "sunday")
    assert isinstance(evaluate(monkeypatch, published), dg.SkipReason)  # a Thursday
    checked = evaluate(monkeypatch, published, SUNDAY_NIGHT)
    assert isinstance(checked, dg.RunRequest)
    assert "periodic full check: release " in checked.tags["ontcijferd/new"]
    assert '"refresh": "check"' in str(checked.run_config)
    monkeypatch.setenv("ONTCIJFERD_FULL_CHECK_DAY", "never")

    # Published by older code, before checksums and last good copies were kept.
    shutil.rmtree(published.parent / ".last_good")
    (published.parent / f"{published.name}.sha256").unlink()
    con = duckdb.connect(str(published))
    con.execute("update meta.publication set code_fingerprint = 'older-code'")
    con.close()
    request = evaluate(monkeypatch, published)
    assert isinstance(request, dg.RunRequest)
    assert "dbt project changed" in request.tags["ontcijferd/new"]


def test_the_schedule_is_on_by_default():
    """A data team that deploys the nightly job expects it to run at night without a click."""
    assert nightly_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert nightly_schedule.cron_schedule == "30 2 * * *"
