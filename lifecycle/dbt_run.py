"""How dbt is invoked for a run's settings: a profile naming the run's build file and the dbt
vars — the same for `ontcijferd prepare` and the run, so the run's `dbt build` keeps dbt's
partial parsing — and, when `dbt build` fails, why, in one line.

Settings reach dbt as files and flags, never through the process environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from lifecycle.stopping import stopped_by
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


def dbt_failure_in_words(returncode: int, run_results: dict | None, error: str, log: Path) -> str:
    """Why `dbt build` failed, in one line for the run summary and the run page.

    `run_results` is dbt's run_results.json when this invocation wrote it (None when dbt ended
    before writing it); `error` is dagster-dbt's multi-line error, the last resort.
    """
    if returncode < 0:
        return f"dbt was stopped by {stopped_by(returncode)} before it finished; dbt's log: {log}"
    if run_results is None:
        return f"{' '.join(error.split())} (dbt wrote no run results)"
    results = run_results["results"]
    errors = [r for r in results if r["status"] == "error"]
    failed_tests = [r["unique_id"].split(".")[2] for r in results if r["status"] == "fail"]
    skipped = sum(r["status"] == "skipped" for r in results)
    said = [f"{_node(r['unique_id'])}: {_message(r['message'] or '')}" for r in errors]
    if failed_tests:
        said.append(
            f"{len(failed_tests)} dbt test(s) failed: {', '.join(failed_tests)} (their checks "
            "name the rows)"
        )
    if skipped:
        said.append(f"{skipped} model(s) and test(s) after them did not run")
    return f"dbt build failed: {'; '.join(said) or f'exit code {returncode}'}; dbt's log: {log}"


def _node(unique_id: str) -> str:
    kind, _project, name = unique_id.split(".")[:3]
    return f"{kind} {name}"


def _message(message: str) -> str:
    """dbt's error message on one line, without its first line when that only repeats which
    node failed ("Runtime Error in model x (models/x.sql)")."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) > 1 and " Error in " in lines[0]:
        lines = lines[1:]
    return " ".join(lines)
