"""Births and fertility (37201) and the CBS/PBL regional population forecast (85171NED with
its 67 % interval from 85173NED), from the embedded snapshot to marts.indicator_values.
Expected values are CBS's figures as in the collected raw files (their PROVENANCE.md entries
quote them)."""

import pytest

from tests.e2e.conftest import value


@pytest.mark.parametrize(
    ("indicator", "region", "period", "expected"),
    [
        ("geboorten", "PV23", "2023", 10_935),
        ("geboorten", "NL01", "2023", 164_487),
        ("kindertal_per_vrouw", "PV23", "2023", 1.56),
        ("kindertal_per_vrouw", "NL01", "2023", 1.43),
        ("kindertal_per_vrouw", "CR12", "2023", 1.54),
        ("kindertal_per_vrouw", "GM0153", "2023", 1.28),
        # CBS publishes the forecast in thousands with one decimal (1 176.3): in persons.
        ("bevolkingsprognose", "PV23", "2023", 1_176_300),
        ("bevolkingsprognose", "PV23", "2030", 1_201_000),
        ("bevolkingsprognose", "PV23", "2040", 1_218_700),
        ("bevolkingsprognose", "PV23", "2050", 1_218_300),
        ("bevolkingsprognose_ondergrens", "PV23", "2050", 1_157_300),
        ("bevolkingsprognose_bovengrens", "PV23", "2050", 1_282_500),
        ("bevolkingsprognose", "CR12", "2023", 635_900),
        ("bevolkingsprognose", "CR12", "2050", 641_500),
    ],
)
def test_figures_are_the_cbs_figures(warehouse, indicator, region, period, expected):
    assert value(warehouse, indicator, region, period) == expected


def test_births_equal_the_components_of_population_change(warehouse):
    """37201's births are 37230ned's live births (the same BRP count)."""
    component = warehouse.execute(
        "select levend_geborenen from marts.bevolking_componenten "
        "where region_code = 'PV23' and period = '2023'"
    ).fetchone()[0]
    assert value(warehouse, "geboorten", "PV23", "2023") == component == 10_935


def test_the_forecast_adds_up_and_its_interval_holds_it(warehouse):
    for year in ("2023", "2050"):
        parts = sum(
            value(warehouse, "bevolkingsprognose", cr, year) for cr in ("CR10", "CR11", "CR12")
        )
        assert parts == value(warehouse, "bevolkingsprognose", "PV23", year)
    rows = warehouse.execute(
        "select p.region_code, p.period, l.value, p.value, h.value from marts.indicator_values p "
        "join marts.indicator_values l on l.indicator_id = 'bevolkingsprognose_ondergrens' "
        "and (l.region_code, l.period) = (p.region_code, p.period) "
        "join marts.indicator_values h on h.indicator_id = 'bevolkingsprognose_bovengrens' "
        "and (h.region_code, h.period) = (p.region_code, p.period) "
        "where p.indicator_id = 'bevolkingsprognose'"
    ).fetchall()
    assert len(rows) >= 17 * 28  # NL, 12 provinces, 3 COROP regions, Almelo, … × 2023–2050
    assert all(low <= mid <= high for _, _, low, mid, high in rows)


def test_gemeenten_the_tables_lack_have_no_rows_and_the_catalog_says_so(warehouse):
    forecast = {
        code
        for (code,) in warehouse.execute(
            "select distinct region_code from marts.indicator_values "
            "where indicator_id = 'bevolkingsprognose' and region_level = 'gemeente'"
        ).fetchall()
    }
    # The larger gemeenten CBS forecasts: Almelo, Deventer, Enschede, Hardenberg, Hengelo,
    # Kampen, Zwolle.
    assert forecast == {"GM0141", "GM0150", "GM0153", "GM0160", "GM0164", "GM0166", "GM0193"}
    notes = dict(
        warehouse.execute(
            "select indicator_id, toelichting from marts.indicator_catalog "
            "where indicator_id in ('bevolkingsprognose', 'geboorten')"
        ).fetchall()
    )
    assert "niet de prognose van de provincie zelf (Primos)" in notes["bevolkingsprognose"]
    assert "6 van de 25 Overijsselse gemeenten" in notes["geboorten"]


def test_the_forecast_is_labelled_a_forecast(warehouse):
    """Researchers read the catalog's kind of source: a forecast is no CBS observation."""
    kinds = dict(
        warehouse.execute(
            "select indicator_id, source_kind from marts.indicator_catalog "
            "where indicator_id like 'bevolkingsprognose%'"
        ).fetchall()
    )
    assert kinds == dict.fromkeys(
        ("bevolkingsprognose", "bevolkingsprognose_ondergrens", "bevolkingsprognose_bovengrens"),
        "prognose",
    )
