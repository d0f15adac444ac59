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
