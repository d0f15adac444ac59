"""End to end on the embedded snapshot: the population pyramid (Eurostat demo_r_pjangroup,
CBS's figures), the ageing indicators derived from it, the provisional 1 January 2025 and the
gemeente themes of Kerncijfers wijken en buurten — real figures through to the published marts.

Expected values are the CBS figures as published (quoted in the issue and PROVENANCE.md) or
read from the repository's own embedded files, never from the warehouse under test.
"""

import csv
import json
from pathlib import Path

import pytest

from delivery.run_summary import published_summary
from sources.custom import CUSTOM_DIR
from sources.snapshot import SNAPSHOT_DIR
from tests.e2e.conftest import dbt_test_rows, failures, value

EUROSTAT_FILE = CUSTOM_DIR / "bevolking_leeftijdsgroepen" / "2025-08-eurostat-demo_r_pjangroup.csv"
GROUPS = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]


def pyramid(con, region, year):
    return {
        (sex, group): n
        for sex, group, n in con.execute(
            "select geslacht, leeftijdsgroep, personen from marts.bevolking_piramide "
            "where region_code = ? and period = ?",
            [region, year],
        ).fetchall()
    }


def kwb_value(table_id: str, region: str, key: str):
    rows = json.loads((SNAPSHOT_DIR / table_id / "TypedDataSet.json").read_text())
    return next(r[key] for r in rows if r["WijkenEnBuurten"].strip() == region)


def test_the_pyramid_sums_to_the_cbs_totals(warehouse):
    for year, total in (("2000", 1_077_625), ("2024", 1_189_033)):
        assert sum(pyramid(warehouse, "PV23", year).values()) == total
    men_2024 = sum(
        n for (sex, _), n in pyramid(warehouse, "PV23", "2024").items() if sex == "mannen"
    )
    assert men_2024 == 598_158
    assert sum(pyramid(warehouse, "NL01", "2024").values()) == 17_942_942


def test_every_year_has_every_group_and_sums_to_its_total(warehouse):
    rows = warehouse.execute("""
        select p.region_code, p.period, count(*), sum(p.personen), any_value(b.bevolking),
            list(distinct p.leeftijdsgroep), list(distinct p.source_table)
        from marts.bevolking_piramide p
        join marts.bevolking_per_jaar b using (region_code, period)
        group by all order by all""").fetchall()
    assert {(r[0], r[1]) for r in rows} == {
        (region, str(year)) for region in ("NL01", "PV23") for year in range(1990, 2025)
    }
    for region, year, groups, persons, cbs_total, labels, sources in rows:
        assert groups == 36 and sorted(labels) == sorted(GROUPS), (region, year)
        assert persons == cbs_total, (region, year)  # Eurostat's groups = CBS 03759ned's total
        [source] = sources
        assert "Eurostat demo_r_pjangroup" in source and "cijfers van CBS" in source


def test_the_pyramid_rows_are_the_eurostat_files_rows(warehouse):
    regions = {"NL21": "PV23", "NL": "NL01"}
    expected = {
        (regions[r["regio"]], r["jaar"], r["geslacht"], r["leeftijdsgroep"]): float(r["waarde"])
        for r in csv.DictReader(EUROSTAT_FILE.open(encoding="utf-8"))
    }
    published = {
        row[:4]: row[4]
        for row in warehouse.execute(
            "select region_code, period, geslacht, leeftijdsgroep, personen "
            "from marts.bevolking_piramide"
        ).fetchall()
    }
    assert published == expected


