import json
import subprocess
import sys

import pandas as pd
import pytest

from sources.config import REPO_ROOT
from sources.contracts import contract_failures
from sources.registry import REGISTRY, get_table
from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
from sources.snapshot import SNAPSHOT_DIR, SnapshotSource
from sources.tabledata import CbsDataError
from tests.conftest import reliability_row
from tools.snapshot_builder import period_key


@pytest.fixture(scope="module")
def scope():
    gebieden = SnapshotSource().fetch(REGISTRY["86059NED"], None)
    return resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden.data))


def test_every_registered_table_has_a_snapshot_with_provenance():
    provenance = {
        r["table_id"]: r for r in json.loads((SNAPSHOT_DIR / "provenance.json").read_text())
    }
    for table_id in REGISTRY:
        assert SnapshotSource().has_table(table_id)
        record = provenance[table_id]
        # Every row comes from a named raw file; a table without one is empty and says so.
        assert record["raw_files"] or (record["rows"] == 0 and record["gaps"]), table_id
        assert record["cbs_release_date"] is None  # not in the raw files: not guessed
    assert provenance["86098NED"]["rows"] == 0  # no raw file collected: live mode only


def test_snapshot_keeps_cbs_codes_and_applies_the_scope(scope):
    data = SnapshotSource().fetch(get_table("03759ned"), scope)
    regions = {r["RegioS"] for r in data.data}
    assert "PV23  " in regions  # padded as CBS sends it
    assert {r.strip() for r in regions} <= scope.codes
    overijssel_2024 = [
        r for r in data.data if r["RegioS"] == "PV23  " and r["Perioden"] == "2024JJ00"
    ]
    assert overijssel_2024[0]["BevolkingOp1Januari_1"] == 1189033  # real CBS figure
    assert data.release_date is None
    assert {c["Key"] for c in data.dimensions["Geslacht"]} == {"T001038"}


def test_missing_entity_set_names_the_table(tmp_path):
    (tmp_path / "03759ned").mkdir()
    (tmp_path / "03759ned" / "TypedDataSet.json").write_text("[]")
    with pytest.raises(CbsDataError, match="03759ned.*TableInfos"):
        SnapshotSource(tmp_path).fetch(get_table("03759ned"), None)


@pytest.mark.parametrize(
    "title,key",
    [
        ("2024", "2024JJ00"),
        ("2025 januari", "2025MM01"),
        ("2024 december", "2024MM12"),
        ("2023 3e kwartaal", "2023KW03"),
        ("1e halfjaar 2021", "2021HJ01"),
        ("1e half jaar 2024", "2024HJ01"),
        ("1e kwartaal 2015", "2015KW01"),
        ("2022*", "2022JJ00"),
    ],
)
def test_statline_period_titles_map_back_to_keys(title, key):
    assert period_key(title) == key


def test_period_title_that_is_not_understood_is_refused():
    with pytest.raises(ValueError, match="week 3"):
        period_key("2024 week 3")


def test_contract_names_table_column_and_value(request):
    table = get_table("37230ned")
    good = {"RegioS": "PV23  ", "Perioden": "2024JJ00", **{m: 1.0 for m in table.measures}}
    bad_period = {**good, "Perioden": "2024XX00"}
    frame = pd.DataFrame([good, bad_period, good])
    messages = contract_failures(table, frame)
    assert any("37230ned, column Perioden" in m and "2024XX00" in m for m in messages)
    duplicate = next(m for m in messages if "unique" in m.lower() or "duplicate" in m.lower())
    assert "37230ned" in duplicate
    reliability_row(
        request,
        side="bad values",
        fault="duplicate keys in a CBS table",
        injected="the same RegioS × Perioden row twice in raw 37230ned",
        expected="the blocking pandera contract fails, naming table and key",
        seen=duplicate,
    )
    assert contract_failures(table, pd.DataFrame([good])) == []


def _population(table_id: str, measure: str) -> dict[tuple[str, str], int]:
    """(region code, year) → population on 1 January in the snapshot's totals of `table_id`."""
    table = REGISTRY[table_id]
    others = [d for d in table.dimensions if d not in ("RegioS", "Perioden")]
    rows = json.loads((SNAPSHOT_DIR / table_id / "TypedDataSet.json").read_text())
    totals = ("Totaal", "Totaal mannen en vrouwen", "T001038", "10000", "T001019")
    return {
        (r["RegioS"].strip(), r["Perioden"][:4]): r[measure]
        for r in rows
        if r[measure] is not None and all(r[d] in totals for d in others)
    }


