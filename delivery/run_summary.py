"""What `ontcijferd run` prints after a run: why a check failed, the notices of tables CBS no
longer serves, and what the published warehouse holds."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from lifecycle.build import reading
from sources.config import Settings
from sources.notation import number


def what_stays_published(path: Path) -> str:
    """What a run that did not publish leaves: the last good warehouse, or — before any run
    has published there — nothing (never a claim about a file that does not exist)."""
    if path.exists():
        return f"the last good warehouse stays published at {path}"
    return f"nothing is published at {path}: no run has published a warehouse there yet"


def stopped_run(outcome, path: Path, published: bool) -> str:
    """The one line for a run stopped by a signal: what Dagster holds of it, and what is
    published (`published`: the run had just replaced the file when the signal came)."""
    in_dagster = {
        "CANCELED": "marked canceled in Dagster",
        # The signal came in the worker's first seconds, before Dagster had the run.
        "NOT_RECORDED": "it was stopped before Dagster recorded the run",
    }.get(outcome.status, f"it had already ended in Dagster ({outcome.status})")
    stays = (
        f"it had just published, so the new warehouse is published at {path}"
        if published
        else what_stays_published(path)
    )
    return f"Run {outcome.run_id} stopped ({outcome.stopped_by}): {in_dagster}; {stays}."


def failure_lines(failures) -> list[str]:
    """One line per reason a step failed. Steps failing for the same reason — CBS not asked
    after three tables without an answer, today's region table unreadable — are one line
    naming every step, not forty lines that differ only in the table."""
    by_reason: dict[str, list] = {}
    for failure in failures:
        by_reason.setdefault(_reason(failure), []).append(failure)
    lines = []
    for first, *more in by_reason.values():
        where = f"STEP FAILED {first.step}" if first.step else "RUN NOT STARTED"
        same = f" (the same for {len(more)} more: {', '.join(f.step for f in more)})"
        lines.append(f"  {where}: {first.message}{same if more else ''}")
    return lines


def _reason(failure) -> str:
    """A failure's message without the name of its own table or file, which its step names."""
    if failure.step is None:
        return failure.message
    own = failure.step.rsplit("__", 1)[-1].removeprefix("cbs_")
    return re.sub(re.escape(own), "…", failure.message, flags=re.IGNORECASE)


def published_summary(path: Path) -> list[str]:
    with reading(path) as con:
        rows = con.execute(
            "select v.indicator_id, count(*), min(v.period), max(v.period), "
            "count(distinct v.region_code) from marts.indicator_values v group by 1 order by 1"
        ).fetchall()
        regions, first, last = con.execute(
            "select string_agg(distinct region_code, ', ' order by region_code), min(period), "
            "max(period) from marts.bevolking_piramide"
        ).fetchone()
    width = max((len(r[0]) for r in rows), default=0)
    lines = [
        f"  {i:<{width}} {number(n):>7} rows  {lo}–{hi}  {r} regions" for i, n, lo, hi, r in rows
    ]
    if regions:
        lines.append(f"  population pyramid (marts.bevolking_piramide): {regions}, {first}–{last}")
    else:
        lines.append(
            "  note: marts.bevolking_piramide is empty — neither CBS 03759ned's sex × age detail "
            "nor the Eurostat file (sources/custom/bevolking_leeftijdsgroepen/) has a region "
            "in scope."
        )
    return lines


# The checks that did not run named in a failed run's summary (the rest counted).
NOT_RUN_SHOWN = 5


def print_checks(outcome, settings: Settings, failures_shown: bool = True) -> None:
    """How many checks passed of those that ran, and how many planned did not run; each
    failed check with why, and the first of those that did not run."""
    failed = [c for c in outcome.checks if not c.passed]
    evaluated = {f"{c.asset} {c.name}" for c in outcome.checks}
    not_run = [c for c in outcome.planned_checks if c not in evaluated]
    print(
        f"checks passed: {len(outcome.checks) - len(failed)} of {len(outcome.checks)} run"
        + (f"; {len(not_run)} planned did not run (a step before them failed)" if not_run else "")
    )
    if not failures_shown:
        return
    for check in failed:
        print(f"  FAILED {check.asset} {check.name}: {why(check, settings)}")
    if not_run:
        more = f" and {len(not_run) - NOT_RUN_SHOWN} more" if len(not_run) > NOT_RUN_SHOWN else ""
        print(f"  NOT RUN: {', '.join(not_run[:NOT_RUN_SHOWN])}{more}")


def why(check, settings: Settings) -> str:
    """A check's own message; dbt tests have none: the failing rows a singular test stored in
    schema `audit` of the build (dbt_project/tests/), else how many rows broke it."""
    if check.description:
        return check.description
    failed = check.metadata.get("dagster_dbt/failed_row_count")
    if failed is None:
        return "failed (details in the Dagster UI)"
    from lifecycle.dbt_run import dbt_target_folder

    rows = stored_failures(settings.build_file, check.name)
    if rows:
        return f"dbt test failed for {failed} row(s), e.g. {rows}"
    return (
        f"dbt test failed for {failed} row(s); the test's SQL is under "
        f"{dbt_target_folder(settings) / 'compiled'}"
    )


def stored_failures(build_file: Path, test_name: str, limit: int = 5) -> list[dict] | None:
    """The first failing rows of a dbt test that stores its failures, from the run's build."""
    try:
        con = duckdb.connect(str(build_file), read_only=True)
    except duckdb.Error:
        return None
    try:
        quoted = test_name.replace('"', '""')
        frame = con.execute(f'select * from audit."{quoted}" limit ?', [limit]).df()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return frame.to_dict("records")


def print_materialised(outcome) -> None:
    """How many assets the run materialised, and what its code warned of (the run log has
    them too): the data team sees them whatever became of the run."""
    print(f"assets materialised: {len(outcome.materialized)}")
    for warning in outcome.warnings:
        print(f"  WARNING {warning}")


def print_notices(outcome) -> None:
    """Tables CBS no longer serves or has discontinued: one line each, every run."""
    for metadata in outcome.materialized.values():
        if metadata.get("notice"):
            print(f"  NOTE {metadata['notice']}")
