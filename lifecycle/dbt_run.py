"""How dbt is invoked for a run's settings: a profile naming the run's build file, the dbt vars,
and the dbt executable dagster-dbt starts — the same for `ontcijferd prepare` and the run, so
the run's `dbt build` keeps dbt's partial parsing.

Settings reach dbt as files and flags, never through the process environment.
"""

from __future__ import annotations

import json
import stat
import sys
from importlib.metadata import version
from pathlib import Path

import yaml

from lifecycle.dbt_worker import worker_address
from sources.config import DBT_EXECUTABLE, Settings


def _write_if_changed(path: Path, content: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def dbt_folder(settings: Settings) -> Path:
    return settings.build_dir / "dbt"


def dbt_target_folder(settings: Settings) -> Path:
    """dbt's target folder for this warehouse's runs, beside its build file, reused by every
    run: dbt's partial parsing then knows this warehouse's profile (the project's own
    target/ has the one `prepare` parsed with), and a run leaves no new folder behind
    (dagster-dbt's default is a new ~7 MB folder under dbt_project/target/ per run)."""
    return dbt_folder(settings) / "target"


def write_dbt_profile(settings: Settings) -> Path:
    """The folder of a profiles.yml whose DuckDB path is this run's build file."""
    profile = {
        "ontcijferd": {
            "target": "warehouse",
            "outputs": {
                "warehouse": {"type": "duckdb", "path": str(settings.build_file), "threads": 1}
            },
        }
    }
    folder = dbt_folder(settings)
    _write_if_changed(
        folder / "profiles.yml",
        "# Written for this warehouse by lifecycle/dbt_run.py; do not edit.\n"
        + yaml.safe_dump(profile, sort_keys=False),
    )
    return folder


def dbt_vars(settings: Settings) -> str:
    """The project vars (`--vars`): what the models need to know of the settings."""
    return json.dumps({"focus_province": settings.scope.focus_province}, sort_keys=True)


def dbt_arguments(settings: Settings) -> list[str]:
    """The flags every dbt command of a run (and `prepare`) gets."""
    return ["--profiles-dir", str(write_dbt_profile(settings)), "--vars", dbt_vars(settings)]


def write_dbt_executable(settings: Settings) -> Path:
    """The dbt that dagster-dbt starts: `lifecycle.dbt_worker.run_dbt` — the real dbt, run by
    the worker the run started for this build (already imported) or else in its own process,
    `--version` answered from the installed dbt-core package (uv.lock), and never outliving
    the run that started it (an orphaned dbt would go on writing into the next run's build)."""
    script = dbt_folder(settings) / "dbt"
    _write_if_changed(
        script,
        f"#!{sys.executable}\n"
        "# Written by lifecycle/dbt_run.py; do not edit.\n"
        "from lifecycle.dbt_worker import run_dbt\n"
        f"run_dbt({worker_address(settings.build_file)!r}, {str(DBT_EXECUTABLE)!r}, "
        f"{version('dbt-core')!r})\n",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script
