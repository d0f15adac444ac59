"""The fixed costs a run no longer pays (BENCHMARKS.md, "Where the fixed cost went") stay away,
and what they were for is still there."""

import inspect

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster_dbt import DbtCliResource

from orchestration.event_log import OPEN_DATABASES, KeptOpenSqliteEventLogStorage
from orchestration.transform import DbtCliWithoutAdapterHandle
from sources.config import DBT_EXECUTABLE, REPO_ROOT


def test_dagster_dbt_still_builds_the_adapter_handle_we_skip():
    # If dagster-dbt renames or drops the method, our override silently does nothing and the
    # ~3 s come back: fail here instead.
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)
    assert "self._initialize_dbt_core_adapter(" in inspect.getsource(DbtCliResource.cli)
    dbt = DbtCliWithoutAdapterHandle(
        project_dir=str(REPO_ROOT / "dbt_project"), dbt_executable=str(DBT_EXECUTABLE)
    )
    assert dbt._initialize_dbt_core_adapter([]) is None


@dg.asset
def _tiny() -> int:
    return 1


def test_the_kept_open_event_log_writes_what_dagster_reads(tmp_path):
    config = (REPO_ROOT / "dagster.yaml").read_text().replace(".dagster_home", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text(config)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
        result = dg.materialize([_tiny], instance=instance)
        assert result.success
        ours = instance.all_logs(result.run_id)
    # The same files, read by Dagster's own storage (as `dagster dev` would without our class).
    plain = SqliteEventLogStorage(str(tmp_path / "storage" / "history" / "runs"))
    theirs = plain.get_logs_for_run(result.run_id)
    assert [e.dagster_event_type for e in theirs] == [e.dagster_event_type for e in ours]
    assert any(e.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION for e in theirs)


def test_a_long_lived_process_keeps_only_a_few_databases_open(tmp_path):
    storage = KeptOpenSqliteEventLogStorage(str(tmp_path))
    for run in range(OPEN_DATABASES + 5):
        with storage.run_connection(f"run{run}"):
            pass
    assert len(storage._engines) <= OPEN_DATABASES
    storage.dispose()
    assert not storage._engines
