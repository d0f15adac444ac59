"""Great Expectations suites on the indicator marts: business expectations users rely on.

Each suite names SQL frames (read from the warehouse build) and the expectations on each frame.
Derived frames turn cross-row rules into column rules, e.g. "COROP regions sum to the province"
becomes a frame of differences that must all be zero. GX 1.x is called directly (dagster-ge
requires GX < 1); `run_suite` turns the result into messages that name the frame, the column
and the offending values.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

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


def _expectations(suite_name: str) -> dict[str, list]:
    """Frame name → expectations, built on demand because GX takes seconds to import."""
    import great_expectations as gx

    e = gx.expectations
    suites = {
        "indicator_values": {
            "bevolking_totaal": [
                e.ExpectColumnValuesToNotBeNull(column="value"),
                e.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=30_000_000),
            ],
            "bevolking_index_2002": [
                e.ExpectColumnValuesToBeBetween(column="value", min_value=50, max_value=200),
            ],
            "all_rows": [
                e.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=["definitief", "voorlopig", "nader voorlopig", "onbekend"],
                ),
                e.ExpectColumnValuesToNotBeNull(column="region_name"),
            ],
            "corop_minus_province": [
                e.ExpectColumnValuesToBeBetween(column="difference", min_value=0, max_value=0),
            ],
            "missing_focus_gemeenten": [e.ExpectTableRowCountToEqual(value=0)],
            "year_on_year_pct": [
                e.ExpectColumnValuesToBeBetween(column="change_pct", min_value=-10, max_value=10),
            ],
        },
        "bevolking_leeftijdsopbouw": {
            "bands": [
                e.ExpectColumnValuesToBeBetween(column="aandeel_pct", min_value=0, max_value=100),
                e.ExpectColumnValuesToBeBetween(column="personen", min_value=0),
            ],
            "band_share_total": [
                e.ExpectColumnValuesToBeBetween(
                    column="total_pct", min_value=99.999, max_value=100.001
                ),
            ],
        },
    }
    return suites[suite_name]


MART_SUITES: dict[str, MartSuite] = {
    "indicator_values": MartSuite(
        name="indicator_values",
        description="population counts and index in plausible ranges, valid statuses, COROP "
        "regions summing to the focus province, every focus gemeente present in "
        "the latest year, year-on-year change within ±10% (boundary changes and "
        "early Flevoland growth reach 6%)",
        frames={
            "all_rows": "select * from marts.indicator_values",
            "bevolking_totaal": "select * from marts.indicator_values "
            "where indicator_id = 'bevolking_totaal'",
            "bevolking_index_2002": "select * from marts.indicator_values "
            "where indicator_id = 'bevolking_index_2002'",
            "corop_minus_province": """
                with corop as (
                    select v.period, sum(v.value) as corop_sum, count(*) as n
                    from marts.indicator_values v
                    join marts.dim_region r using (region_code)
                    where v.indicator_id = 'bevolking_totaal' and r.region_level = 'corop'
                      and r.provincie_code = $focus
                    group by v.period
                )
                select p.period, corop.corop_sum - p.value as difference
                from marts.indicator_values p join corop using (period)
                where p.indicator_id = 'bevolking_totaal' and p.region_code = $focus
                  and corop.n = (select count(*) from marts.dim_region
                                 where region_level = 'corop' and provincie_code = $focus)
            """,
            "missing_focus_gemeenten": """
                select r.region_code, r.region_name from marts.dim_region r
                where r.region_level = 'gemeente' and r.provincie_code = $focus
                  and not exists (
                      select 1 from marts.indicator_values v
                      where v.indicator_id = 'bevolking_totaal' and v.region_code = r.region_code
                        and v.period = (select max(period) from marts.indicator_values
                                        where indicator_id = 'bevolking_totaal'))
            """,
            "year_on_year_pct": """
                select region_code, period,
                    100 * (value / lag(value) over (partition by region_code order by period) - 1)
                        as change_pct
                from marts.indicator_values
                where indicator_id = 'bevolking_totaal' and period_type = 'jaar'
                  and region_level in ('land', 'landsdeel', 'provincie', 'corop', 'woondeal')
                qualify change_pct is not null
            """,
        },
    ),
    "bevolking_leeftijdsopbouw": MartSuite(
        name="bevolking_leeftijdsopbouw",
        description="shares within 0–100 and summing to 100% per region and year, no negative "
        "counts",
        frames={
            "bands": "select * from marts.bevolking_leeftijdsopbouw",
            "band_share_total": "select region_code, period, sum(aandeel_pct) as total_pct "
            "from marts.bevolking_leeftijdsopbouw group by all",
        },
    ),
}


@functools.cache
def _gx_context():
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context, context.data_sources.add_pandas("marts")


def _describe_failure(frame_name: str, frame: pd.DataFrame, result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column")
    details = result.result or {}
    if "partial_unexpected_list" in details:
        values = details["partial_unexpected_list"][:5]
        if column and column in frame and "region_code" in frame:
            rows = frame[frame[column].isin(values)].head(5)
            values = rows[
                ["region_code", *(["period"] if "period" in frame else []), column]
            ].to_dict("records")
        found = f"unexpected: {values} ({details.get('unexpected_count')} rows)"
    else:
        found = f"observed {details.get('observed_value')}: {frame.head(5).to_dict('records')}"
    where = f"{frame_name}.{column}" if column else frame_name
    return f"{config.type} on {where} failed — {found}"


def run_suite(suite: MartSuite, frames: Mapping[str, pd.DataFrame]) -> tuple[list[str], int]:
    import great_expectations as gx

    suite_name = suite.name
    context, datasource = _gx_context()
    failures: list[str] = []
    evaluated = 0
    for frame_name, expectations in _expectations(suite_name).items():
        frame = frames[frame_name]
        asset_name = f"{suite_name}__{frame_name}"
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
        evaluated += len(result.results)
        failures += [
            _describe_failure(frame_name, frame, r) for r in result.results if not r.success
        ]
    return failures, evaluated
