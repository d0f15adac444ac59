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
                    value_set=[
                        "definitief",
                        "voorlopig",
                        "nader voorlopig",
                        "onbekend",
                        "n.v.t.",
                        "geheim",
                    ],
                ),
                e.ExpectColumnValuesToNotBeNull(column="region_name"),
            ],
            "parts_minus_whole": [
                e.ExpectColumnValuesToBeBetween(column="beyond_rounding", min_value=0, max_value=0),
            ],
            "missing_focus_gemeenten": [e.ExpectTableRowCountToEqual(value=0)],
            "year_on_year_pct": [
                e.ExpectColumnValuesToBeBetween(column="change_pct", min_value=-10, max_value=10),
            ],
            "counts": [e.ExpectColumnValuesToBeBetween(column="value", min_value=0)],
            "shares_pct": [
                e.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=100),
            ],
            "reference_mixed_with_cbs": [e.ExpectTableRowCountToEqual(value=0)],
            "undeclared_source_changes": [e.ExpectTableRowCountToEqual(value=0)],
            "export_share_total": [
                e.ExpectColumnValuesToBeBetween(
                    column="total_pct", min_value=99.999, max_value=100.001
                ),
            ],
            "gemeenten_missing_in_a_period": [e.ExpectTableRowCountToEqual(value=0)],
        },
        "woningvoorraad_mutaties": {
            "stock_identity": [
                e.ExpectColumnValuesToBeBetween(
                    column="voorraadverschil", min_value=-25, max_value=25
                ),
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


# Indicators whose gemeenten add up to COROP region, woondeal region and province.
ADDITIVE_INDICATORS = (
    "bevolking_totaal",
    "woningvoorraad",
    "huishoudens_totaal",
    "nieuwbouw",
    "netto_toevoeging",
    "sloop",
    "woondeal_gerealiseerd_cumulatief",
    "woondeal_nieuwbouw_cumulatief",
)
# Flows CBS rounds to multiples of 5 (84903NED, 86054NED).
ROUNDED_FLOWS = ("nieuwbouw", "netto_toevoeging", "sloop")
# Indicators every focus gemeente must have in their latest period.
EVERY_GEMEENTE_INDICATORS = (
    "bevolking_totaal",
    "woningvoorraad",
    "huishoudens_totaal",
    "nieuwbouw",
)


# Themes whose gemeenten are compared with the province and Nederland period by period.
COMPARED_THEMES = ("jeugdhulp", "armoede")


def _quoted(ids: tuple[str, ...]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


MART_SUITES: dict[str, MartSuite] = {
    "indicator_values": MartSuite(
        name="indicator_values",
        description="population counts and the index of aggregates in plausible ranges, "
        "valid statuses, "
        "gemeenten and COROP regions summing to their COROP region, woondeal region and "
        "province (within CBS rounding), every focus gemeente present in the latest period, "
        "population change within ±10% a year for Nederland, landsdelen, provinces and the "
        "focus province's COROP and woondeal regions (elsewhere COROP boundaries were redrawn, "
        "e.g. CR05/CR06 in 2014), counts non-negative, shares within 0–100, reference figures "
        "(ABF, Trendweb) never under the id of a CBS-based indicator, every change of source "
        "table declared (same definition or method break), every focus gemeente present in "
        "every period of the compared themes (jeugdhulp, armoede)",
        frames={
            "all_rows": "select * from marts.indicator_values",
            "bevolking_totaal": "select * from marts.indicator_values "
            "where indicator_id = 'bevolking_totaal'",
            # Aggregates only: a gemeente's series jumps where its boundary changed (mergers),
            # e.g. Bergen (NH) stands at 44 in 1988 against its 2002 territory.
            "bevolking_index_2002": "select * from marts.indicator_values "
            "where indicator_id = 'bevolking_index_2002' and region_level <> 'gemeente'",
            # Parts sum to their whole where every part is present: gemeenten to their COROP
            # region, woondeal region and province, COROP regions to the province. Flows from
            # 84903NED/86054NED are rounded by CBS to multiples of 5 (≤ 2.5 off per figure).
            "parts_minus_whole": f"""
                with links as (
                    select r.region_code, r.region_level as part_level, parent.code as whole_code
                    from marts.dim_region r
                    cross join unnest(case r.region_level
                        when 'gemeente' then [r.corop_code, r.woondeal_code, r.provincie_code]
                        when 'corop' then [r.provincie_code] end) as parent(code)
                    where r.provincie_code = $focus and parent.code is not null
                ),
                expected as (
                    select whole_code, part_level, count(*) as n_expected from links group by all
                ),
                sums as (
                    select v.indicator_id, l.whole_code, l.part_level, v.period,
                        sum(v.value) as parts_sum, count(*) as n_parts
                    from marts.indicator_values v join links l using (region_code)
                    where v.indicator_id in ({_quoted(ADDITIVE_INDICATORS)})
                    group by all
                )
                select s.indicator_id, s.whole_code as region_code, s.part_level, s.period,
                    s.parts_sum - w.value as difference,
                    greatest(abs(s.parts_sum - w.value) - case
                        when s.indicator_id in ({_quoted(ROUNDED_FLOWS)})
                            then 2.5 * (s.n_parts + 1)
                        when s.indicator_id like 'woondeal_%'
                            then 2.5 * (s.n_parts + 1) * (cast(s.period as integer) - 2021)
                        else 0 end, 0) as beyond_rounding
                from sums s
                join expected e using (whole_code, part_level)
                join marts.indicator_values w on w.indicator_id = s.indicator_id
                    and w.region_code = s.whole_code and w.period = s.period
                where s.n_parts = e.n_expected
            """,
            "missing_focus_gemeenten": f"""
                with latest as (
                    select indicator_id, max(period) as period from marts.indicator_values
                    where indicator_id in ({_quoted(EVERY_GEMEENTE_INDICATORS)}) group by all
                )
                select l.indicator_id, l.period, r.region_code, r.region_name
                from latest l cross join marts.dim_region r
                where r.region_level = 'gemeente' and r.provincie_code = $focus
                  and not exists (
                      select 1 from marts.indicator_values v
                      where v.indicator_id = l.indicator_id and v.region_code = r.region_code
                        and v.period = l.period)
            """,
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
            "counts": "select * from marts.indicator_values "
            "where unit in ('personen', 'woningen', 'huishoudens') "
            "and indicator_id not in ('netto_toevoeging', 'woningtekort_proxy')",
            # Percentages that are shares (not changes or the shortage proxy, which may be < 0).
            "shares_pct": "select * from marts.indicator_values where unit = '%' "
            "and indicator_id not in ('woningtekort_proxy_pct', 'export_goederen_groei_pct')",
            "export_share_total": "select period, sum(value) as total_pct "
            "from marts.indicator_values where indicator_id = 'export_goederen_aandeel_pct' "
            "group by period",
            # A reference figure published by others (ABF) and our CBS-based proxy never share
            # an indicator id: rows of 'referentie' indicators come from a reference seed, and
            # only those do.
            "reference_mixed_with_cbs": """
                select v.indicator_id, v.region_code, v.period, v.source_table, c.source_kind
                from marts.indicator_values v join marts.indicator_catalog c using (indicator_id)
                where (c.source_kind = 'referentie') != (v.source_table in (
                    select bron from reference.woningtekort_abf
                    union all select bron from reference.export_partners_referentie))
            """,
            # A series that changes source table must say whether that is a method break:
            # reference.reeksovergangen (from the registry's series links) declares each
            # change; an undeclared one is null here.
            "undeclared_source_changes": "select indicator_id, region_code, period, "
            "source_table from marts.indicator_values where method_break is null",
            # Gemeenten are compared per period: every focus gemeente has a row (its value may
            # be null when CBS publishes none) in every period its theme's source covers.
            "gemeenten_missing_in_a_period": f"""
                with periods as (
                    select distinct v.indicator_id, v.period, v.period_type
                    from marts.indicator_values v
                    join marts.indicator_catalog c using (indicator_id)
                    where c.theme in ({_quoted(COMPARED_THEMES)}) and v.region_level = 'gemeente'
                )
                select p.indicator_id, p.period, r.region_code, r.region_name
                from periods p cross join marts.dim_region r
                where r.region_level = 'gemeente' and r.provincie_code = $focus
                  and not exists (
                      select 1 from marts.indicator_values v
                      where v.indicator_id = p.indicator_id and v.period = p.period
                        and v.period_type = p.period_type and v.region_code = r.region_code)
            """,
        },
    ),
    "woningvoorraad_mutaties": MartSuite(
        name="woningvoorraad_mutaties",
        description="stock identity: begin stock + net change = end stock per region and year, "
        "within CBS's rounding (figures rounded to multiples of 5; up to 25 seen for Nederland "
        "in 84903NED), except boundary changes listed in seed grenswijzigingen",
        frames={
            "stock_identity": "select region_code, period, beginstand, saldo, eindstand, "
            "voorraadverschil, source_table from marts.woningvoorraad_mutaties "
            "where grenswijziging is null",
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
