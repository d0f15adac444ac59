"""Armoede end to end: the real low-income figures of the StatLine exports (custom file built
from the raw exports) reach marts.indicator_values for Nederland and the provinces only; the
KWB social-minimum shares for Nederland and every Overijssel gemeente, compared."""

import pytest

from tests.e2e.conftest import compared, value

LOW_INCOME = "laag_inkomen_huishoudens_pct"
SOCIAL_MINIMUM = "huishoudens_rond_sociaal_minimum_pct"


@pytest.mark.parametrize(
    ("indicator", "region", "period", "expected"),
    [
        # The low-income exports (custom file).
        (LOW_INCOME, "NL01", "2011", 6.9),
        (LOW_INCOME, "NL01", "2014", 8.5),
        (LOW_INCOME, "NL01", "2017", 7.9),
        (LOW_INCOME, "PV23", "2011", 6.2),
        (LOW_INCOME, "PV23", "2014", 8.0),
        (LOW_INCOME, "PV23", "2017", 7.6),
        (LOW_INCOME, "PV21", "2017", 8.3),  # exported as "Friesland (PV)", today's Fryslân
        # KWB "huishoudens onder of rond het sociaal minimum", editions 2021–2023 (the period
        # is the income year = the edition year).
        (SOCIAL_MINIMUM, "NL01", "2021", 6.5),
        (SOCIAL_MINIMUM, "NL01", "2022", 6.3),
        (SOCIAL_MINIMUM, "NL01", "2023", 6.5),
        (SOCIAL_MINIMUM, "GM0153", "2021", 10.0),  # Enschede
        (SOCIAL_MINIMUM, "GM0153", "2022", 9.6),
        (SOCIAL_MINIMUM, "GM0153", "2023", 9.8),
        (SOCIAL_MINIMUM, "GM0183", "2023", 3.7),  # Tubbergen
        (SOCIAL_MINIMUM, "GM0193", "2023", 6.7),  # Zwolle
    ],
)
def test_armoede_figures_are_the_cbs_figures(warehouse, indicator, region, period, expected):
    assert value(warehouse, indicator, region, period) == expected


def test_low_income_is_published_for_nederland_and_all_provinces_only(warehouse):
    rows = warehouse.execute(
        "select period, list(distinct region_level order by region_level), count(*), "
        "list(distinct status) from marts.indicator_values "
        "where indicator_id = 'laag_inkomen_huishoudens_pct' group by 1 order by 1"
    ).fetchall()
    assert rows == [
        (year, ["land", "provincie"], 13, ["onbekend"]) for year in ("2011", "2014", "2017")
    ]
    # The exports' gemeente rows (only Almelo from Overijssel) stay in the raw layer.
    almelo = warehouse.execute(
        "select jaar, waarde from raw.custom_laag_inkomen where region_code = 'GM0141' order by 1"
    ).fetchall()
    assert almelo == [(2011, 8.6), (2014, 11.3), (2017, 10.7)]


def test_the_catalog_keeps_the_measure_apart(warehouse):
    theme, notes = warehouse.execute(
        "select theme, method_notes from marts.indicator_catalog "
        "where indicator_id = 'laag_inkomen_huishoudens_pct'"
    ).fetchone()
    assert theme == "armoede" and "never spliced" in notes


def test_social_minimum_covers_every_gemeente_in_the_filled_editions_only(warehouse):
    rows = warehouse.execute(
        "select period, region_level, count(*), count(value), list(distinct source_table), "
        "list(distinct status), bool_or(method_break) from marts.indicator_values "
        "where indicator_id = 'huishoudens_rond_sociaal_minimum_pct' group by all order by 1, 2"
    ).fetchall()
    editions = {"2021": "85039NED", "2022": "85318NED", "2023": "85618NED"}
    # No 2024 rows: the 2024 edition's income columns are still empty in the snapshot. No
    # province rows: KWB has none and the product computes none.
    assert rows == [
        (year, level, n, n, [table], ["onbekend"], False)
        for year, table in editions.items()
        for level, n in (("gemeente", 25), ("land", 1))
    ]


def test_social_minimum_gemeenten_compared_without_a_province_figure(warehouse):
    rows = compared(warehouse, "huishoudens_rond_sociaal_minimum_pct", "2023")
    assert len(rows) == 25
    assert rows["GM0153"] == (9.8, None, 6.5, 3.3, "boven", 1)  # Enschede, highest
    assert rows["GM0141"] == (8.9, None, 6.5, 2.4, "boven", 2)  # Almelo
    assert rows["GM0193"] == (6.7, None, 6.5, 0.2, "boven", 5)  # Zwolle
    assert rows["GM0183"][4:] == ("onder", 20)  # Tubbergen


def test_the_catalog_states_the_income_year_and_its_evidence(warehouse):
    peildatum, notes = warehouse.execute(
        "select peildatum, method_notes from marts.indicator_catalog "
        "where indicator_id = 'huishoudens_rond_sociaal_minimum_pct'"
    ).fetchone()
    assert peildatum == "inkomen over het jaar (= KWB-editiejaar)"
    assert "83931NED" in notes and "never spliced" in notes
