"""Where data is checked, by layer so nothing is checked twice:

- pandera: the contract of what CBS delivered (columns, types, key formats, unique keys), one
  blocking check per raw table, run in the step that loads it (orchestration/ingest.py);
- dbt tests: SQL rules and identities inside the warehouse — keys, relationships, parts that sum
  to wholes, the stock identity, no gemeente missing, every change of source table declared
  (the YAML and `dbt_project/tests/`; run by `dbt build`, checks on their model);
- Great Expectations: the published contract of the marts users query (value sets, ranges),
  validated in DuckDB, blocking: a failure stops the publish step. Its results are kept for the
  report's Datakwaliteit page;
- plausible change against the last publication (lifecycle/plausibility.py): revisions and new
  periods beyond what the series can do, blocking until the data team accepts them.
"""

import dagster as dg

from lifecycle.build import trusted_publication
from lifecycle.expectations import (
    MART_SUITES,
    failure_message,
    record_in_build,
    record_outcomes,
    run_suite,
    suite_results,
)
from lifecycle.plausibility import compare
from orchestration.resources import OntcijferdRun
from sources.contracts import contract_failures
from sources.registry import CbsTable


def contract_check_spec(table: CbsTable, asset_key: dg.AssetKey) -> dg.AssetCheckSpec:
    """The pandera contract of a raw CBS table, checked in the step that loads the table."""
    return dg.AssetCheckSpec(
        "pandera_contract",
        asset=asset_key,
        blocking=True,
        description=f"pandera contract of CBS {table.table_id}: columns, types, codes, keys, "
        "known categories, key padding.",
    )


def contract_check_result(table: CbsTable, con) -> dg.AssetCheckResult:
    """The contract checked on what `raw.cbs_<id>` holds now, loaded or kept, in the build."""
    frame = con.sql(f"select * from raw.{table.asset_name}").df()
    listed = con.execute(
        "select dimension, list(key) from raw.cbs_dimension_categories "
        "where table_id = ? group by 1",
        [table.table_id],
    ).fetchall()
    categories = {dim: set(keys) for dim, keys in listed}
    failures = contract_failures(table, frame, categories)
    return dg.AssetCheckResult(
        check_name="pandera_contract",
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(failures) if failures else "contract holds",
        metadata={
            "rows": len(frame),
            "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in failures) or "none"),
        },
    )


def mart_expectations_check(mart: str) -> dg.AssetChecksDefinition:
    suite = MART_SUITES[mart]

    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name="great_expectations",
        blocking=True,
        description=f"Great Expectations suite on marts.{mart}: {suite.description}",
    )
    def _check(context: dg.AssetCheckExecutionContext, ontcijferd: OntcijferdRun):
        ontcijferd.build.close_database()  # GX opens the build file read-only
        outcomes = run_suite(suite, ontcijferd.build.path)
        results = suite_results(suite, outcomes, context.run.run_id)
        record_outcomes(ontcijferd.settings.quality_file, suite, results)
        with ontcijferd.build.connect() as con:
            record_in_build(con, suite, results)
        failures = [failure_message(o) for o in outcomes if not o.success]
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            description="; ".join(failures) if failures else f"{len(outcomes)} expectations met",
            metadata={
                "expectations": len(outcomes),
                "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in failures) or "none"),
            },
        )

    return _check


@dg.asset_check(
    asset=dg.AssetKey(["marts", "indicator_values"]),
    name="plausible_change",
    blocking=True,
    description="Every value compared with the published one and with its own series "
    "(lifecycle/plausibility.py): a revision or a new period beyond plausible change blocks "
    "publication until accepted with `ontcijferd run --accept-change`.",
)
def plausible_change_check(ontcijferd: OntcijferdRun) -> dg.AssetCheckResult:
    settings = ontcijferd.settings
    with ontcijferd.build.connect() as con:
        report = compare(con, trusted_publication(settings.warehouse_path))
    blocking = report.blocking_message(settings.accept_changes)
    accepted = [
        c.describe()
        for c in report.implausible()
        if {c.indicator_id, "all"} & settings.accept_changes
    ]
    return dg.AssetCheckResult(
        passed=blocking is None,
        severity=dg.AssetCheckSeverity.ERROR,
        description=blocking
        or f"{len(report.revisions)} revision(s), {len(report.new_periods)} new value(s): "
        "all plausible"
        + (f" or accepted ({len(accepted)})" if accepted else ""),
        metadata={
            "revisions": len(report.revisions),
            "new_periods": len(report.new_periods),
            "accepted": dg.MetadataValue.json(accepted),
            # The run summary's "changes since the last publication" (delivery/cli.py).
            "changes": dg.MetadataValue.json(report.summary()),
        },
    )


mart_checks = [*(mart_expectations_check(m) for m in MART_SUITES), plausible_change_check]