def test_ageing_indicators_from_the_pyramid(warehouse):
    groups = pyramid(warehouse, "PV23", "2024")

    def persons(first, last=200):
        return sum(
            n for (_, g), n in groups.items() if first <= int(g.split("-")[0].rstrip("+")) <= last
        )

    total, old, very_old = persons(0), persons(65), persons(80)
    young, working = persons(0, 15), persons(20, 60)
    assert value(warehouse, "aandeel_65_plus_pct", "PV23", "2024") == pytest.approx(
        100 * old / total
    )
    assert value(warehouse, "aandeel_80_plus_pct", "PV23", "2024") == pytest.approx(
        100 * very_old / total
    )
    assert value(warehouse, "aandeel_jonger_dan_20_pct", "PV23", "2024") == pytest.approx(
        100 * young / total
    )
    assert value(warehouse, "grijze_druk", "PV23", "2024") == pytest.approx(100 * old / working)
    assert value(warehouse, "groene_druk", "PV23", "2024") == pytest.approx(100 * young / working)
    assert value(warehouse, "dubbele_vergrijzing_pct", "PV23", "2024") == pytest.approx(
        100 * very_old / old
    )
    # Overijssel ages: 13.6% was 65+ in 2000, 20.7% in 2024 (rounded as CBS publishes).
    assert round(value(warehouse, "aandeel_65_plus_pct", "PV23", "2000"), 1) == 13.6
    assert round(value(warehouse, "aandeel_65_plus_pct", "PV23", "2024"), 1) == 20.7
    years = warehouse.execute(
        "select region_code, count(distinct period) from marts.indicator_values "
        "where indicator_id = 'grijze_druk' group by 1 order by 1"
    ).fetchall()
    assert years == [("NL01", 35), ("PV23", 35)]  # 1990–2024


def test_1_january_2025_is_published_provisional(warehouse):
    row = warehouse.execute(
        "select value, status, source_table from marts.indicator_values "
        "where indicator_id = 'bevolking_totaal' and region_code = 'PV23' and period = '2025'"
    ).fetchone()
    assert row == (1_195_792, "voorlopig", "37230ned")
    assert value(warehouse, "bevolking_totaal", "NL01", "2025") == 18_045_532
    gebieden = json.loads((SNAPSHOT_DIR / "86059NED" / "TypedDataSet.json").read_text())
    zwolle = next(r["Inwonertal_56"] for r in gebieden if r["RegioS"].strip() == "GM0193")
    gemeenten = warehouse.execute("""
        select sum(v.value), list(distinct v.status), list(distinct v.source_table), count(*)
        from marts.indicator_values v join marts.dim_region r using (region_code)
        where v.indicator_id = 'bevolking_totaal' and v.period = '2025'
          and r.region_level = 'gemeente' and r.provincie_code = 'PV23'""").fetchone()
    assert gemeenten == (1_195_792, ["voorlopig"], ["86059NED"], 25)
    assert value(warehouse, "bevolking_totaal", "GM0193", "2025") == zwolle == 133_830
    index = warehouse.execute(
        "select value, status from marts.indicator_values "
        "where indicator_id = 'bevolking_index_2002' and region_code = 'PV23' and period = '2025'"
    ).fetchone()
    assert index[0] == pytest.approx(
        100 * 1_195_792 / value(warehouse, "bevolking_totaal", "PV23", "2002")
    )
    assert index[1] == "voorlopig"
    # Nothing interpolated: no gemeente has a year its sources do not give.
    assert warehouse.execute(
        "select count(*) from marts.bevolking_per_jaar "
        "where region_code = 'GM0193' and period = '2026'"
    ).fetchone() == (0,)


