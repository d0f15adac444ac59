"""End to end: the `nightly` job on the embedded snapshot into a temporary warehouse.

Asserts real CBS figures from the snapshot flowing through to the published marts.
"""

import json
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from delivery.cli import EXIT_OK, EXIT_RUN_FAILED
from sources.config import REPO_ROOT
from sources.snapshot import SNAPSHOT_DIR
from tests.conftest import reliability_row
from tests.e2e.conftest import real_dagster_home, run_here, run_nightly, value

# Expected region membership (domain documentation, Overijssel's 25 gemeenten).
WEST = {"GM0148", "GM0160", "GM0166", "GM0175", "GM0180", "GM1708", "GM1896", "GM0193"}
ZUIDWEST = {"GM0150", "GM1773", "GM0177"}
TWENTE = {
    "GM0141",
    "GM0147",
    "GM1774",
    "GM0153",
    "GM0158",
    "GM0163",
    "GM0164",
    "GM1735",
    "GM0168",
    "GM0173",
    "GM1742",
    "GM0183",
    "GM1700",
    "GM0189",
}


def snapshot_population(region: str, year: int) -> int:
    rows = json.loads((SNAPSHOT_DIR / "03759ned" / "TypedDataSet.json").read_text())
    return next(
        r["BevolkingOp1Januari_1"]
        for r in rows
        if r["RegioS"].strip() == region
        and r["Perioden"] == f"{year}JJ00"
        and r["Geslacht"] == "T001038"
        and r["Leeftijd"] == "10000"
    )


@pytest.mark.parametrize("year", [2000, 2002, 2012, 2020, 2024])
def test_overijssel_population_equals_the_snapshot(warehouse, year):
    assert value(warehouse, "bevolking_totaal", "PV23", str(year)) == snapshot_population(
        "PV23", year
    )


def test_published_figures_are_the_real_cbs_figures(warehouse):
    assert value(warehouse, "bevolking_totaal", "PV23", "2024") == 1_189_033
    assert value(warehouse, "bevolking_totaal", "NL01", "2024") == 17_942_942
    # Trendweb: Overijssel "nearly 9%" above 2002 at the end of 2024 (1 January 2025); on
    # 1 January 2024 it stood 8.7% above 2002.
    assert value(warehouse, "bevolking_index_2002", "PV23", "2024") == pytest.approx(
        100 * 1_189_033 / snapshot_population("PV23", 2002)
    )
    assert value(warehouse, "bevolking_index_2002", "PV23", "2002") == 100


def test_corop_regions_sum_to_the_province(warehouse):
    rows = warehouse.execute("""
        select p.period, p.value, sum(c.value)
        from marts.indicator_values p join marts.indicator_values c using (indicator_id, period)
        where p.indicator_id = 'bevolking_totaal' and p.region_code = 'PV23'
          and c.region_code in ('CR10', 'CR11', 'CR12')
        group by all having count(*) = 3""").fetchall()
    assert len(rows) == 38  # 1988–2024 (03759ned) and 2025 (37230ned, voorlopig)
    assert all(province == corop_sum for _, province, corop_sum in rows)


def test_woondeal_regions_are_their_corop_sums(warehouse):
    for year in ("2022", "2024"):
        cr = {r: value(warehouse, "bevolking_totaal", r, year) for r in ("CR10", "CR11", "CR12")}
        assert value(warehouse, "bevolking_totaal", "WD01", year) == cr["CR10"] + cr["CR11"]
        assert value(warehouse, "bevolking_totaal", "WD02", year) == cr["CR12"]


def test_each_gemeente_has_the_right_corop_and_woondeal_region(warehouse):
    rows = warehouse.execute(
        "select region_code, corop_code, woondeal_code, provincie_code from marts.dim_region "
        "where region_level = 'gemeente' and provincie_code = 'PV23'"
    ).fetchall()
    actual = {code: (corop, woondeal) for code, corop, woondeal, _ in rows}
    expected = {
        **{g: ("CR10", "WD01") for g in WEST},
        **{g: ("CR11", "WD01") for g in ZUIDWEST},
        **{g: ("CR12", "WD02") for g in TWENTE},
    }
    assert actual == expected


def test_every_overijssel_gemeente_has_its_population_2021_to_2025(warehouse):
    rows = warehouse.execute(
        "select period, count(*) from marts.indicator_values v join marts.dim_region r "
        "using (region_code) where v.indicator_id = 'bevolking_totaal' "
        "and r.region_level = 'gemeente' and r.provincie_code = 'PV23' and period >= '2021' "
        "group by 1 order by 1"
    ).fetchall()
    assert rows == [("2021", 25), ("2022", 25), ("2023", 25), ("2024", 25), ("2025", 25)]
    assert value(warehouse, "bevolking_totaal", "GM0193", "2024") == 133_141  # Zwolle, KWB 2024


