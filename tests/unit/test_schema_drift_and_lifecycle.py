"""CBS changing a table under us: schema drift and discontinued tables.

The inputs are the real snapshot entity sets of 82972NED/85098NED with one deliberate change
each (a SYNTHETIC alteration, named in each test); the outcome asserted is the message the data
team gets, naming the table and the column.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from lifecycle.raw import load_raw_table
from lifecycle.refresh import refresh_table
from lifecycle.releases import loaded_release
from sources.config import Settings
from sources.contracts import contract_failures
from sources.registry import get_table
from sources.snapshot import SnapshotSource
from sources.statline import CbsTableNotFoundError
from sources.tabledata import (
    CbsDataError,
    CbsSchemaChangedError,
    schema_changes,
    select_table_data,
)
from tests.conftest import reliability_row

TABLE = get_table("85098NED")


@pytest.fixture(scope="module")
def entity_sets():
    return SnapshotSource().entity_sets(TABLE.table_id)


def select(sets):
    return select_table_data(TABLE, None, sets, source="live", location="test")


def test_a_new_dimension_fails_naming_it(entity_sets, request):
    sets = copy.deepcopy(entity_sets)
    sets["DataProperties"].append({"Key": "Marges", "Type": "Dimension", "Title": "Marges"})
    with pytest.raises(CbsDataError, match="85098NED: dimension.s. Marges .* not in the registry"):
        select(sets)
    reliability_row(
        request,
        side="CBS (schema)",
        fault="a new dimension",
        injected="DataProperties of 85098NED gain a dimension 'Marges'",
        expected="the table is refused, naming table and dimension; nothing published",
        seen="CBS table 85098NED: dimension(s) Marges at test are not in the registry: "
        "each row now means something else",
    )


def test_a_renamed_measure_fails_with_the_likely_new_name(entity_sets, request):
    sets = copy.deepcopy(entity_sets)
    for row in sets["TypedDataSet"]:
        row["JongerenMetJeugdhulpInNatura_6"] = row.pop("JongerenMetJeugdhulpInNatura_1")
    with pytest.raises(CbsDataError) as err:
        select(sets)
    assert "column(s) JongerenMetJeugdhulpInNatura_1 missing" in str(err.value)
    assert "JongerenMetJeugdhulpInNatura_1 → JongerenMetJeugdhulpInNatura_6?" in str(err.value)
    reliability_row(
        request,
        side="CBS (schema)",
        fault="a renamed or missing measure",
        injected="85098NED's JongerenMetJeugdhulpInNatura_1 delivered as …_6",
        expected="the table is refused, naming the column and the likely new name",
        seen=str(err.value),
    )


def test_two_different_rows_for_one_key_fail(entity_sets):
    sets = copy.deepcopy(entity_sets)
    twin = dict(sets["TypedDataSet"][0], JongerenMetJeugdhulpInNatura_1=99.0)
    sets["TypedDataSet"].append(twin)
    with pytest.raises(CbsDataError, match="85098NED: two different rows for"):
        select(sets)


def categories_of(data) -> dict[str, set[str]]:
    return {dim: {str(c["Key"]) for c in cats} for dim, cats in data.dimensions.items()}


def raw_frame(data) -> pd.DataFrame:
    con = duckdb.connect()
    load_raw_table(con, TABLE, data, "r1", "s1")
    return con.sql(f"select * from raw.{TABLE.asset_name}").df()


def test_changed_key_padding_and_unknown_codes_fail_the_contract(entity_sets, request):
    data = select(entity_sets)
    frame = raw_frame(data)
    assert contract_failures(TABLE, frame, categories_of(data)) == []
    frame.loc[0, "RegioS"] = frame.loc[0, "RegioS"].strip()  # 'NL01' instead of 'NL01  '
    frame.loc[1, "RegioS"] = "GM9999"  # a code CBS does not list in RegioS
    messages = contract_failures(TABLE, frame, categories_of(data))
    padding = [m for m in messages if "one key width per dimension" in m]
    unknown = [m for m in messages if "listed in CBS's RegioS categories" in m]
    assert padding and "column RegioS" in padding[0] and "'NL01'" in padding[0]
    assert unknown and "'GM9999'" in unknown[0] and "CBS table 85098NED" in unknown[0]
    measure = next(m for m in TABLE.measures if m not in TABLE.text_measures)
    frame.loc[2, measure] = float("inf")  # "INF" or 1e400 in an answer loads as infinity
    [infinite] = [m for m in contract_failures(TABLE, frame) if "finite" in m]
    assert infinite == f"CBS table 85098NED, column {measure}: finite failed for inf"
    for fault, message in (
        ("changed key padding", padding[0]),
        ("unknown category code", unknown[0]),
    ):
        reliability_row(
            request,
            side="CBS (schema)",
            fault=fault,
            injected="raw 85098NED rows altered before the pandera contract",
            expected="blocking pandera check naming table, column and value",
            seen=message,
        )


# --- refresh_table: the raw asset's decision, on a build file of its own ----------------


class ChangedSource(SnapshotSource):
    """Live-mode stand-in serving the snapshot, optionally with extra DataProperties, a
    TableInfos OutputStatus (real CBS: "Regulier" or "Gediscontinueerd"), or a 404 for every
    request."""

    mode = "live"

    def __init__(
        self, extra_columns=(), status="Regulier", gone=False, modified="2025-01-01", shift=0.0
    ):
        super().__init__()
        self.extra_columns, self.status, self.gone, self.modified = (
            extra_columns,
            status,
            gone,
            modified,
        )
        # SYNTHETIC correction: the first figure raised by `shift` under the same `Modified`.
        self.shift = shift

    def table_info(self, table_id):
        return {"Modified": self.modified, "OutputStatus": self.status}

    def release_hint(self, table):
        if self.gone:
            raise CbsTableNotFoundError(f"CBS table {table.table_id}: HTTP 404 from test")
        return self.modified

    def entity_sets(self, table_id):
        sets = super().entity_sets(table_id)
        sets["DataProperties"] += [{"Key": k, "Type": "Topic"} for k in self.extra_columns]
        if self.shift:
            sets["TypedDataSet"][0] = {
                **sets["TypedDataSet"][0],
                "JongerenMetJeugdhulpInNatura_1": 11.1 + self.shift,
            }
        return sets


def run_with(tmp_path, source, table=TABLE, **settings):
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        return refresh_table(table, con, Settings(**settings), source, None)
    finally:
        con.close()


def test_columns_changed_since_the_loaded_release_fail_until_accepted(tmp_path, request):
    assert run_with(tmp_path, ChangedSource(modified="2025-01-01")).load
    with pytest.raises(CbsSchemaChangedError) as err:
        run_with(tmp_path, ChangedSource(extra_columns=["Kosten_6"], modified="2025-07-01"))
    assert "CBS table 85098NED" in str(err.value) and "new column(s) Kosten_6" in str(err.value)
    assert "--accept-schema 85098NED" in str(err.value)
    accepted = run_with(
        tmp_path,
        ChangedSource(extra_columns=["Kosten_6"], modified="2025-07-01"),
        accept_schema=frozenset({"85098NED"}),
    )
    assert accepted.load
    reliability_row(
        request,
        side="CBS (schema)",
        fault="a new measure since the loaded release",
        injected="a new release of 85098NED whose DataProperties gained 'Kosten_6'",
        expected="the table is refused until the data team accepts it (--accept-schema)",
        seen=str(err.value),
    )


def test_a_measure_we_add_to_the_registry_is_not_a_cbs_schema_change():
    # The snapshot's DataProperties list only the registry's columns, so adding a measure to
    # the registry (as for the KWB social-minimum column) changes them without CBS changing
    # anything; a column CBS adds beyond the registry still counts.
    kwb = get_table("85618NED")
    before = set(kwb.dimensions) | set(kwb.measures) - {"HuishOnderOfRondSociaalMinimum_85"}
    after = set(kwb.dimensions) | set(kwb.measures)
    assert "HuishOnderOfRondSociaalMinimum_85" in kwb.measures
    assert schema_changes(kwb, before, after) is None
    assert schema_changes(kwb, after, after | {"Extra_200"}) == (
        "CBS table 85618NED changed its structure since the loaded release: new column(s) "
        "Extra_200. Check the registry entry (sources/registry.py), then accept it with "
        "`ontcijferd run --accept-schema 85618NED`"
    )
    assert "no longer delivered: AantalInwoners_5" in schema_changes(
        kwb, after, after - {"AantalInwoners_5"}
    )


def test_a_withdrawn_table_with_a_successor_keeps_its_last_release(tmp_path, request):
    predecessor = get_table("82972NED")
    assert predecessor.successor == "85098NED"
    assert run_with(tmp_path, ChangedSource(), table=predecessor).load
    decision = run_with(tmp_path, ChangedSource(gone=True), table=predecessor)
    assert not decision.load
    assert "successor 85098NED continues the series" in decision.reason
    reliability_row(
        request,
        side="CBS (lifecycle)",
        fault="a table withdrawn (404) that has a registered successor",
        injected="82972NED answers 404",
        expected="the last loaded release stays; the asset says the successor continues",
        seen=decision.reason,
    )


def test_a_withdrawn_table_without_successor_fails_clearly(tmp_path):
    table = replace(TABLE, successor=None)
    with pytest.raises(
        CbsTableNotFoundError, match="nothing of 85098NED is loaded and no registered successor"
    ):
        run_with(tmp_path, ChangedSource(gone=True), table=table)


def test_a_regular_table_gets_no_lifecycle_note(tmp_path):
    decision = run_with(tmp_path, ChangedSource(status="Regulier"), table=get_table("84903NED"))
    assert "discontinued" not in decision.reason


def test_a_discontinued_status_is_reported_with_the_successor(tmp_path, request):
    decision = run_with(
        tmp_path, ChangedSource(status="Gediscontinueerd"), table=get_table("84903NED")
    )
    assert decision.load  # the archived data stay valid and are loaded
    assert "84903NED is discontinued" in decision.reason
    assert "successor 86054NED is registered" in decision.reason
    reliability_row(
        request,
        side="CBS (lifecycle)",
        fault="a table marked discontinued (TableInfos.OutputStatus)",
        injected="84903NED's TableInfos.OutputStatus 'Gediscontinueerd'",
        expected="loaded (archived data stay valid); the asset metadata names the successor",
        seen=decision.reason,
    )


def test_a_withdrawn_table_without_successor_keeps_what_is_loaded(tmp_path, request):
    table = replace(TABLE, successor=None)
    assert run_with(tmp_path, ChangedSource(), table=table).load
    decision = run_with(tmp_path, ChangedSource(gone=True), table=table)
    assert not decision.load and decision.notice
    assert decision.reason.startswith("CBS no longer serves 85098NED (HTTP 404; last loaded ")
    assert "its release 2025-01-01 stays in the warehouse" in decision.reason
    assert "no successor is registered" in decision.reason
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    assert con.execute(f"select count(*) from raw.{TABLE.asset_name}").fetchone()[0] > 0
    reliability_row(
        request,
        side="CBS (lifecycle)",
        fault="a table withdrawn (404) without a registered successor, after it was loaded",
        injected="85098NED answers 404",
        expected="the run goes on: the last loaded release stays, one line says so",
        seen=decision.reason,
    )


def test_a_withdrawn_table_never_loaded_with_a_successor_is_an_empty_table(tmp_path):
    predecessor = get_table("82972NED")
    decision = run_with(tmp_path, ChangedSource(gone=True), table=predecessor)
    assert not decision.load and "successor 85098NED continues the series" in decision.reason
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    columns = [
        c
        for (c,) in con.execute(
            f"select name from pragma_table_info('raw.{predecessor.asset_name}')"
        ).fetchall()
    ]
    assert columns == [*predecessor.dimensions, *predecessor.measures]
    assert con.execute(f"select count(*) from raw.{predecessor.asset_name}").fetchone()[0] == 0
    assert loaded_release(con, predecessor.table_id) is None  # no release recorded


def releases(tmp_path):
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        return con.execute(
            "select release_id, modified from raw.cbs_releases order by loaded_at"
        ).fetchall()
    finally:
        con.close()


def test_figures_corrected_under_the_same_modified(tmp_path, request):
    """CBS corrects a figure without a new TableInfos.Modified: a plain run (release hint only)
    does not download; the periodic full check and `--all` load it as a release of its own, so
    the history keeps the figure it replaces."""
    assert run_with(tmp_path, ChangedSource()).load
    corrected = ChangedSource(shift=0.5)
    plain = run_with(tmp_path, corrected)
    assert not plain.load and plain.reason.startswith("release 2025-01-01 already loaded")
    same = run_with(tmp_path, ChangedSource(), refresh="check")
    assert (
        not same.load and same.reason == "downloaded: same content as the loaded release 2025-01-01"
    )
    checked = run_with(tmp_path, corrected, refresh="check")
    assert checked.load and checked.reason.startswith("periodic full check")
    [(first, _), (second, _)] = releases(tmp_path)
    assert first == "2025-01-01"
    assert re.fullmatch(r"2025-01-01 correctie [0-9a-f]{8}", second)
    # The next plain night: the corrected release is the loaded one, nothing to do.
    assert not run_with(tmp_path, corrected).load
    # Back to the first figures, through --all: loaded again, under a release id of its own.
    assert run_with(tmp_path, ChangedSource(), refresh="all").load
    assert len({r for r, _ in releases(tmp_path)}) == 3
    reliability_row(
        request,
        side="CBS (lifecycle)",
        fault="a figure corrected without a new TableInfos.Modified",
        injected="85098NED's first figure +0.5, Modified unchanged",
        expected="the periodic full check loads it as a release of its own; a plain run does not "
        "download",
        seen=f"{checked.reason}; release {second}",
    )
