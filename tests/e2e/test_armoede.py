"""Armoede end to end: the real low-income figures of the StatLine exports (custom file built
from the raw exports) reach marts.indicator_values for Nederland and the provinces only."""

import pytest

from tests.e2e.conftest import value


@pytest.mark.parametrize(
    ("region", "period", "expected"),
    [
        ("NL01", "2011", 6.9),
        ("NL01", "2014", 8.5),
        ("NL01", "2017", 7.9),
        ("PV23", "2011", 6.2),
        ("PV23", "2014", 8.0),
        ("PV23", "2017", 7.6),
        ("PV21", "2017", 8.3),  # exported as "Friesland (PV)", today's Fryslân
    ],
)
def test_low_income_share_is_the_exported_cbs_figure(warehouse, region, period, expected):
    assert value(warehouse, "laag_inkomen_huishoudens_pct", region, period) == expected


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
