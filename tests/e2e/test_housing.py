"""End to end, housing: real snapshot figures through to marts.indicator_values, and the
blocking housing checks failing on tampered copies of the end-to-end warehouse."""

import pytest

from tests.conftest import reliability_row
from tests.e2e.conftest import dbt_test_rows, failures, value

TWENTE_GEMEENTEN = 14


def test_overijssel_new_build_2020_to_2023_from_86054ned(warehouse):
    rows = warehouse.execute(
        "select period, value, source_table from marts.indicator_values "
        "where indicator_id = 'nieuwbouw' and region_code = 'PV23' and period >= '2019' "
        "order by period"
    ).fetchall()
    assert rows == [
        ("2019", 4610, "84903NED"),  # before 86054NED starts: the archived predecessor
        ("2020", 4045, "86054NED"),
        ("2021", 3555, "86054NED"),
        ("2022", 3920, "86054NED"),
        ("2023", 4465, "86054NED"),
    ]
    first = warehouse.execute(
        "select min(period) from marts.indicator_values where indicator_id = 'nieuwbouw'"
    ).fetchone()[0]
    assert first == "2012"


def test_stock_households_and_the_proxy_on_1_january_2024(warehouse):
    stock = value(warehouse, "woningvoorraad", "PV23", "2024")
    households = value(warehouse, "huishoudens_totaal", "PV23", "2024")
    assert stock == 527_085  # 82550NED
    assert households == 528_614  # 71486ned
    assert value(warehouse, "woningtekort_proxy", "PV23", "2024") == households - stock == 1_529
    assert value(warehouse, "woningtekort_proxy_pct", "PV23", "2024") == pytest.approx(
        100 * 1_529 / 527_085
    )
    # Nederland: 8,374,404 households against 8,204,049 dwellings.
    assert value(warehouse, "woningtekort_proxy", "NL01", "2024") == 170_355


def test_gemeenten_missing_from_71486ned_take_kwb_households(warehouse):
    rows = dict(
        warehouse.execute(
            "select region_code, source_table from marts.indicator_values "
            "where indicator_id = 'huishoudens_totaal' and period = '2024' "
            "and region_code in ('GM0153', 'GM0193')"
        ).fetchall()
    )
    assert rows == {"GM0153": "71486ned", "GM0193": "85984NED"}  # Enschede; Zwolle from KWB
    assert value(warehouse, "huishoudens_totaal", "GM0193", "2024") == 62_948
    assert value(warehouse, "woningtekort_proxy", "GM0193", "2024") == 62_948 - 61_187


def test_ownership_shares_and_household_size(warehouse):
    # 82900NED Overijssel 1 January 2024: 322,410 owner-occupied, 141,046 housing association,
    # 63,328 other landlords of 527,085 dwellings.
    assert value(warehouse, "woningvoorraad_koop_pct", "PV23", "2024") == pytest.approx(
        100 * 322_410 / 527_085
    )
    assert value(warehouse, "woningvoorraad_corporatie_pct", "PV23", "2024") == pytest.approx(
        100 * 141_046 / 527_085
    )
    assert value(warehouse, "woningvoorraad_overige_huur_pct", "PV23", "2024") == pytest.approx(
        100 * 63_328 / 527_085
    )
    assert value(warehouse, "eenpersoonshuishoudens_pct", "PV23", "2024") == pytest.approx(
        100 * 192_950 / 528_614
    )
    assert value(warehouse, "huishoudensgrootte_gemiddeld", "PV23", "2024") == pytest.approx(
        1_189_033 / 528_614
    )


def test_woondeal_cumulative_is_the_sum_of_net_additions_since_2022(warehouse):
    for region in ("PV23", "WD01", "WD02", "GM0153"):
        yearly = [value(warehouse, "netto_toevoeging", region, y) for y in ("2022", "2023")]
        assert value(warehouse, "woondeal_gerealiseerd_cumulatief", region, "2022") == yearly[0]
        assert value(warehouse, "woondeal_gerealiseerd_cumulatief", region, "2023") == sum(yearly)
    assert value(warehouse, "woondeal_gerealiseerd_cumulatief", "PV23", "2023") == 4_360 + 4_170
    assert value(warehouse, "woondeal_nieuwbouw_cumulatief", "PV23", "2023") == 3_920 + 4_465


