"""How dbt is invoked for a run's settings: a profile naming the run's build file, the dbt vars,
and the dbt executable dagster-dbt starts — the same for `ontcijferd prepare` and the run, so
the run's `dbt build` keeps dbt's partial parsing.

Settings reach dbt as files and flags, never through the process environment.
"""

from __future__ import annotations

import json
import stat
from importlib.metadata import version
from pathlib import Path

import yaml

from sources.config import DBT_EXECUTABLE, Settings


def _write_if_changed(path: Path, content: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def dbt_folder(settings: Settings) -> Path:
    return settings.build_dir / "dbt"


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
    """The dbt that dagster-dbt starts: the real one, except that `dbt --version` — asked
    once per run only to learn dbt's major version, ~3 s because dbt imports itself — is
    answered from the installed dbt-core package's metadata (pinned in uv.lock)."""
    script = dbt_folder(settings) / "dbt"
    _write_if_changed(
        script,
        "#!/bin/sh\n"
        "# Written by lifecycle/dbt_run.py: `--version` from the installed dbt-core package,\n"
        "# everything else to the real dbt.\n"
        'if [ "$#" -eq 1 ] && [ "$1" = "--version" ]; then\n'
        f'  echo "Core:"; echo "  - installed: {version("dbt-core")}"; exit 0\n'
        "fi\n"
        f'exec "{DBT_EXECUTABLE}" "$@"\n',
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script