def test_age_structure_2000_against_latest(warehouse):
    rows = dict(
        warehouse.execute(
            "select period || ' ' || leeftijdsgroep, personen from marts.bevolking_leeftijdsopbouw "
            "where region_code = 'PV23' and period in ('2000', '2024')"
        ).fetchall()
    )
    kerncijfers = json.loads((SNAPSHOT_DIR / "70072ned" / "TypedDataSet.json").read_text())
    pv23_2000 = next(
        r for r in kerncijfers if r["RegioS"].strip() == "PV23" and r["Perioden"] == "2000JJ00"
    )
    assert rows["2000 65+"] == pv23_2000["k_65Tot80Jaar_11"] + pv23_2000["k_80JaarOfOuder_12"]
    assert rows["2000 0-15"] == 69_329 + 70_760 + 69_685  # 70072ned, Overijssel 2000
    assert sum(v for k, v in rows.items() if k.startswith("2000")) == 1_077_625
    # 2024: the sum of the 25 gemeenten (KWB 2024) equals 03759ned's Overijssel total.
    assert sum(v for k, v in rows.items() if k.startswith("2024")) == 1_189_033


def test_catalog_and_statuses(warehouse):
    catalog = dict(
        warehouse.execute("select indicator_id, unit from marts.indicator_catalog").fetchall()
    )
    assert catalog["bevolking_totaal"] == "personen"
    assert catalog["bevolking_index_2002"] == "index (2002=100)"
    statuses = dict(
        warehouse.execute(
            "select c.source_kind, list(distinct v.status order by v.status) "
            "from marts.indicator_values v join marts.indicator_catalog c using (indicator_id) "
            "group by 1"
        ).fetchall()
    )
    # The snapshot does not carry CBS period status, except 1 January 2025, provisional;
    # targets and reference figures have none; only the figures CBS withholds (Flevoland's
    # export) are marked geheim.
    assert statuses == {
        "cbs": ["geheim", "onbekend", "voorlopig"],
        "berekend": ["onbekend", "voorlopig"],
        "referentie": ["n.v.t."],
        "beleidsdoel": ["n.v.t."],
        "prognose": ["onbekend"],
    }


def test_failed_run_leaves_the_published_warehouse_untouched(warehouse_path, tmp_path):
    published = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, published)  # the last good publication
    before = published.read_bytes()
    broken = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, broken)
    path = broken / "37230ned" / "TypedDataSet.json"
    rows = json.loads(path.read_text())
    rows[0]["Perioden"] = "2002JJ0X"  # a key CBS never sends: the pandera contract must block
    path.write_text(json.dumps(rows))
    result = run_nightly(
        {"ONTCIJFERD_WAREHOUSE": str(published), "ONTCIJFERD_SNAPSHOT_DIR": str(broken)}
    )
    assert not result.success
    failed = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    assert any(
        "37230ned, column Perioden" in (c.description or "") and "2002JJ0X" in c.description
        for c in failed
    )
    assert published.read_bytes() == before


def test_a_failed_dbt_identity_names_its_rows_in_the_run_summary(
    warehouse_path, tmp_path, monkeypatch, request
):
    # The stock identity (a dbt singular test) broken in a copy of the snapshot: Overijssel's
    # end stock of 2023 1,000 higher than begin stock + net change.
    broken = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, broken)
    path = broken / "86054NED" / "TypedDataSet.json"
    rows = json.loads(path.read_text())
    [row] = [r for r in rows if r["RegioS"].strip() == "PV23" and r["Perioden"] == "2023JJ00"]
    row["EindstandVoorraad_27"] += 1000
    path.write_text(json.dumps(rows))
    published = tmp_path / "warehouse" / "ontcijferd.duckdb"
    published.parent.mkdir()
    shutil.copyfile(warehouse_path, published)
    before = published.read_bytes()
    for name, setting in {
        "ONTCIJFERD_WAREHOUSE": published,
        "ONTCIJFERD_SNAPSHOT_DIR": broken,
        "ONTCIJFERD_SOURCE": "snapshot",
        "DAGSTER_HOME": real_dagster_home(tmp_path),
    }.items():
        monkeypatch.setenv(name, str(setting))
    code, out = run_here()
    summary = out.splitlines()
    [line] = [ln for ln in summary if ln.strip().startswith("FAILED") and "stock_identity" in ln]
    assert code == EXIT_RUN_FAILED
    assert "FAILED marts/woningvoorraad_mutaties woningvoorraad_stock_identity" in line
    assert "'region_code': 'PV23'" in line and "'period': '2023'" in line
    # The checks after the failed dbt step did not run: counted and named, never left out.
    [checks] = [ln for ln in summary if ln.startswith("checks passed: ")]
    assert re.search(r"; \d+ planned did not run \(a step before them failed\)$", checks), checks
    assert any(ln.startswith("  NOT RUN: ") and "great_expectations" in ln for ln in summary)
    # Why the dbt step failed is one line naming the test, not dagster-dbt's paragraph.
    [step] = [ln for ln in summary if ln.startswith("  STEP FAILED dbt_models: ")]
    assert step.endswith("dbt.log") and "dbt build failed: 1 dbt test(s) failed: " in step
    assert "woningvoorraad_stock_identity (their checks name the rows)" in step
    assert published.read_bytes() == before
    reliability_row(
        request,
        side="bad values",
        fault="a SQL identity broken (stock identity)",
        injected="Overijssel's 2023 end stock +1,000 in a copy of the snapshot's 86054NED",
        expected="the blocking dbt test fails and the run summary names the rows; nothing "
        "is published",
        seen=line,
    )


