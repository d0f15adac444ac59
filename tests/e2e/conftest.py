"""The end-to-end warehouse: the `nightly` job on the embedded snapshot, built once per session."""

import contextlib
import fcntl
import io
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from delivery.cli import main
from lifecycle.expectations import MART_SUITES, failure_message, run_suite
from sources.config import REPO_ROOT, load_settings


def run_nightly(overrides: dict[str, str]) -> dg.ExecuteInProcessResult:
    """The nightly job in this process, with the settings of the environment plus `overrides`."""
    from orchestration.definitions import build_definitions
    from orchestration.resources import run_config

    settings = load_settings({**os.environ, **overrides})
    return (
        build_definitions()
        .resolve_job_def("nightly")
        .execute_in_process(
            run_config=run_config(settings),
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
    )


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory, worker_id, dbt_manifest):
    """The end-to-end warehouse, built once for the whole session: with pytest-xdist the first
    worker to need it builds it while the others wait on a lock, then all read the same file
    (read-only; tests that write use a copy: `tampered`, `published`)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    path = shared / "e2e" / "ontcijferd.duckdb"
    with open(shared / "e2e.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():  # published only by a run that passed every check
            path.parent.mkdir(exist_ok=True)
            result = run_nightly(
                {"ONTCIJFERD_WAREHOUSE": str(path), "ONTCIJFERD_SOURCE": "snapshot"}
            )
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
    """The Great Expectations suite's failure messages on `con`'s database, validated (as the
    check validates the build file) on a checkpointed copy: GX opens the file read-only, which
    DuckDB does not allow beside `con` in one process."""
    con.execute("checkpoint")
    path = Path(
        con.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchone()[0]
    )
    copy = path.with_name(f"gx_{path.name}")
    shutil.copyfile(path, copy)
    try:
        outcomes = run_suite(MART_SUITES[suite], copy)
    finally:
        copy.unlink()
    return [failure_message(o) for o in outcomes if not o.success]


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


# A published warehouse to run `ontcijferd run` against, with the real Dagster configuration.


def made_by_older_code(published: Path) -> None:
    """Make a publication look built by older code (its recorded code checksum differs, its
    checksum file is gone), so that the next run really republishes it."""
    con = duckdb.connect(str(published))
    con.execute("update meta.publication set code_fingerprint = 'older-code'")
    con.close()
    Path(f"{published}.sha256").unlink(missing_ok=True)


def real_dagster_home(home: Path, checkout: Path = REPO_ROOT) -> Path:
    """The dagster.yaml of the project's `checkout` (run queue and run monitoring included),
    storing under `home`, in `home/.dagster_home` as the launcher expects."""
    config = (checkout / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(config.replace(".dagster_home", str(home / ".dagster_home")))
    return home


@pytest.fixture
def published(warehouse_path, tmp_path, monkeypatch) -> Path:
    """A copy of the end-to-end warehouse as the last good publication, built by older code
    (its recorded code checksum differs), so that a run really republishes."""
    path = tmp_path / "warehouse" / "ontcijferd.duckdb"
    path.parent.mkdir()
    shutil.copyfile(warehouse_path, path)
    made_by_older_code(path)
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(path))
    monkeypatch.setenv("ONTCIJFERD_SOURCE", "snapshot")
    monkeypatch.setenv("DAGSTER_HOME", str(real_dagster_home(tmp_path)))
    return path


def runs_by_status(home: Path) -> dict[str, str]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {r.run_id: r.status.value for r in instance.get_runs()}


def readable(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from marts.indicator_values").fetchone()[0]
    finally:
        con.close()


def run_here(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", *args])
    return code, out.getvalue()


def delivery(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue().strip()
