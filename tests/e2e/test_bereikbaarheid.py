"""Nearness of services (80305ned), travel per person (84710NED) and cars (85235NED; 85237NED for
1 January 2025), from the
embedded snapshot to marts.indicator_values (the report page: test_report.py). Expected values
are CBS's figures as in the collected raw files (their PROVENANCE.md entries quote them)."""

import pytest

from tests.e2e.conftest import value


@pytest.mark.parametrize(
    ("indicator", "region", "period", "expected"),
    [
        ("afstand_huisartsenpraktijk", "PV23", "2023", 1.3),
        ("afstand_huisartsenpraktijk", "NL01", "2023", 1.1),
        ("afstand_ziekenhuis", "PV23", "2023", 5.4),
        ("afstand_ziekenhuis", "NL01", "2023", 4.9),
        ("afstand_ziekenhuis", "GM0183", "2023", 12.6),  # Tubbergen
        ("reisafstand_per_dag", "PV23", "2023", 34.21),
        ("reisafstand_per_dag", "NL01", "2023", 31.97),
        ("reisafstand_autobestuurder_per_dag", "PV23", "2023", 17.25),
        ("reisafstand_autobestuurder_per_dag", "NL01", "2023", 16.12),
        ("reisafstand_woon_werk_per_dag", "PV23", "2023", 9.14),
        ("personenautos_per_1000_inwoners", "PV23", "2024", 520),
        ("personenautos_per_1000_inwoners", "NL01", "2024", 505),
        ("personenautos", "PV23", "2024", 617947),
        ("personenautos", "PV23", "2025", 632485),  # 85237NED, Overijssel_5
        ("personenautos", "NL01", "2025", 9247810),  # 85237NED, TotaalNederland_1
    ],
)
def test_figures_are_the_cbs_figures(warehouse, indicator, region, period, expected):
    assert value(warehouse, indicator, region, period) == expected


def test_zwolle_is_missing_and_nothing_stands_in_for_it(warehouse):
    gemeenten = {
        code
        for (code,) in warehouse.execute(
            "select distinct region_code from marts.indicator_values "
            "where indicator_id = 'afstand_ziekenhuis' and region_level = 'gemeente'"
        ).fetchall()
    }
    assert len(gemeenten) == 24 and "GM0193" not in gemeenten
    notes = warehouse.execute(
        "select toelichting from marts.indicator_catalog where indicator_id = 'afstand_ziekenhuis'"
    ).fetchone()[0]
    assert "Zwolle ontbreekt" in notes


def test_cars_of_2025_come_from_the_table_with_provinces_as_columns(warehouse):
    """85237NED has no region dimension: each province is a column. Turned into rows, its
    2019–2024 counts equal 85235NED's for Nederland and all 12 provinces, and only 2025 (which
    85235NED lacks) reaches the mart — without a figure per 1,000 inhabitants, which CBS has
    not published for 2025 and the product does not compute."""
    unequal = warehouse.execute(
        "select count(*) filter (where a.personenautos = v.personenautos), count(*) "
        "from staging.stg_cbs__personenautos_per_provincie a "
        "join staging.stg_cbs__voertuigenpark v using (region_code, period)"
    ).fetchone()
    assert unequal == (78, 78)  # 13 regions × 2019–2024
    rows = warehouse.execute(
        "select region_code, personenautos_per_1000_inwoners from "
        "marts.bereikbaarheid_personenautos where source_table = '85237NED' order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == ["NL01", *[f"PV{n}" for n in range(20, 32)]]
    assert all(per_1000 is None for _, per_1000 in rows)
    per_1000_2025 = warehouse.execute(
        "select count(*) from marts.indicator_values "
        "where indicator_id = 'personenautos_per_1000_inwoners' and period = '2025'"
    ).fetchone()[0]
    assert per_1000_2025 == 0