def test_woondeal_reaches_2024_through_the_stock_of_1_january_2025(warehouse):
    """86054NED stops at 2023 in the snapshot; 2024's net addition is the change of 82550NED's
    stock (531,840 on 1-1-2025 − 527,085 on 1-1-2024), flagged as a method break. The total
    since 2022 holds both tables' figures and names both; progress towards the target names
    the Woondeal too."""
    assert (
        value(warehouse, "woningvoorraad", "PV23", "2025")
        - value(warehouse, "woningvoorraad", "PV23", "2024")
        == 4_755
    )
    assert value(warehouse, "woondeal_gerealiseerd_cumulatief", "PV23", "2024") == 8_530 + 4_755
    rows = warehouse.execute(
        "select period, source_table, method_break from marts.indicator_values "
        "where indicator_id = 'woondeal_gerealiseerd_cumulatief' and region_code = 'PV23' "
        "order by period"
    ).fetchall()
    assert rows == [
        ("2022", "86054NED", False),
        ("2023", "86054NED", False),
        ("2024", "82550NED, 86054NED", True),  # 2022–2023 from 86054NED, 2024 from 82550NED
    ]
    assert warehouse.execute(
        "select source_table, method_break from marts.indicator_values where region_code = "
        "'PV23' and period = '2024' and indicator_id = 'woondeal_voortgang_pct'"
    ).fetchone() == ("82550NED, 86054NED, Woondeal Overijssel (herzien april 2025)", True)
    methods = warehouse.execute(
        "select jaar, methode from marts.woondeal_voortgang where region_code = 'PV23' "
        "and jaar <= 2024 order by jaar"
    ).fetchall()
    assert methods == [
        (2022, "saldo (86054NED)"),
        (2023, "saldo (86054NED)"),
        (2024, "voorraadverschil (82550NED)"),
    ]
    # Every region of the deal reaches 2024 and the parts still add up.
    assert value(warehouse, "woondeal_gerealiseerd_cumulatief", "WD01", "2024") + value(
        warehouse, "woondeal_gerealiseerd_cumulatief", "WD02", "2024"
    ) == value(warehouse, "woondeal_gerealiseerd_cumulatief", "PV23", "2024")


def test_the_monitors_gross_count_is_beside_the_net_figure_never_under_its_name(warehouse):
    # 2023: new build 4,465 + transformation 545 + splitting 115 (86054NED, Overijssel).
    assert value(warehouse, "woondeal_bruto_toevoeging", "PV23", "2023") == 5_125
    assert value(warehouse, "woondeal_bruto_toevoeging_cumulatief", "PV23", "2023") == 4_570 + 5_125
    assert value(warehouse, "woondeal_gerealiseerd_cumulatief", "PV23", "2023") == 8_530
    titles = dict(
        warehouse.execute(
            "select indicator_id, title || ' | ' || toelichting from marts.indicator_catalog "
            "where indicator_id like 'woondeal_bruto%' or indicator_id = "
            "'woondeal_gerealiseerd_cumulatief'"
        ).fetchall()
    )
    assert "telling van de monitor, CBS-cijfers" in titles["woondeal_bruto_toevoeging"]
    assert "nooit met dit cijfer" in titles["woondeal_bruto_toevoeging"]
    assert "5.318" in titles["woondeal_gerealiseerd_cumulatief"]


def test_woondeal_regions_add_up_to_overijssel(warehouse):
    for indicator in ("netto_toevoeging", "woondeal_gerealiseerd_cumulatief", "woningvoorraad"):
        for year in ("2022", "2023"):
            assert value(warehouse, indicator, "WD01", year) + value(
                warehouse, indicator, "WD02", year
            ) == value(warehouse, indicator, "PV23", year), (indicator, year)