@pytest.mark.parametrize(
    ("indicator", "table_id", "key"),
    [
        ("koopwoningen_pct", "85984NED", "Koopwoningen_47"),
        ("personenautos_per_huishouden", "85984NED", "PersonenautoSPerHuishouden_114"),
        ("bevolkingsdichtheid", "85618NED", "Bevolkingsdichtheid_34"),
        ("inkomen_per_inwoner", "85618NED", "GemiddeldInkomenPerInwoner_78"),
        ("inkomen_per_ontvanger", "85039NED", "GemiddeldInkomenPerInkomensontvanger_71"),
        ("huurwoningen_pct", "85318NED", "HuurwoningenTotaal_41"),
        ("afstand_grote_supermarkt", "85618NED", "AfstandTotGroteSupermarkt_113"),
    ],
)
def test_kwb_themes_equal_the_raw_figures(warehouse, indicator, table_id, key):
    year = {"85039NED": "2021", "85318NED": "2022", "85618NED": "2023", "85984NED": "2024"}
    for gemeente in ("GM0193", "GM0153"):  # Zwolle, Enschede
        expected = kwb_value(table_id, gemeente, key)
        assert expected is not None
        assert value(warehouse, indicator, gemeente, year[table_id]) == pytest.approx(expected)
    row = warehouse.execute(
        "select value, nederland_value, provincie_value, unit, verschil_nederland, rang, "
        "aantal_gemeenten_met_waarde from marts.gemeente_vergelijking "
        "where indicator_id = ? and region_code = 'GM0193' and period = ?",
        [indicator, year[table_id]],
    ).fetchone()
    nederland = kwb_value(table_id, "NL00", key)
    assert row[1] == pytest.approx(nederland)
    assert row[2] is None  # KWB has no province figure and none is made up
    assert row[4] == pytest.approx(row[0] - nederland)
    assert 1 <= row[5] <= row[6] <= 25


def test_zwolle_and_enschede_woz_value(warehouse):
    # 85036NED 2024 (the same as KWB 2024): Zwolle 355, Enschede 296 thousand euros; Nederland
    # 379, and now Overijssel too (343), which KWB does not give.
    assert value(warehouse, "woz_waarde_gemiddeld", "GM0193", "2024") == 355
    assert value(warehouse, "woz_waarde_gemiddeld", "GM0153", "2024") == 296
    assert value(warehouse, "woz_waarde_gemiddeld", "NL01", "2024") == 379
    assert value(warehouse, "woz_waarde_gemiddeld", "PV23", "2024") == 343
    # Where KWB 2023 differs (272, 284), 85036NED's later figure is the one published.
    assert value(warehouse, "woz_waarde_gemiddeld", "GM0141", "2023") == 271
    assert value(warehouse, "woz_waarde_gemiddeld", "GM0153", "2023") == 283
    sources = warehouse.execute(
        "select distinct source_table from marts.indicator_values "
        "where indicator_id = 'woz_waarde_gemiddeld'"
    ).fetchall()
    assert sources == [("85036NED",)]


def test_an_edition_cbs_has_not_filled_gives_no_rows(warehouse):
    periods = dict(
        warehouse.execute(
            "select indicator_id, list(distinct period order by period) "
            "from marts.indicator_values where indicator_id in "
            "('inkomen_per_inwoner', 'afstand_grote_supermarkt', 'woz_waarde_gemiddeld') group by 1"
        ).fetchall()
    )
    assert periods == {
        "inkomen_per_inwoner": ["2021", "2022", "2023"],
        "afstand_grote_supermarkt": ["2021", "2022", "2023"],
        "woz_waarde_gemiddeld": ["2019", "2020", "2021", "2022", "2023", "2024"],
    }
    # KWB gives gemeenten and Nederland only, and no province figure is made up from them.
    provinces = warehouse.execute(
        "select count(*) from marts.indicator_values v join marts.indicator_catalog c "
        "using (indicator_id) where c.theme = 'kerncijfers' and v.region_level <> 'gemeente' "
        "and v.region_code <> 'NL01' and v.source_table in "
        "('85039NED', '85318NED', '85618NED', '85984NED')"
    ).fetchone()
    assert provinces == (0,)


