"""Reliability end to end, through `ontcijferd run` as the data team runs it.

Live mode against the local CBS OData server serving a copy of the embedded snapshot:
1. CBS faults on ten tables at once (one fault kind each) → the run fails, names every table,
   the published warehouse stays byte-identical;
2. the next clean run publishes — with 85098NED's SYNTHETIC older release: Overijssel's 2023
   youth-care share at 12.2 % "voorlopig" (the provisional figure quoted in the domain notes;
   the snapshot itself holds the definitive 12.5 %);
3. CBS's next release (the real snapshot rows, "Definitief") → only 85098NED is loaded, both
   releases are kept, `marts.indicator_revisions` lists 12.2 → 12.5;
4. CBS corrects that figure (12.5 → 12.6) without a new `Modified`; `run --all` loads and
   republishes it as a release of its own;
5. nothing new, while CBS no longer serves 82972NED (404; its successor 85098NED is
   registered) → no run is started, one line names the withdrawn table, exit 0, and the
   published file is unchanged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from delivery.cli import EXIT_OK, EXIT_RUN_FAILED
from orchestration.launcher import step_failure_message
from sources.snapshot import SNAPSHOT_DIR
from tests.cbs_server import FAULT_KINDS, CbsODataServer
from tests.conftest import reliability_row
from tests.e2e.conftest import real_dagster_home, run_here, run_nightly

OLD_RELEASE, NEW_RELEASE, OTHERS_RELEASE = (
    "2024-06-27T02:00:00",
    "2025-06-26T02:00:00",
    "2025-04-22T02:00:00",
)
# SYNTHETIC: 86054NED (the woondeal's yearly flows) released after 82550NED (the stock),
# so that a total summing both has a release date of its own.
FLOWS_RELEASE = "2025-06-30T02:00:00"
# One fault kind per table: all ten in one failing run. Never three in a row in the run's step
# order (alphabetical): after three tables without data the run's client asks no more
# (sources/statline.py), and each fault here must be tried.
BROKEN = {
    "03759ned": 500,
    "37230ned": 503,
    "83454NED": 429,
    "71486ned": "timeout",
    "85036NED": "trickle",
    "82550NED": "reset",
    "83625NED": "truncated",
    "82972NED": "html200",
    "85099NED": "nextlink_loop",
    "84903NED": "empty",
}
FAULT_NAMES = {500: "HTTP 500", 503: "HTTP 503", 429: "HTTP 429 + Retry-After", **FAULT_KINDS}


def _write(folder: Path, name: str, rows) -> None:
    (folder / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")


def set_release(served: Path, table_id: str, modified: str, *, overijssel_2023=None, status=None):
    """Give a served table a CBS release date; optionally change one figure and its status."""
    folder = served / table_id
    infos = json.loads((folder / "TableInfos.json").read_text())
    infos[0]["Modified"] = modified
    _write(folder, "TableInfos", infos)
    if overijssel_2023 is not None:
        rows = json.loads((SNAPSHOT_DIR / table_id / "TypedDataSet.json").read_text())
        for row in rows:
            if row["RegioS"] == "PV23  " and row["Perioden"] == "2023JJ00":
                row["JongerenMetJeugdhulpInNatura_1"] = overijssel_2023
        _write(folder, "TypedDataSet", rows)
    if status is not None:
        periods = json.loads((folder / "Perioden.json").read_text())
        for period in periods:
            period["Status"] = status
        _write(folder, "Perioden", periods)


def overijssel_gemeenten() -> list[str]:
    gebieden = json.loads((SNAPSHOT_DIR / "86059NED" / "TypedDataSet.json").read_text())
    return sorted(r["Code_1"].strip() for r in gebieden if r["Code_28"].strip() == "PV23")


# SMALL SYNTHETIC FIXTURE (not CBS figures): 86006NED is registered for live mode only (no raw
# file). Made-up category keys carry the real titles the registry chooses by; made-up values
# for 2023: Nederland 7.0, Overijssel 6.5, the 25 gemeenten 5.0, 5.1, … 7.4 (by code).
LOW_INCOME_2023 = {
    "NL01": 7.0,
    "PV23": 6.5,
    **{code: round(5.0 + i / 10, 1) for i, code in enumerate(overijssel_gemeenten())},
}


def serve_synthetic_low_income(folder: Path) -> None:
    categories = {
        "InkomensgrensHuishouden": [("X1", "Inkomen tot lage-inkomensgrens"), ("X2", "Totaal")],
        "DuurInkomenspositie": [("Y1", "Ten minste 1 jaar"), ("Y4", "Ten minste 4 jaar")],
        "KenmerkenVanHuishoudens": [("Z1", "Particuliere huishoudens"), ("Z2", "Eenouder")],
    }
    for dimension, keys in categories.items():
        _write(folder, dimension, [{"Key": k, "Title": t} for k, t in keys])
    _write(folder, "RegioS", [{"Key": k.ljust(6), "Title": k} for k in LOW_INCOME_2023])
    _write(folder, "Perioden", [{"Key": "2023JJ00", "Title": "2023", "Status": "Voorlopig"}])
    rows = [
        {
            "InkomensgrensHuishouden": grens,
            "DuurInkomenspositie": duur,
            "KenmerkenVanHuishoudens": "Z1",
            "RegioS": region.ljust(6),
            "Perioden": "2023JJ00",
            "ParticuliereHuishoudensRelatief_4": share if (grens, duur) == ("X1", "Y1") else 100.0,
        }
        for region, share in LOW_INCOME_2023.items()
        for grens, duur in (("X1", "Y1"), ("X2", "Y1"), ("X1", "Y4"))
    ]
    _write(folder, "TypedDataSet", [{"ID": i, **row} for i, row in enumerate(rows)])


def serve_live_only_tables(served: Path) -> None:
    """SYNTHETIC answers for the tables the snapshot has no data for (live mode only), as CBS
    would give them: category lists that hold what the registry selects, and a data set with a
    row outside the registered slice (another use / goods class), so that the data set is not
    empty (an empty one is a fault) and the table still loads empty, as in snapshot mode."""
    periods = [{"Key": "2024JJ00", "Title": "2024", "Status": "Definitief"}]
    january = {"Key": "2025MM01", "Title": "2025 januari", "Status": "Voorlopig"}
    _write(served / "86098NED", "Perioden", [*periods, january])
    _write(
        served / "86098NED",
        "Gebruiksfunctie",
        [{"Key": "A045364", "Title": "Woning"}, {"Key": "A045365", "Title": "Logies"}],
    )
    _write(
        served / "86098NED",
        "TypedDataSet",
        [
            {
                "ID": 0,
                "Gebruiksfunctie": "A045365",
                "RegioS": "PV23  ",
                "Perioden": "2024JJ00",
                "NieuwbouwTotaal_6": 1.0,
                "SaldoVoorraad_21": 1.0,
                "EindstandVoorraad_22": 1.0,
            }
        ],
    )
    _write(served / "85427NED", "Perioden", periods)
    _write(
        served / "85427NED",
        "SITC",
        [{"Key": "T001082", "Title": "Totaal"}, {"Key": "S000001", "Title": "Voeding"}],
    )
    _write(
        served / "85427NED",
        "TypedDataSet",
        [
            {
                "ID": 0,
                "Landen": "T001047",
                "SITC": "S000001",
                "Perioden": "2024JJ00",
                "TotaleUitvoerwaarde_2": 1.0,
            }
        ],
    )
    serve_synthetic_low_income(served / "86006NED")


@pytest.fixture(scope="module")
def live_history(warehouse_path, tmp_path_factory):
    """The four runs of the module docstring; the tests below assert on what they left."""
    tmp = tmp_path_factory.mktemp("reliability")
    published = tmp / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, published)  # the last good publication (snapshot mode)
    served = tmp / "served"
    shutil.copytree(SNAPSHOT_DIR, served)
    for folder in served.iterdir():
        if folder.is_dir():
            set_release(served, folder.name, OTHERS_RELEASE)
    set_release(served, "85098NED", OLD_RELEASE, overijssel_2023=12.2, status="Voorlopig")
    set_release(served, "86054NED", FLOWS_RELEASE)
    serve_live_only_tables(served)
    outcome: dict = {}
    with CbsODataServer(served, page_size=2000) as server, pytest.MonkeyPatch.context() as env:
        server.stall_seconds = 1.5
        config = tmp / "live.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "source": "live",
                    "live": {
                        "catalog_url": server.catalog_url,
                        "use_https": False,
                        "timeout_seconds": 0.5,
                        "max_attempts": 2,
                        "backoff_seconds": 0.01,
                        "max_backoff_seconds": 0.05,
                    },
                }
            )
        )
        env.setenv("ONTCIJFERD_CONFIG", str(config))
        env.setenv("ONTCIJFERD_WAREHOUSE", str(published))
        (tmp / "dagster_home").mkdir()
        env.setenv("DAGSTER_HOME", str(real_dagster_home(tmp / "dagster_home")))

        def run(label: str, *args: str) -> None:
            code, out = run_here(*args)
            outcome[label] = {"code": code, "out": out, "bytes": published.read_bytes()}

        before = published.read_bytes()
        server.broken_tables.update(BROKEN)
        run("faults")
        outcome["faults"]["unchanged"] = outcome["faults"]["bytes"] == before
        server.broken_tables.clear()
        run("clean")
        set_release(served, "85098NED", NEW_RELEASE, overijssel_2023=12.5, status="Definitief")
        run("revised")
        instance = dg.DagsterInstance.get()
        outcome["actions"] = {
            key.path[-1]: event.asset_materialization.metadata["action"].value
            for key in instance.get_asset_keys()
            if key.path[0] == "raw" and key.path[-1].startswith("cbs_")
            for event in [instance.get_latest_materialization_event(key)]
        }
        instance.dispose()
        set_release(served, "85098NED", NEW_RELEASE, overijssel_2023=12.6, status="Definitief")
        run("corrected", "--all")
        server.broken_tables["82972NED"] = 404
        run("nothing new")
    outcome["published"] = published
    return outcome


def test_cbs_faults_fail_the_run_naming_each_table_and_publish_nothing(live_history, request):
    faults = live_history["faults"]
    assert faults["code"] == EXIT_RUN_FAILED
    assert faults["unchanged"], "the published warehouse changed in a failed run"
    assert "the last good warehouse stays published" in faults["out"]
    for table_id, fault in BROKEN.items():
        [line] = [
            line
            for line in faults["out"].splitlines()
            if "STEP FAILED" in line and f"CBS table {table_id}:" in line
        ]
        assert "no valid answer" in line and "after 2 attempts" in line  # tried, not skipped
        reliability_row(
            request,
            side="CBS (run)",
            fault=f"{FAULT_NAMES[fault]} on {table_id} during the nightly run",
            injected="local OData server; ten tables broken at once, one fault each",
            expected="run exits 1, names the table; published warehouse byte-identical",
            seen=line.strip(),
        )


def test_next_clean_run_publishes(live_history):
    clean = live_history["clean"]
    assert clean["code"] == EXIT_OK, clean["out"]
    assert "published:" in clean["out"]
    assert clean["bytes"] != live_history["faults"]["bytes"]


def test_cbs_revision_is_kept_and_listed_with_both_releases(live_history, request):
    assert live_history["revised"]["code"] == EXIT_OK
    con = duckdb.connect(str(live_history["published"]), read_only=True)
    try:
        # The warehouse started from the snapshot (12.5, no status, no release date), then held
        # the provisional release, then the definitive one: two revisions, in order.
        first, revision, correction = con.execute(
            "select old_value, new_value, old_status, new_status, old_release_date, "
            "new_release_date from marts.indicator_revisions "
            "where indicator_id = 'jeugdhulp_in_natura_pct' and region_code = 'PV23' "
            "and period = '2023' order by new_published_at"
        ).fetchall()
        assert first[:5] == (12.5, 12.2, "onbekend", "voorlopig", None)
        assert revision[:4] == (12.2, 12.5, "voorlopig", "definitief")
        assert [str(d) for d in revision[4:]] == ["2024-06-27", "2025-06-26"]
        assert correction[:2] == (12.5, 12.6)
        latest = con.execute(
            "select value, status from marts.indicator_values where indicator_id = "
            "'jeugdhulp_in_natura_pct' and region_code = 'PV23' and period = '2023'"
        ).fetchone()
        assert latest == (12.6, "definitief")
        releases = con.execute(
            "select release_id, count(*) from history.cbs_85098ned group by 1 order by 1"
        ).fetchall()
        # The provisional and the definitive release, CBS's correction under the definitive
        # one's Modified, and the snapshot's release (before live mode).
        assert [r[0] for r in releases][:2] == [OLD_RELEASE, NEW_RELEASE]
        assert releases[2][0].startswith(f"{NEW_RELEASE} correctie ")
        assert releases[3][0].startswith("snapshot-")
        assert len({count for _, count in releases}) == 1  # the whole table each release
    finally:
        con.close()
    reliability_row(
        request,
        side="CBS (run)",
        fault="CBS revises a published figure (provisional → definitive)",
        injected="85098NED served again with a newer Modified and a changed value and status",
        expected="both releases kept; marts.indicator_revisions lists old and new",
        seen=f"revision {revision[0]} ({revision[2]}, {revision[4]}) → {revision[1]} "
        f"({revision[3]}, {revision[5]}); history.cbs_85098ned holds all 3 releases",
    )


def test_a_total_over_several_tables_is_dated_by_the_newest_release(live_history):
    """Overijssel's homes added since 2022: 2023 sums 86054NED's flows; 2024 adds 82550NED's
    stock difference, but the total exists only since the newer of the two releases."""
    con = duckdb.connect(str(live_history["published"]), read_only=True)
    try:
        rows = con.execute(
            "select period, value, source_table, release_date from marts.indicator_values "
            "where indicator_id = 'woondeal_gerealiseerd_cumulatief' and region_code = 'PV23' "
            "and period in ('2023', '2024') order by period"
        ).fetchall()
        stock = con.execute(
            "select distinct release_date from marts.indicator_values "
            "where indicator_id = 'woningvoorraad' and region_code = 'PV23'"
        ).fetchall()
        # The tables' own dates, as the report's captions and the exports' toelichting read them.
        tables = con.execute(
            "select table_id, release_date, source_mode from marts.cbs_tables "
            "where table_id in ('82550NED', '86054NED') order by table_id"
        ).fetchall()
    finally:
        con.close()
    assert [(t, str(d), m) for t, d, m in tables] == [
        ("82550NED", "2025-04-22", "live"),
        ("86054NED", "2025-06-30", "live"),
    ]
    assert [(p, v, s, str(d)) for p, v, s, d in rows] == [
        ("2023", 8_530, "86054NED", "2025-06-30"),
        ("2024", 13_285, "82550NED, 86054NED", "2025-06-30"),
    ]
    assert [str(d) for (d,) in stock] == ["2025-04-22"]  # the stock's own, older release


def test_only_the_table_with_a_new_release_was_loaded(live_history):
    actions = live_history["actions"]
    assert actions.pop("cbs_85098ned") == "loaded"
    assert set(actions.values()) == {"skipped"}, actions


def test_a_correction_under_the_same_modified_is_republished_by_run_all(live_history, request):
    corrected = live_history["corrected"]
    assert corrected["code"] == EXIT_OK, corrected["out"]
    assert "published:" in corrected["out"] and "Not republished" not in corrected["out"]
    assert corrected["bytes"] != live_history["revised"]["bytes"]
    reliability_row(
        request,
        side="CBS (run)",
        fault="CBS corrects a figure without a new TableInfos.Modified",
        injected="85098NED's Overijssel 2023 share 12.5 → 12.6, Modified unchanged; run --all",
        expected="republished; the history keeps both as releases of their own",
        seen=next(line for line in corrected["out"].splitlines() if "revised" in line).strip(),
    )


def test_a_withdrawn_table_does_not_stop_the_nightly_run(live_history, request):
    idle = live_history["nothing new"]
    [line] = [line for line in idle["out"].splitlines() if "82972NED:" in line]
    assert "CBS no longer serves 82972NED (HTTP 404; last loaded " in line
    assert "its successor 85098NED continues the series" in line
    assert idle["code"] == EXIT_OK
    reliability_row(
        request,
        side="CBS (run)",
        fault="a registered table withdrawn by CBS (404), its successor registered",
        injected="local OData server: every request for 82972NED answers 404",
        expected="exit 0; the last loaded release stays; one line names table, since, successor",
        seen=line.strip(),
    )


def test_nothing_new_starts_no_run_and_republishes_nothing(live_history, request):
    idle = live_history["nothing new"]
    assert idle["code"] == EXIT_OK
    assert "No run started" in idle["out"] and "nothing new" in idle["out"]
    assert idle["bytes"] == live_history["corrected"]["bytes"]
    reliability_row(
        request,
        side="CBS (run)",
        fault="no table has a new release",
        injected="the same served tables a second time",
        expected="no run started (the schedule skips too); the published file unchanged",
        seen=" ".join(idle["out"].strip().splitlines()[-2:]),
    )


def test_live_low_income_comes_from_86006ned_alone(live_history):
    con = duckdb.connect(str(live_history["published"]), read_only=True)
    try:
        rows = con.execute(
            "select region_code, period, value, status, source_table from marts.indicator_values "
            "where indicator_id = 'laag_inkomen_huishoudens_pct' order by region_code"
        ).fetchall()
        compared = con.execute(
            "select count(*), max(provincie_value), max(nederland_value) "
            "from marts.gemeente_vergelijking where indicator_id = 'laag_inkomen_huishoudens_pct'"
        ).fetchone()
    finally:
        con.close()
    # The title-chosen categories select exactly the fixture's shares (not the 100.0 of the
    # other categories), and the snapshot's 2011/2014/2017 exports are not mixed in.
    assert rows == [
        (code, "2023", share, "voorlopig", "86006NED")
        for code, share in sorted(LOW_INCOME_2023.items())
    ]
    assert compared == (25, 6.5, 7.0)


def test_without_todays_region_table_every_step_fails_at_once(tmp_path, monkeypatch, request):
    """Every step needs today's region table (the scope, the custom files' region names). CBS
    not serving it (503, every attempt) fails the run after one round of retries: each later
    step names the first failure without asking CBS again (it asked 46 times, each with its
    retries: with CBS out of reach and the production settings, hours)."""
    with CbsODataServer(SNAPSHOT_DIR, page_size=5000) as server:
        server.broken_tables["86059NED"] = 503
        config = tmp_path / "live.yaml"
        live = {
            "catalog_url": server.catalog_url,
            "use_https": False,
            "timeout_seconds": 2,
            "max_attempts": 3,
            "backoff_seconds": 0.01,
        }
        config.write_text(yaml.safe_dump({"source": "live", "live": live}))
        monkeypatch.setenv("ONTCIJFERD_CONFIG", str(config))
        result = run_nightly({"ONTCIJFERD_WAREHOUSE": str(tmp_path / "ontcijferd.duckdb")})
    asked = [r for r in server.requests if "/86059NED/TypedDataSet" in r]
    failures = {
        e.step_key: step_failure_message(e.event_specific_data)
        for e in result.all_events
        if e.is_step_failure
    }
    assert not result.success and len(asked) == 3
    raw_steps = [key for key in failures if key.startswith("raw__")]
    assert len(raw_steps) == len(failures) == 46  # 42 CBS tables and 4 custom files
    first, *later = failures.values()
    assert (
        first.startswith("CBS table 86059NED: no valid answer from") and "after 3 attempts" in first
    )
    assert all(
        message == "today's region table 86059NED could not be read earlier in this run (not "
        f"asked again): {first}"
        for message in later
    )
    reliability_row(
        request,
        side="CBS (run)",
        fault="today's region table (86059NED) not served during the nightly run",
        injected="local OData server: 86059NED's data set answers 503 every time",
        expected="one round of retries, then every step fails at once naming the first failure",
        seen=f"{len(asked)} requests for 86059NED's data, {len(failures)} steps failed; the "
        f"last: {later[-1][:160]}…",
    )


@pytest.mark.parametrize(
    ("fault", "said"),
    [("down", "no answer"), (503, "no data (its other requests answered)")],
    ids=["every request", "data requests only"],
)
def test_once_cbs_stops_answering_the_run_asks_no_more(tmp_path, monkeypatch, request, fault, said):
    """CBS answers for today's region table, then for nothing (every request of every other
    table 503) or for nothing but metadata (their data sets 503, their TableInfos answering):
    three tables get their retries, every later one is not asked, saying why — rather than
    each of the 42 waiting out its retries (with CBS not answering and the production
    settings, up to ~4 minutes a table)."""
    with CbsODataServer(SNAPSHOT_DIR, page_size=5000) as server:
        server.broken_tables.update(
            {f.name: fault for f in SNAPSHOT_DIR.iterdir() if f.is_dir() and f.name != "86059NED"}
        )
        config = tmp_path / "live.yaml"
        live = {"catalog_url": server.catalog_url, "use_https": False, "max_attempts": 3}
        config.write_text(
            yaml.safe_dump({"source": "live", "live": {**live, "backoff_seconds": 0.01}})
        )
        monkeypatch.setenv("ONTCIJFERD_CONFIG", str(config))
        result = run_nightly({"ONTCIJFERD_WAREHOUSE": str(tmp_path / "ontcijferd.duckdb")})
    asked = {path.split("/")[3] for path in server.requests} - {"86059NED"}
    failed = {
        e.step_key: step_failure_message(e.event_specific_data)
        for e in result.all_events
        if e.is_step_failure
    }
    assert not result.success and len(asked) == 3
    tried = [m for m in failed.values() if "no valid answer" in m]
    not_asked = [m for m in failed.values() if "not asked" in m]
    assert len(tried) == 3 and len(not_asked) == len(failed) - 3 == 39
    first_three = ", ".join(m.split(":")[0].removeprefix("CBS table ") for m in tried)
    assert sorted(first_three.split(", ")) == sorted(asked)
    assert all(f"not asked — CBS gave {said} for {first_three} before it" in m for m in not_asked)
    reliability_row(
        request,
        side="CBS (run)",
        fault="CBS stops answering during the nightly run (after today's region table)"
        + ("" if fault == "down" else ", but for its tables' metadata"),
        injected="local OData server: "
        + ("every request" if fault == "down" else "the data set")
        + " of every other table answers 503",
        expected="three tables get their retries; the others are not asked, saying why",
        seen=f"{len(asked)} tables asked, {len(not_asked)} not asked: {not_asked[-1][:170]}…",
    )
