import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest Dagster needs; `make test` prepares it, this covers a bare `pytest`."""
    manifest = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "parse", "--profiles-dir", ".", "--quiet"],
            cwd=REPO_ROOT / "dbt_project",
            check=True,
        )
    return manifest


def run_dbt(args: list[str], tmp_path: Path, warehouse: Path):
    """dbt in-process on a test warehouse file, with its own target folder."""
    from dbt.cli.main import dbtRunner

    project = str(REPO_ROOT / "dbt_project")
    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--target-path",
            str(tmp_path / "target"),
            "--quiet",
            "--vars",
            f"{{warehouse_path: '{warehouse}'}}",
        ]
    )
    assert result.success, result.exception
    return result
