"""`ontcijferd check-live` against real recorded CBS answers and the local OData server.

The recorded bodies (tests/fixtures/cbs_recorded/: 80137ned's TableInfos, DataProperties and
category lists, 20 real catalog rows) are served as CBS sent them. 80137ned is not a table the
warehouse uses: ARBEIDSREKENINGEN below is a registry entry written for this test only, which
matches those answers; each test changes the entry or the answer (named SYNTHETIC) to make one
kind of difference, and asserts the line check-live prints for it.
"""

from __future__ import annotations

import json
import shutil
import socket
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from delivery.cli import EXIT_OK, EXIT_RUN_FAILED, main
from sources.live_check import check_table
from sources.registry import DECLARED_LIVE_TABLES, REGISTRY, CbsTable, Slice
from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
from sources.snapshot import SNAPSHOT_DIR, SnapshotSource
from sources.statline import LiveSettings, StatLineClient
from tests.cbs_server import CbsODataServer, read_set
from tests.conftest import REPO_ROOT, reliability_row

RECORDED = REPO_ROOT / "tests" / "fixtures" / "cbs_recorded"
REAL_CATALOG = read_set(RECORDED / "catalog_Tables.json")

ARBEIDSREKENINGEN = CbsTable(
    table_id="80137ned",
    theme="test",
    title="Arbeidsrekeningen; leeftijd en opleidingsniveau",
    dimensions=("Persoonskenmerken", "BedrijfstakkenSBI93", "Perioden"),
    measures={"Totaal_1": "banen", "Werknemers_2": "banen_werknemers"},
    staging_model="none",
    region_dimension=None,
    slices=(
        Slice(
            "totaal",
            dimension_codes={"Persoonskenmerken": ("1",)},  # CBS sends it padded: '1 '
            category_titles={"BedrijfstakkenSBI93": ("Totaal economische activiteiten",)},
        ),
    ),
)


@pytest.fixture(scope="module")
def scope():
    gebieden = SnapshotSource().fetch(REGISTRY["86059NED"], None)
    return resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden.data))


@pytest.fixture
def served(tmp_path) -> Path:
    root = tmp_path / "served"
    shutil.copytree(RECORDED / "80137ned", root / "80137ned")
    return root


def client(server) -> StatLineClient:
    return StatLineClient(
        LiveSettings(catalog_url=server.catalog_url, use_https=False, max_attempts=1),
        sleep=lambda s: None,
    )


def differences(served: Path, table: CbsTable, scope, catalog=REAL_CATALOG) -> list[str]:
    with CbsODataServer(served, catalog=catalog) as server:
        report = check_table(client(server), table, scope)
        assert not [r for r in server.requests if "TypedDataSet" in r]  # no data sets read
    return report.differences


def test_the_recorded_answers_match_their_registry_entry(served, scope):
    with CbsODataServer(served, catalog=REAL_CATALOG) as server:
        report = check_table(client(server), ARBEIDSREKENINGEN, scope)
    assert report.differences == []
    assert report.requests.startswith("1 data request(s) for 1 slice(s), longest URL ")


def _edit(path: Path, change) -> None:
    """A SYNTHETIC alteration of a recorded answer."""
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body["value"])
    path.write_text(json.dumps(body), encoding="utf-8")


