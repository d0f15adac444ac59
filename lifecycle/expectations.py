"""Great Expectations: the published contract — what analysts and researchers may rely on in
the marts they query.

Each suite validates a mart of the warehouse build, in DuckDB (a GX SQL data source on the
build file, read-only): value sets and ranges, some on the rows of certain indicators only
(`RowSet`: a query asset selecting those rows). Rules that are SQL identities or relations
between tables (parts summing to wholes, a gemeente missing, undeclared source changes) are
dbt tests in `dbt_project/tests/`; plausible *change* (year on year, against the publication) is
lifecycle/plausibility.py's; what CBS delivered is pandera's (`sources/contracts.py`). GX 1.x
is called directly (dagster-ge requires GX < 1); `run_suite` turns the result into messages
that name the mart, the column and the offending rows, and into `Outcome` records for the
Datakwaliteit page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from lifecycle.indicators import count_units, signed


@dataclass(frozen=True)
class MartSuite:
    name: str  # the mart, marts.<name>
    description: str  # in Dutch, for the Datakwaliteit page and the Dagster check
    row_names: tuple[str, ...]  # the columns that name an offending row in a message


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, as the Datakwaliteit page shows it."""

    suite: str
    expectation: str
    column: str | None
    condition: str | None  # the rows the rule holds for, in Dutch; None: every row
    bounds: str  # the rule's limits as GX writes them, for the team's one-line messages
    success: bool
    unexpected_count: int | None
    examples: str
    # The same limits as data, for the Datakwaliteit page to write in Dutch.
    minimum: float | None = None
    maximum: float | None = None
    allowed: list | None = None


# Units of counts and totals (lifecycle/indicators.yaml: kinds aantal, totaal), never negative
# but for the indicators whose entry says `can_be_negative` (the net change, the shortage
# proxy); a total in mln euro, like a count, says more about a region's size than about it.
COUNT_UNITS = count_units()
SIGNED_COUNTS = signed(COUNT_UNITS)
# Percentages that are changes or a proxy, not shares of a whole: they can be negative.
SIGNED_PCT = signed(("%",))
STATUSES = ("definitief", "voorlopig", "nader voorlopig", "onbekend", "n.v.t.", "geheim")
PERIOD_TYPES = ("jaar", "halfjaar", "kwartaal", "maand")


MART_SUITES: dict[str, MartSuite] = {
    "indicator_values": MartSuite(
        name="indicator_values",
        description="geldige status en periodesoort, elke rij met een regionaam, "
        "bevolkingsaantallen en de index van samengestelde regio's binnen aannemelijke grenzen, "
        "aantallen niet negatief, aandelen tussen 0 en 100",
        row_names=("indicator_id", "region_code", "categorie", "period"),
    ),
    "bevolking_leeftijdsopbouw": MartSuite(
        name="bevolking_leeftijdsopbouw",
        description="aandelen tussen 0 en 100, geen negatieve aantallen",
        row_names=("region_code", "period", "leeftijdsgroep"),
    ),
    "bevolking_piramide": MartSuite(
        name="bevolking_piramide",
        description="aandelen tussen 0 en 100, elke leeftijdsgroep een aantal, nooit negatief",
        row_names=("region_code", "period", "geslacht", "leeftijdsgroep"),
    ),
}


@dataclass(frozen=True)
class RowSet:
    """Expectations that hold for some rows of a mart: GX validates them on a query asset that
    selects those rows (`where`), in DuckDB. Rules for some rows only are written this way,
    not as GX row conditions on the whole table."""

    description: str | None  # the rows, in Dutch, for messages and the Datakwaliteit page
    where: str | None  # SQL over the mart's columns, built here from the constants above
    expectations: list


