"""The housing market from the embedded snapshot to marts.indicator_values: sale prices of
existing owner-occupied dwellings (85792NED, 85819NED; per gemeente 83625NED), the WOZ value
(85036NED) and the rent increase (83162NED). Expected values are CBS's figures as in the
collected raw files (their PROVENANCE.md entries quote them)."""

import pytest

from tests.e2e.conftest import value


@pytest.mark.parametrize(
    ("indicator", "region", "period", "expected"),
    [
        ("verkoopprijs_gemiddeld", "PV23", "2024", 393_428),
        ("prijsindex_koopwoningen", "PV23", "2024", 140.9),
        ("prijsontwikkeling_koopwoningen_pct", "PV23", "2024", 8.6),
        ("verkochte_woningen", "PV23", "2024", 12_725),
        ("verkoopprijs_gemiddeld", "NL01", "2024", 450_985),
        ("prijsindex_koopwoningen", "NL01", "2024", 137.7),
        ("verkochte_woningen", "NL01", "2024", 206_458),
        ("verkoopprijs_gemiddeld", "PV23", "2025Q1", 408_850),
        ("prijsindex_koopwoningen", "CR12", "2025Q1", 147.5),
        ("verkochte_woningen", "CR12", "2025Q1", 1_572),
        ("verkoopprijs_gemiddeld", "CR12", "2025Q1", 393_252),
        ("verkoopprijs_gemiddeld", "CR10", "2025Q1", 428_070),
        ("verkoopprijs_gemiddeld", "CR11", "2025Q1", 415_674),
        ("verkoopprijs_gemiddeld", "GM0141", "2024", 313_612),
        ("verkoopprijs_gemiddeld", "GM0150", "2024", 400_782),
        ("verkoopprijs_gemiddeld", "GM0153", "2024", 345_393),
        ("woz_waarde_gemiddeld", "PV23", "2024", 343),
        ("woz_waarde_gemiddeld", "GM0141", "2024", 284),
        ("huurverhoging_pct", "PV23", "2024", 5.7),
        ("huurverhoging_pct", "NL01", "2024", 5.4),
        # The 2021 rent freeze: a negative increase is a real figure, not an error.
        ("huurverhoging_pct", "PV21", "2021", -0.1),
    ],
)
def test_figures_are_the_cbs_figures(warehouse, indicator, region, period, expected):
    assert value(warehouse, indicator, region, period) == expected


def test_quarters_and_years_are_kept_apart_and_corop_has_quarters_only(warehouse):
    kinds = dict(
        warehouse.execute(
            "select region_level, list(distinct period_type order by period_type) "
            "from marts.indicator_values where indicator_id = 'verkoopprijs_gemiddeld' "
            "group by 1"
        ).fetchall()
    )
    assert kinds["provincie"] == ["jaar", "kwartaal"]
    assert kinds["corop"] == ["kwartaal"]
    assert kinds["gemeente"] == ["jaar"]


# The 12 Overijssel gemeenten 83625NED's truncated export holds (alphabetically up to
# 'Kerkwijk'); the other 13 are not in the warehouse and an export names them as missing.
SALE_PRICE_GEMEENTEN = {
    "GM0141", "GM0147", "GM0148", "GM0150", "GM0153", "GM0158",
    "GM0160", "GM0163", "GM0164", "GM0166", "GM1735", "GM1774",
}  # fmt: skip


def test_sale_prices_per_gemeente_are_those_83625ned_holds(warehouse):
    rows = dict(
        warehouse.execute(
            "select region_code, list(distinct source_table) from marts.indicator_values "
            "where indicator_id = 'verkoopprijs_gemiddeld' and region_level = 'gemeente' "
            "group by 1"
        ).fetchall()
    )
    assert set(rows) == SALE_PRICE_GEMEENTEN
    assert all(tables == ["83625NED"] for tables in rows.values())
    assert "GM0193" not in rows  # Zwolle


def test_83625ned_repeats_the_national_and_provincial_prices_of_85792ned(warehouse):
    # Where both tables hold a region and year, the mart keeps 85792NED's row (with the index);
    # the two averages must then be the same figure, or one of them is not what we think.
    differing = warehouse.execute(
        "select g.region_code, g.period, g.gemiddelde_verkoopprijs, p.gemiddelde_verkoopprijs "
        "from staging.stg_cbs__verkoopprijzen_gemeenten g join staging.stg_cbs__verkoopprijzen p "
        "using (region_code, period, period_type) where g.period_type = 'jaar'"
    ).fetchall()
    compared = {(region, period) for region, period, *_ in differing}
    assert {("NL01", "2024"), ("PV23", "2024"), ("PV23", "2023")} <= compared
    assert [row for row in differing if row[2] != row[3]] == []


def test_dwellings_sold_in_the_three_corop_regions_add_up_to_the_province(warehouse):
    rows = warehouse.execute(
        "select period, sum(value) filter (where region_code in ('CR10', 'CR11', 'CR12')), "
        "max(value) filter (where region_code = 'PV23'), count(*) filter (where region_code "
        "like 'CR%') from marts.indicator_values where indicator_id = 'verkochte_woningen' "
        "and period_type = 'kwartaal' group by period"
    ).fetchall()
    assert len(rows) == 121  # 1995 Q1 – 2025 Q1
    compared = [(parts, whole) for _, parts, whole, n in rows if n == 3]
    assert len(compared) >= 117
    assert all(parts == whole for parts, whole in compared)


def test_every_gemeente_has_its_woz_value_every_year(warehouse):
    counts = warehouse.execute(
        "select period, count(*) from marts.indicator_values where indicator_id = "
        "'woz_waarde_gemiddeld' and region_level = 'gemeente' group by period order by period"
    ).fetchall()
    assert counts == [(str(year), 25) for year in range(2019, 2025)]
