"""Great Expectations: the published contract — what analysts and researchers may rely on in
the marts they query.

Each suite validates a mart as it will be published (and a derived frame where a rule needs a
computed column, e.g. year-on-year change) with column expectations, conditioned on rows where a
rule holds for some indicators only. Rules that are SQL identities or relations between tables
(parts summing to wholes, a gemeente missing, undeclared source changes) are dbt tests in
`dbt_project/tests/`; what CBS delivered is pandera's (`sources/contracts.py`). GX 1.x is called
directly (dagster-ge requires GX < 1); `run_suite` turns the result into messages that name the
frame, the column and the offending values, and into `Outcome` records for the Datakwaliteit
page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

from sources.config import Settings


@dataclass(frozen=True)
class MartSuite:
    name: str
    description: str
    frames: Mapping[str, str]  # frame name → SQL with `$focus` for the focus province

    def read_frames(self, con: duckdb.DuckDBPyConnection, settings: Settings) -> dict:
        focus = {"focus": settings.scope.focus_province}
        return {
            name: con.execute(sql, focus if "$focus" in sql else None).df()
            for name, sql in self.frames.items()
        }


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, as the Datakwaliteit page shows it."""

    suite: str
    frame: str
    expectation: str
    column: str | None
    condition: str | None
    bounds: str  # the rule's limits as GX writes them, for the team's one-line messages
    success: bool
    unexpected_count: int | None
    examples: str
    # The same limits as data, for the Datakwaliteit page to write in Dutch.
    minimum: float | None = None
    maximum: float | None = None
    allowed: list | None = None


# Units of counts that can never be negative (the net change and the shortage proxy can).
COUNT_UNITS = ("personen", "woningen", "huishoudens")
SIGNED_COUNTS = ("netto_toevoeging", "woningtekort_proxy")
# Percentages that are changes or a proxy, not shares of a whole.
SIGNED_PCT = ("woningtekort_proxy_pct", "export_goederen_groei_pct")
STATUSES = ("definitief", "voorlopig", "nader voorlopig", "onbekend", "n.v.t.", "geheim")
PERIOD_TYPES = ("jaar", "halfjaar", "kwartaal", "maand")


def _when(condition: str) -> dict:
    """An expectation on the rows a pandas query selects (GX row_condition)."""
    return {"row_condition": condition, "condition_parser": "pandas"}


def _expectations(suite_name: str) -> dict[str, list]:
    """Frame name → expectations, built on demand because GX takes seconds to import."""
    import great_expectations as gx

    e = gx.expectations
    counts = f"unit in {list(COUNT_UNITS)} and indicator_id not in {list(SIGNED_COUNTS)}"
    suites = {
        "indicator_values": {
            "published": [
                e.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)),
                e.ExpectColumnValuesToBeInSet(column="period_type", value_set=list(PERIOD_TYPES)),
                e.ExpectColumnValuesToNotBeNull(column="region_name"),
                # Never null: a dbt test (bevolking_per_jaar.bevolking), not repeated here.
                e.ExpectColumnValuesToBeBetween(
                    column="value",
                    min_value=0,
                    max_value=30_000_000,
                    **_when("indicator_id == 'bevolking_totaal'"),
                ),
                # Aggregates only: a gemeente's series jumps where its boundary changed
                # (mergers), e.g. Bergen (NH) stands at 44 in 1988 against its 2002 territory.
                e.ExpectColumnValuesToBeBetween(
                    column="value",
                    min_value=50,
                    max_value=200,
                    **_when(
                        "indicator_id == 'bevolking_index_2002' and region_level != 'gemeente'"
                    ),
                ),
                e.ExpectColumnValuesToBeBetween(column="value", min_value=0, **_when(counts)),
                e.ExpectColumnValuesToBeBetween(
                    column="value",
                    min_value=0,
                    max_value=100,
                    **_when(f"unit == '%' and indicator_id not in {list(SIGNED_PCT)}"),
                ),
            ],
            "year_on_year_pct": [
                e.ExpectColumnValuesToBeBetween(column="change_pct", min_value=-10, max_value=10),
            ],
        },
        "bevolking_leeftijdsopbouw": {
            "published": [
                e.ExpectColumnValuesToBeBetween(column="aandeel_pct", min_value=0, max_value=100),
                e.ExpectColumnValuesToBeBetween(column="personen", min_value=0),
            ],
        },
        "bevolking_piramide": {
            "published": [
                e.ExpectColumnValuesToBeBetween(column="aandeel_pct", min_value=0, max_value=100),
                e.ExpectColumnValuesToBeBetween(column="personen", min_value=0),
                e.ExpectColumnValuesToNotBeNull(column="personen"),
                e.ExpectColumnValuesToBeInSet(column="geslacht", value_set=["mannen", "vrouwen"]),
            ],
        },
    }
    return suites[suite_name]


