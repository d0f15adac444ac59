"""The nightly schedule asks what is new before it starts a run."""

import shutil

import dagster as dg
import duckdb

from orchestration.automation import nightly_schedule


def evaluate(monkeypatch, published):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(published))
    monkeypatch.setenv("ONTCIJFERD_SOURCE", "snapshot")
    return nightly_schedule(dg.build_schedule_context())


def test_nothing_new_skips_and_new_code_starts_a_run(warehouse_path, tmp_path, monkeypatch):
    published = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, published)
    skipped = evaluate(monkeypatch, published)
    assert isinstance(skipped, dg.SkipReason)
    assert "nothing new" in skipped.skip_message

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
