"""The scale benchmark's SYNTHETIC snapshot (bench/scale.py): counts divided exactly, shares
copied, synthetic gemeenten placed in Overijssel's COROP regions, the rest untouched."""

import json
from collections import defaultdict

import pytest

from bench.run import _rows_in_scope
from bench.scale import focus_gemeenten, split_count, synthetic_gemeenten, write_scaled_sources
from sources.snapshot import SNAPSHOT_DIR


@pytest.mark.parametrize("value", [0, 1, 7, 1_189_033, -3, -1_001])
@pytest.mark.parametrize("parts", [1, 3, 266])
def test_an_integer_count_is_divided_exactly(value, parts):
    split = split_count(value, parts)
    assert len(split) == parts and sum(split) == value
    assert max(split) - min(split) <= 1


def test_missing_and_decimal_counts():
    assert split_count(None, 3) == [None, None, None]
    assert split_count(7.5, 3) == [2.5, 2.5, 2.5]


def test_synthetic_codes_are_new_and_the_real_gemeente_comes_first():
    real = focus_gemeenten()
    parts = synthetic_gemeenten(real, 4)
    codes = [p.code for gemeente in parts.values() for p in gemeente]
    assert len(codes) == len(set(codes)) == 4 * len(real) == 100
    assert all(parts[code][0].code == code for code in real)
    assert parts["GM0153"][0].name == "Enschede"
    assert parts["GM0153"][1].name == "Enschede (synthetisch 2)"
    assert min(int(p.code[2:]) for g in parts.values() for p in g[1:]) == 2000
    with pytest.raises(ValueError, match="four-digit"):
        synthetic_gemeenten(real, 400)


def _rows(folder, table_id):
    return json.loads((folder / table_id / "TypedDataSet.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    return write_scaled_sources(tmp_path_factory.mktemp("scaled"), 3)


def test_parts_sum_to_the_real_gemeente_and_the_province_is_unchanged(scaled):
    real_rows = _rows(SNAPSHOT_DIR, "03759ned")
    scaled_rows = _rows(scaled.snapshot_dir, "03759ned")
    parts = synthetic_gemeenten(focus_gemeenten(), 3)
    owner = {p.code: code for code, gemeente in parts.items() for p in gemeente}
    sums = defaultdict(int)
    for row in scaled_rows:
        code = row["RegioS"].strip()
        if code in owner:
            sums[owner[code], row["Perioden"]] += row["BevolkingOp1Januari_1"] or 0
    real = {
        (r["RegioS"].strip(), r["Perioden"]): r["BevolkingOp1Januari_1"] or 0
        for r in real_rows
        if r["RegioS"].strip() in parts
    }
    assert sums == real
    assert sums["GM0153", "2024JJ00"] == real["GM0153", "2024JJ00"] > 150_000  # Enschede
    [pv23] = [
        r for r in scaled_rows if r["RegioS"].strip() == "PV23" and r["Perioden"] == "2024JJ00"
    ]
    assert pv23["BevolkingOp1Januari_1"] == 1_189_033  # real CBS figure, untouched
    assert [r["ID"] for r in scaled_rows] == list(range(len(scaled_rows)))


def test_synthetic_gemeenten_join_the_real_ones_corop_region(scaled):
    rows = _rows(scaled.snapshot_dir, "86059NED")
    enschede = [r for r in rows if r["Naam_2"].startswith("Enschede")]
    assert len(enschede) == 3
    assert {r["Code_10"] for r in enschede} == {"CR12      "}  # Twente
    assert {len(r["Code_1"]) for r in enschede} == {len(rows[0]["Code_1"])}  # CBS's padding
    assert sum(r["Inwonertal_56"] for r in enschede) == 162_337  # Enschede on 1 January 2025
    overijssel = [r for r in rows if r["Code_28"].strip() == "PV23"]
    assert len(overijssel) == 75 and len(rows) == 342 + 50


def test_shares_are_copied_and_keys_are_listed_as_categories(scaled):
    rows = _rows(scaled.snapshot_dir, "85984NED")
    parts = [p.code for p in synthetic_gemeenten(focus_gemeenten(), 3)["GM0153"]]
    enschede = [r for r in rows if r["WijkenEnBuurten"].strip() in parts]
    assert len({r["Koopwoningen_47"] for r in enschede}) == 1 and len(enschede) == 3
    assert sum(r["AantalInwoners_5"] for r in enschede) == next(
        r["AantalInwoners_5"]
        for r in _rows(SNAPSHOT_DIR, "85984NED")
        if r["WijkenEnBuurten"].strip() == "GM0153"
    )
    categories = json.loads(
        (scaled.snapshot_dir / "85984NED" / "WijkenEnBuurten.json").read_text(encoding="utf-8")
    )
    assert {r["WijkenEnBuurten"] for r in rows} <= {c["Key"] for c in categories}


def test_rows_in_scope_grow_by_the_gemeente_rows(scaled):
    total, gemeenten = _rows_in_scope()
    scaled_total, scaled_gemeenten = _rows_in_scope(scaled.snapshot_dir)
    assert scaled_gemeenten == 3 * gemeenten
    assert scaled_total == total + 2 * gemeenten