def test_catalog_has_every_new_indicator(warehouse):
    catalog = {
        row[0]: row[1:]
        for row in warehouse.execute(
            "select indicator_id, unit, theme, source_tables, method_notes "
            "from marts.indicator_catalog"
        ).fetchall()
    }
    for indicator in (
        "aandeel_65_plus_pct",
        "aandeel_80_plus_pct",
        "aandeel_jonger_dan_20_pct",
        "grijze_druk",
        "groene_druk",
        "dubbele_vergrijzing_pct",
    ):
        assert "Eurostat demo_r_pjangroup" in catalog[indicator][2]
    assert catalog["woz_waarde_gemiddeld"][:2] == ("x 1.000 euro", "kerncijfers")
    # Taken from the figures: the 2024 edition (85984NED) has no income yet, so it is not named.
    assert catalog["inkomen_per_inwoner"][2] == "85039NED, 85318NED, 85618NED"
    assert "edition year" in catalog["inkomen_per_inwoner"][3]
    assert "no province" in catalog["bevolkingsdichtheid"][3]


def test_run_summary_names_the_pyramid(warehouse_path):
    lines = published_summary(Path(warehouse_path))
    assert "  population pyramid (marts.bevolking_piramide): NL01, PV23, 1990–2024" in lines
    assert not any("empty" in line for line in lines)


def test_a_pyramid_group_off_by_one_person_is_blocked(tampered, dbt_singular_tests):
    tampered.execute(
        "update marts.bevolking_piramide set personen = personen + 1 where region_code = 'PV23' "
        "and period = '2000' and geslacht = 'mannen' and leeftijdsgroep = '0-4'"
    )
    [row] = dbt_test_rows(tampered, dbt_singular_tests, "bevolking_piramide_sums_to_population")
    assert (row["region_code"], row["period"], row["difference"]) == ("PV23", "2000", 1)
    assert row["bevolking"] == 1_077_625


def test_a_negative_or_missing_pyramid_count_is_blocked(tampered):
    tampered.execute(
        "update marts.bevolking_piramide set personen = -5 where region_code = 'NL01' "
        "and period = '1990' and leeftijdsgroep = '85+'"
    )
    [message] = failures(tampered, "bevolking_piramide")
    assert "personen" in message and "-5" in message


def test_every_overijssel_gemeente_has_its_population_every_year_from_1999(warehouse):
    """The snapshot's 03759ned stops at gemeenten after "Ga…": 80860ned (1999–2009, boundaries
    of 2009, rounded to tens), 84910NED (2010–2022) and 85644NED (2023–2024) give the others,
    each row naming its table, the step from 80860ned marked as a method break; 2025 is the
    provisional count."""
    rows = warehouse.execute("""
        select v.region_code, v.period, v.value, v.source_table, v.method_break
        from marts.indicator_values v join marts.dim_region r using (region_code)
        where v.indicator_id = 'bevolking_totaal' and r.region_level = 'gemeente'
          and r.provincie_code = 'PV23' and v.period_type = 'jaar' and v.period >= '1999'
        order by 1, 2""").fetchall()
    years = {}
    for region, period, *_ in rows:
        years.setdefault(region, []).append(period)
    assert len(years) == 25
    assert all(y == [str(year) for year in range(1999, 2026)] for y in years.values()), years
    zwolle = {
        period: (value, table) for region, period, value, table, _ in rows if region == "GM0193"
    }
    assert zwolle["1999"] == (104_460, "80860ned")
    assert zwolle["2009"] == (117_720, "80860ned")
    breaks = {(region, period) for region, period, *_, method_break in rows if method_break}
    assert ("GM0193", "2010") in breaks and ("GM0193", "2009") not in breaks
    # Every step away from 80860ned is a break (to 84910NED in 2010, or to 03759ned where a
    # gemeente's own series starts later).
    for region, series in years.items():
        tables = [table for r, _, _, table, _ in rows if r == region]
        for period, before, after in zip(series[1:], tables, tables[1:], strict=False):
            if before == "80860ned" and after != before:
                assert (region, period) in breaks, (region, period)
    assert zwolle["2010"] == (119_030, "84910NED")
    assert zwolle["2020"] == (128_840, "84910NED")
    assert zwolle["2023"] == (132_411, "85644NED")
    assert zwolle["2024"] == (133_141, "85644NED")
    # The 25 gemeenten sum to the province in every year.
    sums = warehouse.execute("""
        select v.period, sum(v.value) = any_value(p.value)
        from marts.indicator_values v join marts.dim_region r using (region_code)
        join marts.indicator_values p on p.indicator_id = v.indicator_id
            and p.period = v.period and p.region_code = 'PV23' and p.period_type = 'jaar'
        where v.indicator_id = 'bevolking_totaal' and r.region_level = 'gemeente'
          and r.provincie_code = 'PV23' and v.period_type = 'jaar' and v.period >= '2010'
        group by 1""").fetchall()
    assert len(sums) == 16 and all(equal for _, equal in sums)