def test_the_population_tables_agree_wherever_they_overlap(scope):
    """03759ned, 84910NED and 85644NED count the same population: every region and year two of
    them hold is equal, except 85644NED's 2014 (CBS's own difference of 1–6 persons in a few
    regions, which is why 2014 comes from 84910NED); the 25 Overijssel gemeenten sum to the
    province in every year of both new tables."""
    cbs = _population("03759ned", "BevolkingOp1Januari_1")
    origin = _population("84910NED", "BevolkingOp1Januari_1")
    nationality = _population("85644NED", "Bevolking_1")
    for first, second in ((cbs, origin), (cbs, nationality), (origin, nationality)):
        shared = (first.keys() & second.keys()) - {k for k in second if k[1] == "2014"}
        assert shared and {k for k in shared if first[k] != second[k]} == set()
    differ_2014 = {k for k in origin.keys() & nationality.keys() if k[1] == "2014"}
    differ_2014 = {
        k: nationality[k] - origin[k] for k in differ_2014 if origin[k] != nationality[k]
    }
    assert 0 < len(differ_2014) <= 18 and all(abs(d) <= 6 for d in differ_2014.values())
    overijssel = sorted(code for code in scope.codes if code.startswith("GM"))  # focus: PV23
    assert len(overijssel) == 25
    for table, years in ((origin, range(2010, 2023)), (nationality, range(2014, 2025))):
        for year in map(str, years):
            assert sum(table[(g, year)] for g in overijssel) == table[("PV23", year)], year
    # As CBS publishes them (PROVENANCE of the raw files).
    assert origin[("GM0193", "2010")] == 119_030 and origin[("PV23", "2010")] == 1_130_345
    assert nationality[("GM0193", "2024")] == 133_141
    assert nationality[("PV23", "2024")] == 1_189_033


def test_the_population_on_the_boundaries_of_2009_is_another_count(scope):
    """80860ned (1999–2009, boundaries of 2009, rounded to tens) gives the gemeenten 03759ned
    lacks before 2010. Its 25 Overijssel gemeenten add up to its province within the rounding,
    but it is not 03759ned's count: Nederland and Overijssel 0.00–0.04 % apart, a gemeente up
    to 0.3 % in 2009 — which is why the registry declares the step to 2010 a method break."""
    inhabitants = _population("80860ned", "TotaleBevolking_2")
    cbs = _population("03759ned", "BevolkingOp1Januari_1")
    overijssel = sorted(code for code in scope.codes if code.startswith("GM"))
    for year in map(str, range(1999, 2010)):
        parts = sum(inhabitants[(g, year)] for g in overijssel)
        assert abs(parts - inhabitants[("PV23", year)]) <= 5 * len(overijssel), year
        assert all(inhabitants[(g, year)] % 10 == 0 for g in overijssel)
        for region in ("NL01", "PV23"):
            apart = abs(inhabitants[(region, year)] - cbs[(region, year)]) / cbs[(region, year)]
            assert apart <= 0.0004, (region, year)
    # As CBS publishes them (the raw file): Zwolle 1999 and 2009, Overijssel 1999.
    assert inhabitants[("GM0193", "1999")] == 104_460
    assert inhabitants[("GM0193", "2009")] == 117_720
    assert inhabitants[("PV23", "1999")] == 1_070_540 != cbs[("PV23", "1999")] == 1_070_444
    registered = {link.from_table: link for link in REGISTRY["84910NED"].series_links}
    assert registered["80860ned"].same_definition is False


@pytest.mark.parametrize(
    ("raw_dir", "expected"),
    [
        ("missing", "snapshot: --raw-dir {tmp}/missing is not a folder"),
        (
            "empty",
            "snapshot: {tmp}/empty/regio/85385NED.csv: No such file or directory (`git status "
            "sources/` shows what was rewritten before it)",
        ),
    ],
)
def test_the_snapshot_builder_says_a_missing_raw_file_in_one_line(tmp_path, raw_dir, expected):
    (tmp_path / "empty").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "tools.snapshot_builder", "--raw-dir", str(tmp_path / raw_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (1, expected.format(tmp=tmp_path) + "\n")
