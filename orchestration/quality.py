"""Where data is checked, by layer so nothing is checked twice:

- pandera: the contract of what CBS delivered (columns, types, key formats, unique keys), one
  blocking check per raw table;
- dbt tests: keys and relationships inside the warehouse (run by `dbt build`, see the YAML);
- Great Expectations: business expectations on the published indicators (ranges, parts that
  sum to wholes, no missing gemeente), blocking: a failure stops the publish step.
"""

import os

import dagster as dg

from lifecycle.expectations import MART_SUITES, run_suite
from orchestration.ingest import raw_asset_key
from orchestration.resources import OntcijferdRun
from sources.contracts import contract_failures
from sources.registry import REGISTRY, CbsTable


def raw_contract_check(table: CbsTable) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_asset_key(table),
        name="pandera_contract",
        blocking=True,
        description=f"pandera contract of CBS {table.table_id}: columns, types, codes, keys, "
        "known categories, key padding.",
    )
    def _check(ontcijferd: OntcijferdRun) -> dg.AssetCheckResult:
        with ontcijferd.build.connect() as con:
            frame = con.sql(f"select * from raw.{table.asset_name}").df()
            listed = con.execute(
                "select dimension, list(key) from raw.cbs_dimension_categories "
                "where table_id = ? group by 1",
                [table.table_id],
            ).fetchall()
        categories = {dim: set(keys) for dim, keys in listed}
        failures = contract_failures(table, frame, categories)
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            description="; ".join(failures) if failures else "contract holds",
            metadata={
                "rows": len(frame),
                "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in failures) or "none"),
            },
        )

    return _check


def mart_expectations_check(mart: str) -> dg.AssetChecksDefinition:
    suite = MART_SUITES[mart]

    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name="great_expectations",
        blocking=True,
        description=f"Great Expectations suite on marts.{mart}: {suite.description}",
    )
    def _check(ontcijferd: OntcijferdRun) -> dg.AssetCheckResult:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        with ontcijferd.build.connect() as con:
            frames = suite.read_frames(con, ontcijferd.settings)
        failures, evaluated = run_suite(suite, frames)
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            description="; ".join(failures) if failures else f"{evaluated} expectations met",
            metadata={
                "expectations": evaluated,
                "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in failures) or "none"),
            },
        )

    return _check


raw_checks = [raw_contract_check(t) for t in REGISTRY.values()]
mart_checks = [mart_expectations_check(m) for m in MART_SUITES]