def test_woondeal_target_path_and_pace(warehouse):
    assert value(warehouse, "woondeal_doel", "PV23", "2023") == 47_300
    assert value(warehouse, "woondeal_doel", "WD01", "2023") == 28_200
    assert value(warehouse, "woondeal_doel", "WD02", "2023") == 19_100
    assert value(warehouse, "woondeal_voortgang_pct", "PV23", "2023") == pytest.approx(
        100 * 8_530 / 47_300
    )
    assert value(warehouse, "woondeal_verwacht_lineair", "PV23", "2023") == pytest.approx(
        47_300 * 2 / 9
    )
    assert value(warehouse, "woondeal_benodigd_tempo", "PV23", "2023") == pytest.approx(
        (47_300 - 8_530) / 7
    )
    # The chart is one query: every year to 2030, the path reaching the target, and the
    # original 2022 deal kept beside the revised target.
    chart = warehouse.execute(
        "select jaar, gerealiseerd_cumulatief, verwacht_lineair, doel, doel_oorspronkelijk "
        "from marts.woondeal_voortgang where region_code = 'WD02' order by jaar"
    ).fetchall()
    assert [r[0] for r in chart] == list(range(2022, 2031))
    assert chart[-1][2] == pytest.approx(19_100)
    assert {r[3] for r in chart} == {19_100} and {r[4] for r in chart} == {14_100}
    assert [r[1] for r in chart][3:] == [None] * 6  # no CBS figures after 2024 in the snapshot
    gemeenten = warehouse.execute(
        "select count(distinct region_code), count(doel) from marts.woondeal_voortgang "
        "where region_level = 'gemeente' and woondeal_code = 'WD02'"
    ).fetchone()
    assert gemeenten == (TWENTE_GEMEENTEN, 0)  # gemeenten have no target of their own


def test_abf_reference_is_published_beside_the_proxy_never_under_its_name(warehouse):
    assert value(warehouse, "woningtekort_abf", "NL01", "2024") == 401_000
    assert value(warehouse, "woningtekort_abf_pct", "NL01", "2021") == 3.5
    assert value(warehouse, "woningtekort_abf", "PV23", "2024") == 20_555
    assert value(warehouse, "woningtekort_abf_pct", "PV23", "2021") == 2.3
    kinds = dict(
        warehouse.execute(
            "select indicator_id, source_kind from marts.indicator_catalog "
            "where indicator_id like 'woningtekort%'"
        ).fetchall()
    )
    assert kinds == {
        "woningtekort_proxy": "berekend",
        "woningtekort_proxy_pct": "berekend",
        "woningtekort_abf": "referentie",
        "woningtekort_abf_pct": "referentie",
    }
    side_by_side = warehouse.execute(
        "select woningtekort_proxy, woningtekort_abf from marts.woningtekort "
        "where region_code = 'PV23' and period = '2024'"
    ).fetchone()
    assert side_by_side == (1_529, 20_555)


def test_every_housing_indicator_is_catalogued_with_definition_and_sources(warehouse):
    rows = warehouse.execute(
        "select indicator_id, definition, source_tables, method_notes, peildatum "
        "from marts.indicator_catalog where theme = 'wonen'"
    ).fetchall()
    assert len(rows) == 27  # 20 + sale prices (4), the rent increase, gross woondeal (2)
    assert all(all(field and len(field) > 5 for field in row[1:]) for row in rows)
    published = {
        i
        for (i,) in warehouse.execute(
            "select distinct indicator_id from marts.indicator_values"
        ).fetchall()
    }
    assert {r[0] for r in rows} <= published


def test_every_overijssel_gemeente_has_stock_households_and_new_build(warehouse):
    rows = warehouse.execute(
        "select indicator_id, period, count(*) from marts.indicator_values v "
        "join marts.dim_region r using (region_code) "
        "where r.region_level = 'gemeente' and r.provincie_code = 'PV23' "
        "and (indicator_id, period) in (('woningvoorraad', '2025'), "
        "('huishoudens_totaal', '2024'), ('nieuwbouw', '2023')) group by all order by 1"
    ).fetchall()
    assert rows == [
        ("huishoudens_totaal", "2024", 25),
        ("nieuwbouw", "2023", 25),
        ("woningvoorraad", "2025", 25),
    ]


# The blocking checks on tampered copies of the end-to-end warehouse: each must fail and say
# which values broke it.


def test_checks_pass_on_the_untampered_warehouse(tampered, dbt_singular_tests):
    assert failures(tampered, "indicator_values") == []
    assert failures(tampered, "bevolking_leeftijdsopbouw") == []
    assert failures(tampered, "bevolking_piramide") == []
    assert len(dbt_singular_tests) == 10
    for name in dbt_singular_tests:
        assert dbt_test_rows(tampered, dbt_singular_tests, name) == [], name


def test_stock_identity_violation_is_blocked(tampered, dbt_singular_tests):
    tampered.execute(
        "update marts.woningvoorraad_mutaties set eindstand = eindstand + 1000, "
        "voorraadverschil = voorraadverschil + 1000 where region_code = 'PV23' and period = '2023'"
    )
    [row] = dbt_test_rows(tampered, dbt_singular_tests, "woningvoorraad_stock_identity")
    assert (row["region_code"], row["period"]) == ("PV23", "2023")
    assert abs(row["voorraadverschil"]) > 1000 - 25


