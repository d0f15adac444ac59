"""End to end, jeugdhulp: real snapshot figures through to marts.indicator_values and the
gemeente comparison, and the blocking checks on tampered copies of the warehouse."""

import pytest

from delivery.report.data import ReportData
from tests.conftest import reliability_row
from tests.e2e.conftest import compared, dbt_test_rows, value, yearly_series


def test_jeugdhulp_in_natura_2023_for_nederland_overijssel_and_gemeenten(warehouse):
    # 85098NED, 2023: Nederland 13.9%, Overijssel 12.5% (the definitive figure; first
    # published as 12.2%), Enschede 14.8%, Zwolle 12.0%, Staphorst 6.4%.
    assert value(warehouse, "jeugdhulp_in_natura_pct", "NL01", "2023") == 13.9
    assert value(warehouse, "jeugdhulp_in_natura_pct", "PV23", "2023") == 12.5
    assert value(warehouse, "jeugdhulp_in_natura_pct", "GM0153", "2023") == 14.8
    assert value(warehouse, "jeugdhulp_in_natura_pct", "GM0193", "2023") == 12.0
    assert value(warehouse, "jeugdhulp_in_natura_pct", "GM0180", "2023") == 6.4
    assert value(warehouse, "jeugdhulp_in_natura_pct", "PV23", "2023H1") == 10.7


def test_overijssel_series_reaches_back_to_2015_across_both_tables(warehouse):
    rows = yearly_series(warehouse, "jeugdhulp_in_natura_pct", "PV23")
    assert [r[0] for r in rows] == [str(y) for y in range(2015, 2024)]
    # CBS publishes no 2015 figure for Overijssel in 82972NED: the row stays, null, not zero.
    assert rows[0] == ("2015", None, "82972NED", False)
    assert rows[1][1:3] == (9.3, "82972NED")
    assert rows[5][1:3] == (11.2, "82972NED")  # 2020
    assert rows[6] == ("2021", 12.0, "85098NED", True)  # the change of table is flagged
    assert not any(r[3] for r in rows[7:])
    # Gemeenten do have 2015 (Enschede 9%).
    assert value(warehouse, "jeugdhulp_in_natura_pct", "GM0153", "2015") == 9


def test_youth_care_count_reaches_back_to_2015_across_84134ned_and_85099ned(warehouse):
    rows = yearly_series(warehouse, "jongeren_met_jeugdzorg", "PV23")
    assert [r[0] for r in rows] == [str(y) for y in range(2015, 2024)]
    assert rows[0] == ("2015", 25_015, "84134NED", False)
    assert rows[5] == ("2020", 28_295, "84134NED", False)
    assert rows[6] == ("2021", 29_840, "85099NED", True)  # the change of table is flagged
    assert not any(r[3] for r in rows[7:])
    assert value(warehouse, "jongeren_met_jeugdzorg", "NL01", "2015") == 380_100
    assert value(warehouse, "jongeren_met_jeugdzorg", "GM0153", "2020") == 4_055  # Enschede
    assert value(warehouse, "jongeren_met_jeugdzorg", "PV23", "2015H1") == 21_365


def test_other_shares_and_the_count(warehouse):
    assert value(warehouse, "jeugdhulp_met_verblijf_pct", "PV23", "2023") == 11.9
    assert value(warehouse, "jeugdbescherming_pct", "PV23", "2023") == 1.3
    assert value(warehouse, "jeugdreclassering_pct", "PV23", "2023") == 0.3
    assert value(warehouse, "jongeren_met_jeugdzorg", "PV23", "2023") == 30_755
    assert value(warehouse, "jongeren_met_jeugdzorg", "GM0153", "2023") == 4_460


def test_a_map_of_gemeente_counts_shows_the_latest_year_not_a_newer_half_year(warehouse):
    """The report maps counts with each gemeente's own figure of the latest year; jeugdzorg
    also has half years, and 2024H1 sorts after 2023 but is no year."""
    frame = ReportData(warehouse, "PV23").gemeente_values("jongeren_met_jeugdzorg")
    assert len(frame) == 25 and set(frame["period"]) == {"2023"}
    assert frame.set_index("region_code").loc["GM0153", "value"] == 4_460  # Enschede


def test_gemeente_comparison_with_province_and_nederland(warehouse):
    rows = compared(warehouse, "jeugdhulp_in_natura_pct", "2023")
    assert len(rows) == 25
    almelo = rows["GM0141"]
    assert almelo[:3] == (15.3, 12.5, 13.9)
    assert almelo[3] == pytest.approx(1.4)
    assert almelo[4:] == ("boven", 1)
    assert rows["GM0153"][4:] == ("boven", 2) and rows["GM0164"][4:] == ("boven", 2)  # a tie
    assert rows["GM1700"][4:] == ("onder", 4)  # Twenterand, after the tie
    assert rows["GM0180"][4:] == ("onder", 25)  # Staphorst, lowest