def test_one_figure_has_one_status_wherever_it_appears(warehouse):
    """Overijssel's 1,195,792 is the population on 1 January 2025 (voorlopig) and the end of
    2024 in the components of change: the same status in both places."""
    begin_2025 = warehouse.execute(
        "select value, status from marts.indicator_values where indicator_id = 'bevolking_totaal' "
        "and region_code = 'PV23' and period = '2025'"
    ).fetchone()
    end_2024 = warehouse.execute(
        "select bevolking_einde, status from marts.bevolking_componenten "
        "where region_code = 'PV23' and period = '2024'"
    ).fetchone()
    assert begin_2025 == end_2024 == (1_195_792, "voorlopig")


def test_boundary_changes_break_every_series_of_the_region(warehouse):
    """Bathmen joined Deventer on 1 January 2005 (+7.3 %), Nieuwleusen Dalfsen on 1 January 2001
    (+47.7 %): every series of those gemeenten breaks in that year (method_break), with the reason
    in reference.grenswijzigingen, so no index or growth is read across it unmarked."""
    flagged = dict(
        warehouse.execute(
            "select indicator_id, method_break from marts.indicator_values "
            "where region_code = 'GM0150' and period = '2005' and period_type = 'jaar'"
        ).fetchall()
    )
    assert flagged["bevolking_totaal"] is True and flagged["bevolking_index_2002"] is True
    assert set(flagged.values()) == {True}
    assert warehouse.execute(
        "select method_break from marts.indicator_values where indicator_id = 'bevolking_totaal' "
        "and region_code = 'GM0150' and period = '2006'"
    ).fetchone() == (False,)
    reasons = dict(
        warehouse.execute(
            "select region_code || ' ' || period, omschrijving from reference.grenswijzigingen"
        ).fetchall()
    )
    assert reasons["GM0150 2005"].startswith("Bathmen opgegaan in Deventer op 1 januari 2005")
    assert reasons["GM0148 2001"].startswith("Nieuwleusen opgegaan in Dalfsen")
    # A jump whose cause is not known here says so, rather than inventing one.
    assert "niet bevestigd" in reasons["GM0148 1997"]


def test_an_undeclared_population_jump_blocks_publication(tampered, dbt_singular_tests):
    """SYNTHETIC: Zwolle's population on 1 January 2024 10 % higher, as a boundary change would
    make it, without a row in reference.grenswijzigingen."""
    assert dbt_test_rows(tampered, dbt_singular_tests, "population_jumps_declared") == []
    tampered.execute(
        "update marts.indicator_values set value = value * 1.1 "
        "where indicator_id = 'bevolking_totaal' and region_code = 'GM0193' and period = '2024'"
    )
    rows = dbt_test_rows(tampered, dbt_singular_tests, "population_jumps_declared")
    assert {(r["region_code"], r["period"]) for r in rows} == {
        ("GM0193", "2024"),
        ("GM0193", "2025"),
    }
    [up] = [r for r in rows if r["period"] == "2024"]
    assert up["change_pct"] > 9