def _listed(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _row_sets(suite_name: str) -> list[RowSet]:
    """A suite's expectations, built on demand because GX takes seconds to import."""
    import great_expectations as gx

    e = gx.expectations
    # The age marts: shares of the population between 0 and 100, counts never negative.
    shares_and_counts = [
        e.ExpectColumnValuesToBeBetween(column="aandeel_pct", min_value=0, max_value=100),
        e.ExpectColumnValuesToBeBetween(column="personen", min_value=0),
    ]
    suites = {
        "indicator_values": [
            RowSet(
                None,
                None,
                [
                    e.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)),
                    e.ExpectColumnValuesToBeInSet(
                        column="period_type", value_set=list(PERIOD_TYPES)
                    ),
                    e.ExpectColumnValuesToNotBeNull(column="region_name"),
                ],
            ),
            # Never null: a dbt test (bevolking_per_jaar.bevolking), not repeated here.
            RowSet(
                "bevolking_totaal",
                "indicator_id = 'bevolking_totaal'",
                [
                    e.ExpectColumnValuesToBeBetween(
                        column="value", min_value=0, max_value=30_000_000
                    )
                ],
            ),
            # Aggregates only: a gemeente's series jumps where its boundary changed
            # (mergers), e.g. Bergen (NH) stands at 44 in 1988 against its 2002 territory.
            RowSet(
                "bevolking_index_2002 van samengestelde regio's (geen gemeenten)",
                "indicator_id = 'bevolking_index_2002' and region_level <> 'gemeente'",
                [e.ExpectColumnValuesToBeBetween(column="value", min_value=50, max_value=200)],
            ),
            RowSet(
                f"aantallen ({', '.join(COUNT_UNITS)}), behalve {', '.join(SIGNED_COUNTS)}",
                f"unit in {_listed(COUNT_UNITS)} and indicator_id not in {_listed(SIGNED_COUNTS)}",
                [e.ExpectColumnValuesToBeBetween(column="value", min_value=0)],
            ),
            RowSet(
                f"percentages, behalve {', '.join(SIGNED_PCT)}",
                f"unit = '%' and indicator_id not in {_listed(SIGNED_PCT)}",
                [e.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=100)],
            ),
        ],
        "bevolking_leeftijdsopbouw": [RowSet(None, None, shares_and_counts)],
        # Only mannen and vrouwen: dbt's accepted_values on the model (_marts.yml).
        "bevolking_piramide": [
            RowSet(
                None, None, [*shares_and_counts, e.ExpectColumnValuesToNotBeNull(column="personen")]
            )
        ],
    }
    return suites[suite_name]


_warm_up: threading.Thread | None = None


def warm_up_in_background() -> None:
    """Import GX and build its context in a thread, so the checks find them ready.

    Importing GX takes seconds (BENCHMARKS.md). The dbt step calls this as it starts: for the
    next seconds the run's process mostly waits for the dbt subprocess, so the import costs
    the run no time. A failure here is left to `run_suite`, which imports again and reports it.
    """
    global _warm_up
    if _warm_up is None:
        _warm_up = threading.Thread(target=_try_gx_context, name="gx-warm-up", daemon=True)
        _warm_up.start()


def _try_gx_context() -> None:
    with contextlib.suppress(Exception):  # run_suite imports again and reports the error
        _gx_context()


@functools.cache
def _gx_context():
    # GX reports usage over the network unless told not to (the Makefile also sets this).
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import sqlalchemy

    sqlalchemy.dialects.registry.register(
        "duckdb.gx_readonly", "lifecycle.gx_duckdb", "ReadOnlyDuckDBDialect"
    )
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


def _connection_string(database: Path) -> str:
    import sqlalchemy

    url = sqlalchemy.engine.URL.create(
        "duckdb+gx_readonly", database=str(database), query={"access_mode": "read_only"}
    )
    # Escaped: no character of the path is read as URL syntax or a GX ${variable}.
    return url.render_as_string(hide_password=False)


def _outcome(suite: str, condition: str | None, result) -> Outcome:
    config = result.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column")
    details = result.result or {}
    if result.exception_info and result.exception_info.get("raised_exception"):
        found = f"not evaluated: {result.exception_info.get('exception_message')}"
    elif "partial_unexpected_index_list" in details:
        found = (
            f"unexpected: {details['partial_unexpected_index_list']} "
            f"({details.get('unexpected_count')} rows)"
        )
    else:
        found = f"unexpected: {details.get('partial_unexpected_list')} "
        found += f"({details.get('unexpected_count')} rows)"
    bounds = ", ".join(
        f"{k}={kwargs[k]}" for k in ("min_value", "max_value", "value_set") if k in kwargs
    )
    return Outcome(
        suite=suite,
        expectation=config.type,
        column=column,
        condition=condition,
        bounds=bounds,
        success=bool(result.success),
        unexpected_count=details.get("unexpected_count"),
        examples="" if result.success else found,
        minimum=kwargs.get("min_value"),
        maximum=kwargs.get("max_value"),
        allowed=list(kwargs["value_set"]) if "value_set" in kwargs else None,
    )


