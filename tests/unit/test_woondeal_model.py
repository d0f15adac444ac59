"""marts.woondeal_voortgang as dbt compiles it, run on a SMALL SYNTHETIC FIXTURE (not CBS
figures): two regions whose homes added since 2022 sum 86054NED's yearly flows (2022, 2023)
and, for 2024, 82550NED's stock difference. The total's release date is the newest of the
releases it sums, and unknown where one of them is."""

import duckdb

from tests.conftest import run_dbt

FLOWS, STOCK = "2025-03-01", "2025-04-22"


def test_a_total_is_dated_by_its_newest_release_and_unknown_with_an_unknown_one(
    dbt_manifest, tmp_path
):
    result = run_dbt(["compile", "--select", "woondeal_voortgang"], tmp_path, tmp_path / "wh.db")
    model = result.result.results[0].node.compiled_code
    con = duckdb.connect()
    con.execute("attach ':memory:' as wh; create schema wh.marts; create schema wh.reference")
    con.execute(
        "create table wh.reference.woondeal_doelen as select * from (values "
        "('X', 300, '2022-01-01', '2030-12-31', 'SYNTHETIC deal', 1), "
        "('Y', 300, '2022-01-01', '2030-12-31', 'SYNTHETIC deal', 1)) "
        "t(region_code, doel, telt_vanaf, telt_tot_en_met, omschrijving, versie)"
    )
    con.execute(
        "create table wh.marts.dim_region as select * from (values "
        "('X', 'X', 'provincie', null::varchar), ('Y', 'Y', 'provincie', null)) "
        "t(region_code, region_name, region_level, woondeal_code)"
    )
    con.execute(
        "create table wh.marts.woningvoorraad_mutaties as "
        "select region_code, period, 10 as saldo, 8 as nieuwbouw, 1 as transformatie, "
        "1 as woningsplitsing, 'definitief' as status, '86054NED' as source_table, "
        f"date '{FLOWS}' as release_date "
        "from (values ('X'), ('Y')) r(region_code), (values ('2022'), ('2023')) p(period)"
    )
    # Y's stock has no release date (as the embedded snapshot's tables have none).
    con.execute(
        "create table wh.marts.woningvoorraad_per_jaar as "
        "select region_code, period, stock as woningvoorraad, 'definitief' as status, "
        "'82550NED' as source_table, "
        f"case region_code when 'X' then date '{STOCK}' end as release_date "
        "from (values ('X'), ('Y')) r(region_code), "
        "(values ('2024', 1000), ('2025', 1012)) s(period, stock)"
    )
    rows = con.execute(
        f"select region_code, jaar, gerealiseerd_cumulatief, source_table_cumulatief, "
        f"cast(release_date_cumulatief as varchar) from ({model}) where jaar <= 2024 "
        "order by 1, 2"
    ).fetchall()
    assert rows == [
        ("X", 2022, 10, "86054NED", FLOWS),
        ("X", 2023, 20, "86054NED", FLOWS),
        ("X", 2024, 32, "82550NED, 86054NED", STOCK),
        ("Y", 2022, 10, "86054NED", FLOWS),
        ("Y", 2023, 20, "86054NED", FLOWS),
        ("Y", 2024, 32, "82550NED, 86054NED", None),
    ]