def test_a_missing_value_is_null_unranked_and_never_shifts_the_ranks(warehouse):
    rows = warehouse.execute(
        "select region_code, value, rang, aantal_gemeenten_met_waarde "
        "from marts.gemeente_vergelijking "
        "where indicator_id = 'jeugdhulp_in_natura_pct' and period = '2024H1' order by rang"
    ).fetchall()
    missing = [r for r in rows if r[1] is None]
    assert missing == [("GM0164", None, None, 24)]  # Hengelo: no CBS figure for 2024H1
    assert sorted(r[2] for r in rows if r[2] is not None)[-1] <= 24


def test_the_catalog_explains_the_break_and_the_woonplaatsbeginsel(warehouse):
    notes = warehouse.execute(
        "select method_notes, definition from marts.indicator_catalog "
        "where indicator_id = 'jeugdhulp_in_natura_pct'"
    ).fetchone()
    assert "method_break" in notes[0] and "Woonplaatsbeginsel" in notes[0]
    assert "responsible gemeente" in notes[1]


def test_an_undeclared_change_of_source_table_is_blocked(tampered, dbt_singular_tests):
    tampered.execute(
        "update marts.indicator_values set source_table = '99999NED', method_break = null "
        "where indicator_id = 'jeugdbescherming_pct' and region_code = 'GM0153' "
        "and period = '2022'"
    )
    [row] = dbt_test_rows(tampered, dbt_singular_tests, "indicator_source_changes_declared")
    assert (row["region_code"], row["indicator_id"]) == ("GM0153", "jeugdbescherming_pct")


def test_a_gemeente_missing_from_a_period_is_blocked(tampered, dbt_singular_tests, request):
    tampered.execute(
        "delete from marts.indicator_values where indicator_id = 'jeugdhulp_in_natura_pct' "
        "and region_code = 'GM0193' and period = '2019H2'"
    )
    [row] = dbt_test_rows(
        tampered, dbt_singular_tests, "indicator_focus_gemeenten_in_every_compared_period"
    )
    assert (row["region_code"], row["period"]) == ("GM0193", "2019H2")
    message = f"dbt test indicator_focus_gemeenten_in_every_compared_period: {row}"
    reliability_row(
        request,
        side="bad values",
        fault="a gemeente missing from a period",
        injected="Zwolle's 2019H2 youth-care row deleted from a tampered copy",
        expected="the blocking dbt test fails, naming gemeente and period",
        seen=message,
    )


def test_a_region_without_any_figure_in_a_table_has_no_rows(warehouse):
    """The COROP regions in 82972NED: CBS publishes youth care per gemeente, province and
    Nederland, so no rows of nulls only; a single suppressed share (Hengelo 2024H1) stays null."""
    null_only = warehouse.execute("""
        select indicator_id, region_code, source_table from marts.indicator_values
        where indicator_id like 'jeugd%' and region_level <> 'gemeente'
        group by all having count(value) = 0""").fetchall()
    assert null_only == []
    corop = warehouse.execute("""
        select count(*) from marts.indicator_values
        where indicator_id = 'jeugdhulp_in_natura_pct' and region_code in ('CR10', 'CR11', 'CR12')
        """).fetchone()[0]
    assert corop == 0
    hengelo = warehouse.execute("""
        select value from marts.indicator_values where indicator_id = 'jeugdhulp_in_natura_pct'
        and region_code = 'GM0164' and period = '2024H1'""").fetchall()
    assert hengelo == [(None,)]


def test_youth_care_costs_per_gemeente_and_inhabitant(warehouse):
    """83454NED's realised costs (× 1,000 euro, shown in mln euro) and per inhabitant, 2023."""
    for code, total, per_inhabitant in (
        ("GM0153", 89.373, 554),  # Enschede
        ("GM0141", 39.226, 530),  # Almelo
        ("GM0193", 52.824, 398),  # Zwolle
        ("GM0150", 33.691, 327),  # Deventer
        ("GM0164", 34.904, 424),  # Hengelo (O.)
    ):
        assert value(warehouse, "jeugdzorg_kosten", code, "2023") == pytest.approx(total)
        assert value(warehouse, "jeugdzorg_kosten_per_inwoner", code, "2023") == per_inhabitant
    # Gemeenten only, no figure summed for the province; years CBS left empty stay null.
    levels = warehouse.execute(
        "select distinct region_level from marts.indicator_values "
        "where indicator_id like 'jeugdzorg_kosten%'"
    ).fetchall()
    assert levels == [("gemeente",)]
    filled = dict(
        warehouse.execute(
            "select period, count(value) from marts.indicator_values "
            "where indicator_id = 'jeugdzorg_kosten' group by period"
        ).fetchall()
    )
    assert [filled[str(y)] for y in range(2015, 2024)] == [1, 6, 12, 19, 23, 25, 25, 25, 25]
