import json

import pandas as pd
import pytest

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
