"""Nearness of services (80305ned), travel per person (84710NED) and cars (85235NED), from the
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
