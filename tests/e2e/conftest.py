"""The end-to-end warehouse: the `nightly` job on the embedded snapshot, built once per session."""

import shutil

import dagster as dg
import duckdb
import pytest

from lifecycle.expectations import MART_SUITES, failure_message, run_suite
from sources.config import load_settings


def run_nightly(overrides: dict[str, str]) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import build_definitions

    defs = build_definitions(overrides)
    return defs.resolve_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory, dbt_manifest):
    path = tmp_path_factory.mktemp("e2e") / "ontcijferd.duckdb"
    result = run_nightly({"ONTCIJFERD_WAREHOUSE": str(path), "ONTCIJFERD_SOURCE": "snapshot"})
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def warehouse_path(warehouse):
    return warehouse.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]


def yearly_series(con, indicator, region):
    """(period, value, source_table, method_break) of a region's yearly rows, in order."""
    return con.execute(
        "select period, value, source_table, method_break from marts.indicator_values "
        "where indicator_id = ? and region_code = ? and period_type = 'jaar' order by period",
        [indicator, region],
    ).fetchall()


def compared(con, indicator, period):
    """Per gemeente of marts.gemeente_vergelijking: value, province, Nederland, difference,
    above/below and rank."""
    rows = con.execute(
        "select region_code, value, provincie_value, nederland_value, "
        "verschil_nederland_punten, ten_opzichte_van_nederland, rang "
        "from marts.gemeente_vergelijking where indicator_id = ? and period = ?",
        [indicator, period],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def value(con, indicator, region, period):
    return con.execute(
        "select value from marts.indicator_values "
        "where indicator_id = ? and region_code = ? and period = ?",
        [indicator, region, period],
    ).fetchone()[0]


@pytest.fixture
def tampered(warehouse_path, tmp_path):
    """A writable copy of the end-to-end warehouse, for tests that break it on purpose."""
    path = tmp_path / "tampered.duckdb"
    shutil.copyfile(warehouse_path, path)
    con = duckdb.connect(str(path))
    yield con
    con.close()


def failures(con, suite: str) -> list[str]:
    frames = MART_SUITES[suite].read_frames(con, load_settings({}))
    return [failure_message(o) for o in run_suite(MART_SUITES[suite], frames) if not o.success]


@pytest.fixture(scope="session")
def dbt_singular_tests(tmp_path_factory, dbt_manifest) -> dict[str, str]:
    """The SQL of every dbt singular test (dbt_project/tests/), compiled for a warehouse file
    named like the `tampered` copy, so it runs on that copy as `dbt build` runs it."""
    from tests.conftest import run_dbt

    folder = tmp_path_factory.mktemp("singular")
    run_dbt(["compile", "--select", "test_type:singular"], folder, folder / "tampered.duckdb")
    compiled = folder / "target" / "compiled" / "ontcijferd" / "tests"
    return {path.stem: path.read_text() for path in compiled.glob("*.sql")}


def dbt_test_rows(con, dbt_singular_tests, name: str) -> list[dict]:
    """The rows a dbt singular test returns on `con` (a test fails when it returns any)."""
    frame = con.execute(dbt_singular_tests[name]).df()
    return frame.to_dict("records")