MART_SUITES: dict[str, MartSuite] = {
    "indicator_values": MartSuite(
        name="indicator_values",
        description="geldige status en periodesoort, elke rij met een regionaam, "
        "bevolkingsaantallen en de index van samengestelde regio's binnen aannemelijke grenzen, "
        "aantallen niet negatief, aandelen tussen 0 en 100, bevolkingsgroei binnen ±10% per "
        "jaar voor Nederland, landsdelen, provincies en de COROP- en woondealregio's van de "
        "focusprovincie (elders zijn COROP-grenzen verlegd, bv. CR05/CR06 in 2014)",
        frames={
            "published": "select * from marts.indicator_values",
            "year_on_year_pct": """
                select region_code, period,
                    100 * (value / lag(value) over (partition by region_code order by period) - 1)
                        as change_pct
                from marts.indicator_values
                where indicator_id = 'bevolking_totaal' and period_type = 'jaar'
                  and (region_level in ('land', 'landsdeel', 'provincie', 'woondeal')
                       or (region_level = 'corop' and region_code in (
                           select region_code from marts.dim_region
                           where region_level = 'corop' and provincie_code = $focus)))
                qualify change_pct is not null
            """,
        },
    ),
    "bevolking_leeftijdsopbouw": MartSuite(
        name="bevolking_leeftijdsopbouw",
        description="aandelen tussen 0 en 100, geen negatieve aantallen",
        frames={"published": "select * from marts.bevolking_leeftijdsopbouw"},
    ),
    "bevolking_piramide": MartSuite(
        name="bevolking_piramide",
        description="aandelen tussen 0 en 100, elke leeftijdsgroep een aantal, nooit negatief, "
        "alleen mannen en vrouwen",
        frames={"published": "select * from marts.bevolking_piramide"},
    ),
}


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

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context, context.data_sources.add_pandas("marts")


def _outcome(suite: str, frame_name: str, frame: pd.DataFrame, result) -> Outcome:
    config = result.expectation_config
    kwargs = config.kwargs
    column, condition = kwargs.get("column"), kwargs.get("row_condition")
    if isinstance(condition, dict):  # GX 1.x hands a pandas row_condition back wrapped
        condition = condition.get("pass_through_filter")
    details = result.result or {}
    if "partial_unexpected_list" in details:
        values = details["partial_unexpected_list"][:5]
        if column and column in frame and "region_code" in frame:
            rows = frame.query(condition) if condition else frame
            rows = rows[rows[column].isin(values)].head(5)
            shown = [c for c in ("indicator_id", "region_code", "period") if c in frame]
            values = rows[[*shown, column]].to_dict("records")
        found = f"unexpected: {values} ({details.get('unexpected_count')} rows)"
    else:
        found = f"observed {details.get('observed_value')}: {frame.head(5).to_dict('records')}"
    bounds = ", ".join(
        f"{k}={kwargs[k]}" for k in ("min_value", "max_value", "value_set") if k in kwargs
    )
    return Outcome(
        suite=suite,
        frame=frame_name,
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
    """One line naming the expectation, frame, column and the offending values."""
    where = f"{outcome.frame}.{outcome.column}" if outcome.column else outcome.frame
    return f"{outcome.expectation} on {where} failed — {outcome.examples}"


def run_suite(suite: MartSuite, frames: Mapping[str, pd.DataFrame]) -> list[Outcome]:
    if _warm_up is not None:
        _warm_up.join()  # one thread imports GX at a time
    import great_expectations as gx

    context, datasource = _gx_context()
    outcomes: list[Outcome] = []
    for frame_name, expectations in _expectations(suite.name).items():
        frame = frames[frame_name]
        asset_name = f"{suite.name}__{frame_name}"
        try:
            asset = datasource.get_asset(asset_name)
        except LookupError:
            asset = datasource.add_dataframe_asset(asset_name)
        batch_definition = (
            asset.batch_definitions[0]
            if asset.batch_definitions
            else asset.add_batch_definition_whole_dataframe("whole")
        )
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(gx.ExpectationSuite(name=asset_name, expectations=expectations))
        outcomes += [_outcome(suite.name, frame_name, frame, r) for r in result.results]
    return outcomes


def record_outcomes(path: Path, suite: MartSuite, outcomes: list[Outcome], run_id: str) -> None:
    """Keep a suite's results of this run in `path` (JSON, one entry per suite), written
    atomically; the report's Datakwaliteit page shows them."""
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    recorded[suite.name] = {
        "description": suite.description,
        "run_id": run_id,
        "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "outcomes": [asdict(o) for o in outcomes],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(recorded, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)