def failure_message(outcome: Outcome) -> str:
    """One line naming the expectation, mart, column and the offending rows."""
    where = f"marts.{outcome.suite}" + (f".{outcome.column}" if outcome.column else "")
    rows = f" (rows: {outcome.condition})" if outcome.condition else ""
    return f"{outcome.expectation} on {where}{rows} failed — {outcome.examples}"


def run_suite(suite: MartSuite, database: Path) -> list[Outcome]:
    """Validate marts.<suite> of the DuckDB file `database` (not open in this process, or
    opened read-only) in DuckDB itself: GX sends SQL, only counts and a few examples return."""
    if _warm_up is not None:
        _warm_up.join()  # one thread imports GX at a time
    import great_expectations as gx

    context = _gx_context()
    datasource = context.data_sources.add_or_update_sql(
        "warehouse_build", connection_string=_connection_string(database)
    )
    outcomes = []
    try:
        for number, rows in enumerate(_row_sets(suite.name)):
            query = f"select * from marts.{suite.name}" + (
                f" where {rows.where}" if rows.where else ""
            )
            asset = datasource.add_query_asset(f"{suite.name}_{number}", query=query)
            result = (
                asset.add_batch_definition_whole_table("whole")
                .get_batch()
                .validate(
                    gx.ExpectationSuite(
                        name=f"{suite.name}_{number}", expectations=rows.expectations
                    ),
                    result_format={
                        "result_format": "SUMMARY",
                        "partial_unexpected_count": 5,
                        "unexpected_index_column_names": list(suite.row_names),
                    },
                )
            )
            outcomes += [_outcome(suite.name, rows.description, r) for r in result.results]
        return outcomes
    finally:
        # Close the file again (the run goes on with it): the data source's engine and the one
        # its execution engine made from the same connection string.
        datasource.get_engine().dispose()
        datasource.get_execution_engine().engine.dispose()
        context.data_sources.delete("warehouse_build")


# The results of the run that built a warehouse travel inside it, so the report's Datakwaliteit
# page shows those of the published run; the file beside it (`record_outcomes`) has the last
# run's, published or not.
RESULTS_DDL = """
create schema if not exists meta;
create table if not exists meta.datakwaliteit (suite varchar, results json);
comment on table meta.datakwaliteit is
    'De Great Expectations-resultaten van de run die dit warehouse bouwde, per suite.';
comment on column meta.datakwaliteit.suite is 'De suite: de mart die ze controleert.';
comment on column meta.datakwaliteit.results is
    'Omschrijving, run, tijdstip en de uitkomst van elke verwachting (JSON).';
"""


def suite_results(suite: MartSuite, outcomes: list[Outcome], run_id: str) -> dict:
    """A suite's results of one run, as the build and the results file keep them."""
    return {
        "description": suite.description,
        "run_id": run_id,
        "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "outcomes": [asdict(o) for o in outcomes],
    }


def record_in_build(con, suite: MartSuite, results: dict) -> None:
    """Keep a suite's results in the warehouse build (meta.datakwaliteit)."""
    con.execute(RESULTS_DDL)
    con.execute("delete from meta.datakwaliteit where suite = ?", [suite.name])
    con.execute("insert into meta.datakwaliteit values (?, ?)", [suite.name, json.dumps(results)])


def published_results(con) -> dict:
    """The results of the run that built the warehouse `con` reads, by suite."""
    try:
        rows = con.execute("select suite, results from meta.datakwaliteit").fetchall()
    except duckdb.CatalogException:  # published before the results travelled with it
        return {}
    return {suite: json.loads(results) for suite, results in rows}


def record_outcomes(path: Path, suite: MartSuite, results: dict) -> None:
    """Keep a suite's results of this run in `path` (JSON, one entry per suite), written
    atomically: the last run's, whether it published or not."""
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    recorded[suite.name] = results
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(recorded, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)
