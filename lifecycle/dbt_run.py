"""How dbt is invoked for a run's settings: a profile naming the run's build file and the dbt
vars — the same for `ontcijferd prepare` and the run, so the run's `dbt build` keeps dbt's
partial parsing.

Settings reach dbt as files and flags, never through the process environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from sources.config import Settings


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