CASES = {
    "measure renamed": (
        lambda t: replace(t, measures={"Totaal_01": "banen"}),
        None,
        "measure Totaal_01 is not in DataProperties (renamed to Totaal_1?)",
    ),
    "dimension not registered": (
        lambda t: replace(t, dimensions=("Persoonskenmerken", "Perioden")),
        None,
        "dimension BedrijfstakkenSBI93 is not in the registry: each row now means something else",
    ),
    "dimension missing": (
        lambda t: replace(t, dimensions=(*t.dimensions, "RegioS")),
        None,
        "dimension RegioS is not in DataProperties",
    ),
    "category key gone": (
        lambda t: replace(t, slices=(Slice("x", dimension_codes={"Persoonskenmerken": ("10",)}),)),
        None,
        "category key '10' of Persoonskenmerken is gone",
    ),
    "category title gone": (
        lambda t: replace(
            t,
            slices=(Slice("x", category_titles={"BedrijfstakkenSBI93": ("Totaal economie",)}),),
        ),
        None,
        "category titled 'Totaal economie' of BedrijfstakkenSBI93 is gone (near: ",
    ),
    "category title ambiguous": (
        lambda t: t,
        ("BedrijfstakkenSBI93", lambda rows: rows.append({**rows[0], "Key": "99X"})),
        "category titled 'Totaal economische activiteiten' of BedrijfstakkenSBI93 is ambiguous "
        "(keys 99, 99X)",
    ),
    "discontinued": (
        lambda t: t,
        ("TableInfos", lambda rows: rows[0].update(OutputStatus="Gediscontinueerd")),
        "CBS table 80137ned is discontinued (TableInfos.OutputStatus 'Gediscontinueerd'); no "
        "successor is registered",
    ),
    "not served": (
        lambda t: replace(t, table_id="99999NED"),
        None,
        "CBS table 99999NED: CBS does not serve the table (HTTP 404",
    ),
    "filter too long": (
        lambda t: replace(
            t,
            slices=(
                Slice(
                    "x",
                    dimension_codes={"Persoonskenmerken": tuple(str(n) for n in range(60))},
                ),
            ),
        ),
        None,
        "CBS table 80137ned, slice x: the filter makes a URL of ",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_difference_is_one_line(served, scope, case, request):
    change_entry, change_answer, expected = CASES[case]
    if change_answer:
        name, change = change_answer
        _edit(served / "80137ned" / f"{name}.json", change)
    found = differences(served, change_entry(ARBEIDSREKENINGEN), scope)
    assert len([d for d in found if d.startswith(expected)]) == 1, found
    reliability_row(
        request,
        side="CBS (check-live)",
        fault=case,
        injected="real recorded 80137ned answers"
        + (" (SYNTHETIC edit)" if change_answer else "")
        + ", registry entry written for the test",
        expected="one line naming table and difference",
        seen=next(d for d in found if d.startswith(expected)),
    )


def test_a_discontinued_table_in_the_real_catalog_is_reported(tmp_path, scope):
    # 83257NED is 'Gediscontinueerd' in the real catalog rows; its TableInfos here is the
    # catalog row itself (SYNTHETIC: only the catalog row was recorded).
    [row] = [r for r in REAL_CATALOG if r["Identifier"] == "83257NED"]
    folder = tmp_path / "served" / "83257NED"
    folder.mkdir(parents=True)
    (folder / "TableInfos.json").write_text(json.dumps([row]))
    (folder / "DataProperties.json").write_text("[]")
    table = replace(ARBEIDSREKENINGEN, table_id="83257NED", dimensions=(), measures={}, slices=())
    found = differences(tmp_path / "served", replace(table, successor="83583NED"), scope)
    assert found == [
        "CBS table 83257NED is discontinued (TableInfos.OutputStatus 'Gediscontinueerd'); its "
        "successor 83583NED is registered and continues the series"
    ]


def live_config(tmp_path: Path, server) -> Path:
    config = tmp_path / "live.yaml"
    live = {"catalog_url": server.catalog_url, "use_https": False, "max_attempts": 1}
    config.write_text(yaml.safe_dump({"source": "live", "live": live}))
    return config


# The embedded snapshot lists only the categories present in its rows, so these registered
# tables (the pyramid's sexes, live-only tables without rows) differ from it, not from CBS.
NOT_COMPLETE_IN_THE_SNAPSHOT = {"03759ned", "86098NED", "86006NED", "85427NED"}


def serve_declared(root: Path) -> None:
    """SMALL SYNTHETIC FIXTURE (not CBS's answers, which nobody here could read): the declared
    live tables with a title that matches their declaration and DataProperties in CBS's form."""
    titles = {
        "86131NED": "Armoede; personen, regio (indeling 2025)",
        "86132NED": "Armoede; kinderen, regio (indeling 2025)",
        "86165NED": "Kerncijfers wijken en buurten 2025",
    }
    for table_id, title in titles.items():
        folder = root / table_id
        folder.mkdir(parents=True)
        info = {"Identifier": table_id, "Title": title, "Modified": "2025-11-28T02:00:00"}
        (folder / "TableInfos.json").write_text(json.dumps([info]))
        properties = [
            {"Key": "RegioS", "Type": "GeoDimension", "Title": "Regio's"},
            {"Key": "Perioden", "Type": "TimeDimension", "Title": "Perioden"},
            {"Key": "PersonenInArmoede_1", "Type": "Topic", "Title": "In armoede", "Unit": "%"},
            {"Key": "Inwoners_2", "Type": "Topic", "Title": "Inwoners", "Unit": "aantal"},
        ]
        (folder / "DataProperties.json").write_text(json.dumps(properties))


def test_check_live_on_the_registered_tables(tmp_path, monkeypatch, capsys, request):
    """The command the data team runs, against a server of the embedded snapshot: the
    registered tables whose category lists the snapshot holds completely match (exit 0,
    nothing written) and the declared live tables are listed with their candidate keys; a
    newer KWB edition in the catalog (SYNTHETIC catalog row for a 2026 edition) is one line
    and exit 1."""
    complete = {k: t for k, t in REGISTRY.items() if k not in NOT_COMPLETE_IN_THE_SNAPSHOT}
    monkeypatch.setattr("sources.registry.REGISTRY", complete)
    served = tmp_path / "served"
    shutil.copytree(SNAPSHOT_DIR, served)
    serve_declared(served)
    with CbsODataServer(served) as server:
        monkeypatch.setenv("ONTCIJFERD_CONFIG", str(live_config(tmp_path, server)))
        before = sorted(p.name for p in tmp_path.iterdir())
        assert main(["check-live"]) == EXIT_OK, capsys.readouterr().out
        matched = capsys.readouterr().out
        assert "every registered table matches the registry" in matched
        assert "  85984NED: " in matched  # the request sizes are listed per table
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        server.extra_catalog.append(
            {
                "Identifier": "86999NED",
                "Title": "Kerncijfers wijken en buurten 2026",
                "Modified": "2026-11-28T02:00:00",
                "OutputStatus": "Regulier",
            }
        )
        assert main(["check-live"]) == EXIT_RUN_FAILED
        out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "DIFFERENT" in line]
    assert line == (
        "  DIFFERENT 85984NED: newer edition in the catalog: 86999NED 'Kerncijfers wijken en "
        "buurten 2026' (Modified 2026-11-28T02:00:00); add it to sources/registry.py"
    )
    assert "1 difference(s) from the registry in 1 table(s)" in out
    reliability_row(
        request,
        side="CBS (check-live)",
        fault="a newer edition of a yearly table in the catalog",
        injected="catalog row 86999NED 'Kerncijfers wijken en buurten 2026' (SYNTHETIC row)",
        expected="exit 1; one line naming the registered edition and the new one",
        seen=line.strip(),
    )


def test_check_live_stops_when_cbs_does_not_answer(tmp_path, monkeypatch, capsys, request):
    """CBS out of reach (nothing listens at its address): three tables without an answer, the
    rest not tried, exit 1 — not a 'difference from the registry' per table, nor, with CBS not
    answering at all, max_attempts timeouts for each of the 45 tables (hours)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nobody = f"127.0.0.1:{sock.getsockname()[1]}"
    config = tmp_path / "live.yaml"
    live = {"catalog_url": nobody, "use_https": False, "max_attempts": 1}
    config.write_text(yaml.safe_dump({"source": "live", "live": live}))
    monkeypatch.setenv("ONTCIJFERD_CONFIG", str(config))
    assert main(["check-live"]) == EXIT_RUN_FAILED
    out = capsys.readouterr().out.splitlines()
    unanswered = [line for line in out if line.startswith("  NO ANSWER ")]
    assert len(unanswered) == 3 and "Connection refused" in unanswered[0]
    assert not [line for line in out if "DIFFERENT" in line or "requests of" in line]
    untried = len(REGISTRY) + len(DECLARED_LIVE_TABLES) - 3
    assert out[-1] == (
        f"3 table(s) not checked: CBS gave no answer; stopped after 3 in a row, {untried} more "
        "not tried (CBS down, or this machine cannot reach it?)"
    )
    reliability_row(
        request,
        side="CBS (check-live)",
        fault="CBS out of reach",
        injected="nothing listening at the configured catalog address",
        expected="exit 1; three tables tried, each named with the reason, the rest not tried",
        seen=out[-1],
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (None, "declared for live CBS, but not in CBS's catalog"),
        (
            "Armoede; huishoudens, regio",
            "declared for live CBS as '(?i)^armoede.*personen', but its title in CBS's catalog is "
            "'Armoede; huishoudens, regio'",
        ),
    ],
    ids=["not in the catalog", "another title"],
)
def test_a_declared_table_that_is_not_what_was_declared_is_a_difference(tmp_path, title, expected):
    from sources.live_check import check_declared
    from sources.registry import DECLARED_LIVE_TABLES

    serve_declared(tmp_path)
    if title is None:
        shutil.rmtree(tmp_path / "86131NED")
    else:  # SYNTHETIC: another title in the catalog
        (tmp_path / "86131NED" / "TableInfos.json").write_text(
            json.dumps([{"Identifier": "86131NED", "Title": title}])
        )
    with CbsODataServer(tmp_path) as server:
        report = check_declared(client(server), DECLARED_LIVE_TABLES["86131NED"])
    assert report.differences == [expected] and report.pending == ""
