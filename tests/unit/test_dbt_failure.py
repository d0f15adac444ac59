"""Why `dbt build` failed, in the one line the run summary and the run page lead with.

The run results are SYNTHETIC, shaped as dbt 1.11 writes run_results.json (the message of the
model error is the one dbt gave for a model casting 'onbekendx' to an integer)."""

from pathlib import Path

from lifecycle.dbt_run import dbt_failure_in_words

LOG = Path("/w/.build/dbt/target/dbt.log")
DAGSTER_DBT_ERROR = (
    "The dbt CLI process with command\n\n`dbt build --select fqn:*`\n\nfailed with exit code "
    "`2`. Check the stdout in the Dagster compute logs for the full information about the "
    "error.\n\nErrors parsed from dbt logs:\n\nEncountered an error:\n[Errno 28] No space left "
    "on device"
)


def result(unique_id: str, status: str, message: str | None = None) -> dict:
    return {"unique_id": unique_id, "status": status, "message": message}


def test_a_model_error_names_the_model_and_dbts_message():
    results = {
        "results": [
            result("seed.ontcijferd.woondeal_regions", "success", "INSERT 28"),
            result(
                "model.ontcijferd.woningmarkt_huurverhoging",
                "error",
                "Runtime Error in model woningmarkt_huurverhoging "
                "(models/marts/woningmarkt_huurverhoging.sql)\n  Conversion Error: Could not "
                "convert string 'onbekendx' to INT32",
            ),
            result("model.ontcijferd.indicator_values", "skipped"),
            result("test.ontcijferd.not_null_indicator_values_value.1a2b", "skipped"),
        ]
    }
    line = dbt_failure_in_words(1, results, DAGSTER_DBT_ERROR, LOG)
    assert line == (
        "dbt build failed: model woningmarkt_huurverhoging: Conversion Error: Could not convert "
        "string 'onbekendx' to INT32; 2 model(s) and test(s) after them did not run; dbt's log: "
        "/w/.build/dbt/target/dbt.log"
    )


def test_failed_tests_are_named_and_left_to_their_checks():
    results = {
        "results": [
            result("model.ontcijferd.woningvoorraad_mutaties", "success"),
            result("test.ontcijferd.woningvoorraad_stock_identity", "fail", "Got 1 result"),
        ]
    }
    line = dbt_failure_in_words(1, results, DAGSTER_DBT_ERROR, LOG)
    assert line.startswith(
        "dbt build failed: 1 dbt test(s) failed: woningvoorraad_stock_identity (their checks "
        "name the rows); dbt's log: "
    )


def test_dbt_killed_from_outside_says_which_signal():
    line = dbt_failure_in_words(-9, None, DAGSTER_DBT_ERROR, LOG)
    assert line.startswith("dbt was stopped by SIGKILL (one nobody sent is the kernel's out-of")
    assert line.endswith(f") before it finished; dbt's log: {LOG}")
    assert "\n" not in line
    terminated = dbt_failure_in_words(-15, None, DAGSTER_DBT_ERROR, LOG)
    assert terminated == f"dbt was stopped by SIGTERM before it finished; dbt's log: {LOG}"


def test_without_run_results_dagster_dbts_error_becomes_one_line():
    """dbt ended before writing its results (a crash, a full disk): dagster-dbt's paragraph on
    one line, its "No space left on device" kept for the run summary's disk-full line."""
    line = dbt_failure_in_words(2, None, DAGSTER_DBT_ERROR, LOG)
    assert "\n" not in line
    assert "exit code `2`" in line and "[Errno 28] No space left on device" in line
    assert line.endswith("(dbt wrote no run results)")
