"""The population pyramid model on a SMALL SYNTHETIC FIXTURE (not CBS figures).

The embedded snapshot has no 03759ned sex × age detail (the pyramid comes from the Eurostat
file there), so the grouping of single years is proven here on made-up counts in the exact
shape 03759ned delivers live: single years of age, the overlapping aggregate "95 jaar of
ouder" (which must not be double counted) and "105 jaar of ouder", grouped into the Eurostat
file's groups with its open top group 85+.
"""

import duckdb

from sources.registry import get_table
from sources.tabledata import CbsTableData
from tests.conftest import build_pyramid, synthetic_03759ned_sets

AGES = {
    "10010": "0 jaar",
    "10100": "1 jaar",
    "10500": "5 jaar",
    "19900": "99 jaar",
    "22000": "95 jaar of ouder",
    "22300": "105 jaar of ouder",
    "10000": "Totaal",
}
SYNTHETIC_COUNTS = {
    ("3000   ", "10010"): 10,
    ("3000   ", "10100"): 20,
    ("3000   ", "10500"): 30,
    ("4000   ", "10010"): 15,
    ("4000   ", "19900"): 5,
    ("4000   ", "22300"): 1,
    ("4000   ", "22000"): 999,  # aggregate of 95+: must be ignored
    ("T001038", "10000"): 81,
}


def synthetic_03759ned() -> CbsTableData:
    sets = synthetic_03759ned_sets(SYNTHETIC_COUNTS, AGES, modified="2025-06-01T02:00:00")
    dims = {d: sets[d] for d in get_table("03759ned").dimensions}
    return CbsTableData(
        "03759ned", sets["TypedDataSet"], dims, [], sets["TableInfos"][0], "synthetic", "test"
    )


def test_pyramid_bands_counts_and_shares(tmp_path):
    path = build_pyramid(synthetic_03759ned(), tmp_path)
    # Same configuration as dbt-duckdb's in-process connection to this file (not read-only).
    with duckdb.connect(str(path)) as con:
        rows = {
            (g, band): (n, round(pct, 4), status, str(release))
            for g, band, n, pct, status, release in con.execute(
                "select geslacht, leeftijdsgroep, personen, aandeel_pct, status, "
                "release_date from marts.bevolking_piramide "
                "where region_code = 'PV23' and period = '2024'"
            ).fetchall()
        }
    total = 10 + 20 + 30 + 15 + 5 + 1
    assert rows[("mannen", "0-4")] == (30, round(100 * 30 / total, 4), "voorlopig", "2025-06-01")
    assert rows[("mannen", "5-9")][0] == 30
    assert rows[("vrouwen", "0-4")][0] == 15
    assert rows[("vrouwen", "85+")][0] == 5 + 1  # 99 jaar + 105 jaar of ouder, not the 999
    assert sum(n for n, *_ in rows.values()) == total
    # The synthetic 03759ned year replaces the Eurostat year whole; other years stay Eurostat's.
    with duckdb.connect(str(path)) as con:
        sources = dict(
            con.execute(
                "select period, list(distinct source_table) from marts.bevolking_piramide "
                "where region_code = 'PV23' and period in ('2023', '2024') group by 1"
            ).fetchall()
        )
    assert sources["2024"] == ["03759ned"]
    assert len(sources["2023"]) == 1 and "Eurostat demo_r_pjangroup" in sources["2023"][0]
