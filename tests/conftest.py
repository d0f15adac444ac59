import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest Dagster needs; `make test` prepares it, this covers a bare `pytest`."""
    manifest = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        from orchestration.cli import main

        assert main(["prepare"]) == 0
    return manifest


def run_dbt(args: list[str], tmp_path: Path, warehouse: Path):
    """dbt in-process on a test warehouse file, with its own target folder."""
    from dbt.cli.main import dbtRunner

    from orchestration.transform import environment

    project = str(REPO_ROOT / "dbt_project")
    options = ["--project-dir", project, "--profiles-dir", project]
    options += ["--target-path", str(tmp_path / "target"), "--quiet"]
    with environment({"ONTCIJFERD_DBT_WAREHOUSE": str(warehouse)}):
        result = dbtRunner().invoke([*args, *options])
    assert result.success, result.exception
    return result
