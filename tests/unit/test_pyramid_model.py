"""The population pyramid model on a SMALL SYNTHETIC FIXTURE (not CBS figures).

The embedded snapshot has no sex × age detail for Overijssel, so the model is proven here on
made-up counts in the exact shape 03759ned delivers live: single years of age, the overlapping
aggregate "95 jaar of ouder" (which must not be double counted) and "105 jaar of ouder".
"""

import duckdb

from lifecycle.warehouse import load_raw_table
from sources.registry import get_table
from sources.tabledata import CbsTableData
from tests.conftest import run_dbt

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
    rows = [
        {
            "Geslacht": sex,
            "Leeftijd": age,
            "BurgerlijkeStaat": "T001019",
            "RegioS": "PV23  ",
            "Perioden": "2024JJ00",
            "BevolkingOp1Januari_1": n,
            "GemiddeldeBevolking_2": None,
        }
        for (sex, age), n in SYNTHETIC_COUNTS.items()
    ]
    dims = {
        "Geslacht": [
            {"Key": k, "Title": t}
            for k, t in (
                ("T001038", "Totaal mannen en vrouwen"),
                ("3000   ", "Mannen"),
                ("4000   ", "Vrouwen"),
            )
        ],
        "Leeftijd": [{"Key": k, "Title": t} for k, t in AGES.items()],
        "BurgerlijkeStaat": [{"Key": "T001019", "Title": "Totaal burgerlijke staat"}],
        "RegioS": [{"Key": "PV23  ", "Title": "Overijssel (PV)"}],
        "Perioden": [{"Key": "2024JJ00", "Title": "2024", "Status": "Voorlopig"}],
    }
    return CbsTableData(
        "03759ned", rows, dims, [], {"Modified": "2025-06-01T02:00:00"}, "synthetic", "test fixture"
    )


def test_pyramid_bands_counts_and_shares(tmp_path):
    path = tmp_path / "pyramid.duckdb"
    with duckdb.connect(str(path)) as con:
        load_raw_table(con, get_table("03759ned"), synthetic_03759ned(), "synthetic", "test")
    run_dbt(["build", "--select", "+bevolking_piramide"], tmp_path, path)
    # Same configuration as dbt-duckdb's in-process connection to this file (not read-only).
    with duckdb.connect(str(path)) as con:
        rows = {
            (g, band): (n, round(pct, 4), status, str(release))
            for g, band, n, pct, status, release in con.execute(
                "select geslacht, leeftijdsgroep, personen, aandeel_pct, status, "
                "release_date from marts.bevolking_piramide"
            ).fetchall()
        }
    total = 10 + 20 + 30 + 15 + 5 + 1
    assert rows[("mannen", "0-4")] == (30, round(100 * 30 / total, 4), "voorlopig", "2025-06-01")
    assert rows[("mannen", "5-9")][0] == 30
    assert rows[("vrouwen", "0-4")][0] == 15
    assert rows[("vrouwen", "95+")][0] == 5 + 1  # 99 jaar + 105 jaar of ouder, not the 999
    assert sum(n for n, *_ in rows.values()) == total
