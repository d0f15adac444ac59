"""The housing tables in the embedded snapshot: how the tables the marts combine relate.

These are the facts the catalog's method notes state; if a snapshot rebuild changes them,
the notes must change too.
"""

import json

from sources.registry import get_table, measure_renames, tables_of
from sources.snapshot import SNAPSHOT_DIR

OVERIJSSEL_GEMEENTEN = {
    r["Code_1"].strip()
    for r in json.loads((SNAPSHOT_DIR / "86059NED" / "TypedDataSet.json").read_text())
    if r["Code_28"].strip() == "PV23"
}
KWB_HOUSEHOLDS = {  # KWB edition → (year, households column, one-person households column)
    "85039NED": (2021, "HuishoudensTotaal_28", "Eenpersoonshuishoudens_29"),
    "85318NED": (2022, "HuishoudensTotaal_28", "Eenpersoonshuishoudens_29"),
    "85618NED": (2023, "HuishoudensTotaal_29", "Eenpersoonshuishoudens_30"),
    "85984NED": (2024, "HuishoudensTotaal_29", "Eenpersoonshuishoudens_30"),
}


def rows(table_id: str) -> list[dict]:
    return json.loads((SNAPSHOT_DIR / table_id / "TypedDataSet.json").read_text())


def kwb_differences(cbs: dict[tuple[str, str], float], column_of_edition) -> list[tuple]:
    differences, compared = [], 0
    for table_id, (year, *_) in KWB_HOUSEHOLDS.items():
        for r in rows(table_id):
            key = (r["WijkenEnBuurten"].strip().replace("NL00", "NL01"), str(year))
            if key in cbs:
                compared += 1
                kwb = r[column_of_edition(table_id)]
                if kwb != cbs[key]:
                    differences.append((*key, cbs[key], kwb))
    assert compared > 300
    return differences


def test_kwb_households_match_71486ned_exactly_in_overijssel_and_nearly_elsewhere():
    cbs = {
        (r["RegioS"].strip(), r["Perioden"][:4]): r["TotaalParticuliereHuishoudens_1"]
        for r in rows("71486ned")
    }
    differences = kwb_differences(cbs, lambda t: KWB_HOUSEHOLDS[t][1])
    assert not [d for d in differences if d[0] in OVERIJSSEL_GEMEENTEN]
    assert len(differences) == 8
    assert max(abs(a - b) for *_, a, b in differences) <= 6


def test_kwb_population_matches_03759ned_exactly_in_overijssel_and_nearly_elsewhere():
    cbs = {
        (r["RegioS"].strip(), r["Perioden"][:4]): r["BevolkingOp1Januari_1"]
        for r in rows("03759ned")
        if r["Geslacht"] == "T001038" and r["Leeftijd"] == "10000"
    }
    differences = kwb_differences(cbs, lambda t: "AantalInwoners_5")
    assert not [d for d in differences if d[0] in OVERIJSSEL_GEMEENTEN]
    assert len(differences) == 2
    assert max(abs(a - b) for *_, a, b in differences) <= 2


def test_84903ned_and_86054ned_agree_in_their_overlap_except_woningsplitsing():
    predecessor = get_table("84903NED")
    renames = measure_renames(predecessor, get_table("86054NED"))
    successor = {(r["RegioS"], r["Perioden"]): r for r in rows("86054NED")}
    differing, overlap = set(), 0
    for old in rows("84903NED"):
        new = successor.get((old["RegioS"], old["Perioden"]))
        if new is None:
            continue
        overlap += 1
        differing |= {m for m in predecessor.measures if old[m] != new[renames.get(m, m)]}
    assert overlap > 1000  # 2020–2022, every region in both
    assert differing == {"Woningsplitsing_8"}  # a detail measure CBS revised; not an indicator


def test_registry_gives_each_edition_and_renumbered_measure_one_staging_name():
    kwb = {t.table_id: t for t in tables_of("stg_cbs__kwb")}
    assert set(kwb) >= set(KWB_HOUSEHOLDS)
    for table_id, (year, households, one_person) in KWB_HOUSEHOLDS.items():
        measures = kwb[table_id].measures
        assert kwb[table_id].reference_period == str(year)
        assert measures[households] == "huishoudens_totaal"
        assert measures[one_person] == "eenpersoonshuishoudens"
    renames = measure_renames(get_table("84903NED"), get_table("86054NED"))
    # The four measures 86054NED renumbered (CBS DataProperties of both tables).
    assert renames == {
        "Sloop_17": "Sloop_15",
        "TotaalOverigeOnttrekkingen_18": "TotaalOverigeOnttrekkingen_16",
        "SaldoVoorraad_30": "SaldoVoorraad_26",
        "EindstandVoorraad_31": "EindstandVoorraad_27",
    }