def test_a_reader_of_the_output_that_goes_away_stops_nothing(published, request):
    """`ontcijferd run | head -3`, or a log pipe that dies: the run goes on, publishes and ends
    with its own exit code; the rest of its output is discarded (it failed with
    BrokenPipeError, and its run worker died with it, half-way)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "delivery.cli", "run"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = child.stdout.readline()
    child.stdout.close()  # the reader goes away after the first line
    code = child.wait(timeout=600)
    error = child.stderr.read()
    assert first.startswith("ontcijferd run: source=snapshot")
    assert code == EXIT_OK and error == "", error
    con = duckdb.connect(str(published), read_only=True)
    codes = [r[0] for r in con.execute("select code_fingerprint from meta.publication").fetchall()]
    con.close()
    assert len(codes) == 2 and "older-code" in codes  # published anew
    reliability_row(
        request,
        side="ours (user)",
        fault="the reader of a run's output goes away",
        injected="`ontcijferd run` with its standard output a pipe closed after the first line",
        expected="the run goes on and publishes; exit 0; nothing on standard error",
        seen=f"exit {code}; publications: {len(codes)}; standard error empty",
    )


def test_a_run_of_part_of_the_pipeline_never_publishes(published, tmp_path, monkeypatch, request):
    """The Dagster UI lets the data team materialize any selection of assets. Each run's build
    starts from a copy of the published warehouse, so a selection that includes publishing but
    not what lies between would publish a changed raw table beside marts made from the old one
    — and record the new file as loaded, so no later run would rebuild them."""
    import dagster as dg

    from orchestration.definitions import build_definitions

    custom = tmp_path / "custom"
    shutil.copytree(REPO_ROOT / "sources" / "custom", custom)
    [laag_inkomen] = (custom / "laag_inkomen").glob("*.csv")
    text = laag_inkomen.read_text(encoding="utf-8")
    assert "\nPV31,2017,7.7,%," in text
    laag_inkomen.write_text(text.replace("\nPV31,2017,7.7,%,", "\nPV31,2017,7.8,%,"))
    monkeypatch.setenv("ONTCIJFERD_CUSTOM_DIR", str(custom))
    before = published.read_bytes()
    told = "Not published: this run builds only part of the pipeline"

    # "Materialize selected" in the UI: a run of Dagster's asset job with that selection, as
    # Dagster's own command line launches it.
    selected = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "dagster"),
            "asset",
            "materialize",
            "-m",
            "orchestration.definitions",
            "--select",
            "raw/custom_laag_inkomen,warehouse/published",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = selected.stdout + selected.stderr
    assert selected.returncode != 0, output
    assert "Loaded 72 rows" in output  # the selected raw step ran, in the run's one process
    assert told in output and "WarehouseBusyError" not in output, output
    assert published.read_bytes() == before

    # Part of the nightly job (its launchpad's asset selection), here without the raw step.
    job = build_definitions().resolve_job_def("nightly")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            asset_selection=[dg.AssetKey(["warehouse", "published"])],
            raise_on_error=False,
        )
    [failure] = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith(told) and "marts/indicator_values" in str(
        failure.step_failure_data.user_failure_data.metadata
    )
    assert published.read_bytes() == before
    reliability_row(
        request,
        side="ours",
        fault="a run of part of the pipeline (assets selected in the Dagster UI)",
        injected="a changed custom file; `dagster asset materialize --select "
        "raw/custom_laag_inkomen,warehouse/published`, and the nightly job with only "
        "warehouse/published selected",
        expected="the publish step refuses, naming what the run left out; the published "
        "warehouse byte-identical, so the next full run still sees the changed file",
        seen=description[:160] + "…",
    )