def test_gemeente_not_adding_up_to_its_regions_is_blocked(tampered, dbt_singular_tests):
    tampered.execute(
        "update marts.indicator_values set value = value + 100 "
        "where indicator_id = 'woningvoorraad' and region_code = 'GM0193' and period = '2024'"
    )
    rows = dbt_test_rows(tampered, dbt_singular_tests, "indicator_parts_sum_to_whole")
    # Zwolle's COROP region, woondeal region and province, each 100 off.
    assert {(r["region_code"], r["period"], r["difference"]) for r in rows} == {
        (whole, "2024", 100) for whole in ("CR10", "WD01", "PV23")
    }


def test_a_whole_not_adding_up_names_the_part_that_jumped(tampered, dbt_singular_tests):
    """SYNTHETIC fault as the data team met it: Zwolle's population typed 550,683 too high.
    The three wholes it belongs to fail by that much, and each names Zwolle first among its
    parts (the largest change since the previous period), with what to do."""
    tampered.execute(
        "update marts.indicator_values set value = value + 550683 "
        "where indicator_id = 'bevolking_totaal' and region_code = 'GM0193' and period = '2024'"
    )
    rows = dbt_test_rows(tampered, dbt_singular_tests, "indicator_parts_sum_to_whole")
    assert {(r["region_code"], r["difference"]) for r in rows} == {
        (whole, 550683) for whole in ("CR10", "WD01", "PV23")
    }
    for row in rows:
        first = row["largest_changes_among_parts"].split("; ")[0]
        assert first.startswith("GM0193 Zwolle: +55") and first.endswith(" since 2023"), row
        assert "reference.grenswijzigingen" in row["what_to_do"]
        # Each row names the CBS tables of the parts and of the whole (these differ here:
        # gemeenten missing from the embedded 03759ned come from 85644NED).
        assert (row["parts_source_tables"], row["whole_source_table"]) == (
            "03759ned, 85644NED",
            "03759ned",
        )
        assert row["what_to_do"].startswith(
            "the parts come from 03759ned, 85644NED, the whole from 03759ned: check these parts"
        )


def test_negative_count_and_share_above_100_are_blocked(tampered, request):
    tampered.execute(
        "update marts.indicator_values set value = -5 "
        "where indicator_id = 'sloop' and region_code = 'GM0153' and period = '2023'"
    )
    tampered.execute(
        "update marts.indicator_values set value = 101 "
        "where indicator_id = 'woningvoorraad_koop_pct' and region_code = 'GM0193' "
        "and period = '2024'"
    )
    messages = failures(tampered, "indicator_values")
    on_values = [m for m in messages if "marts.indicator_values.value" in m]
    negative = next(m for m in on_values if "GM0153" in m and "-5" in m)
    above = next(m for m in on_values if "GM0193" in m and "101" in m)
    for fault, seen in (("a negative count", negative), ("a share above 100", above)):
        reliability_row(
            request,
            side="bad values",
            fault=fault,
            injected="a tampered copy of the end-to-end warehouse",
            expected="the blocking Great Expectations check fails, naming the values",
            seen=seen,
        )


def test_reference_figure_under_a_proxy_id_is_blocked(tampered, dbt_singular_tests):
    tampered.execute(
        "update marts.indicator_values set source_table = (select any_value(bron) "
        "from reference.woningtekort_abf) "
        "where indicator_id = 'woningtekort_proxy' and region_code = 'PV23' and period = '2024'"
    )
    [row] = dbt_test_rows(tampered, dbt_singular_tests, "indicator_reference_not_mixed_with_cbs")
    assert row["indicator_id"] == "woningtekort_proxy"


def test_dagster_shows_the_housing_assets_with_their_checks(dbt_manifest):
    from orchestration.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for table in ("84903ned", "86054ned", "82550ned", "82900ned", "71486ned", "86098ned"):
        assert f"raw/cbs_{table}" in keys
    for mart in ("woningvoorraad_mutaties", "woningtekort", "woondeal_voortgang"):
        assert f"marts/{mart}" in keys
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("raw/cbs_86054ned", "pandera_contract") in checks
    # The stock identity, a dbt test (dbt_project/tests/) on the mart.
    assert ("marts/woningvoorraad_mutaties", "woningvoorraad_stock_identity") in checks
    assert any(key == "reference/woondeal_doelen" for key, _ in checks)  # dbt tests on seeds
