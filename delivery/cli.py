"""`ontcijferd` — the command line of Overijssel Ontcijferd.

    ontcijferd run         run the nightly job once on the configured source, print a summary
    ontcijferd prepare     generate the dbt files from the registry, parse the dbt project
    ontcijferd indicators  the indicator catalog: id, title, unit, sources, latest period
    ontcijferd export      indicator rows as csv/xlsx/parquet with a metadata sidecar
    ontcijferd report      the static report (HTML pages with charts) from the warehouse

    ontcijferd regions     region codes, names and levels, and how many indicators have data

Exit codes: 0 success, 1 the run failed (the last good warehouse stays published),
2 usage error (unknown or ambiguous indicator, region, theme, period or format; a bad
configuration; an --out that cannot be written), 3 another run is busy, 4 no published
warehouse yet or it is damaged, 5 the export selection has no data. Every failure is one line;
`--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import uuid
from pathlib import Path

import duckdb

from sources.config import DBT_EXECUTABLE, REPO_ROOT, ConfigError, Settings, load_settings

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_NO_WAREHOUSE, EXIT_EMPTY = 0, 1, 2, 3, 4, 5


def _published_summary(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select v.indicator_id, count(*), min(v.period), max(v.period), "
            "count(distinct v.region_code) from marts.indicator_values v group by 1 order by 1"
        ).fetchall()
        regions, first, last = con.execute(
            "select string_agg(distinct region_code, ', ' order by region_code), min(period), "
            "max(period) from marts.bevolking_piramide"
        ).fetchone()
    finally:
        con.close()
    width = max((len(r[0]) for r in rows), default=0)
    lines = [f"  {i:<{width}} {n:>6} rows  {lo}–{hi}  {r} regions" for i, n, lo, hi, r in rows]
    if regions:
        lines.append(f"  population pyramid (marts.bevolking_piramide): {regions}, {first}–{last}")
    else:
        lines.append(
            "  note: marts.bevolking_piramide is empty — neither CBS 03759ned's sex × age detail "
            "nor the Eurostat file (sources/custom/bevolking_leeftijdsgroepen/) has a region "
            "in scope."
        )
    return lines


def root_cause(error) -> str:
    """The error our code raised in a failed step: the CBS table, file or check that broke it.

    Dagster wraps an exception raised in an asset ("Error occurred while executing op …");
    the data team needs our message (which table, file, row and column), not Dagster's wrapper
    nor the low-level error ours was raised from.
    """
    if error is None:
        return "unknown error"
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error.message.strip()


def _why(check, settings: Settings) -> str:
    """A check's own message; dbt tests have none: the failing rows a singular test stored in
    schema `audit` of the build (dbt_project/tests/), else how many rows broke it."""
    if check.description:
        return check.description
    failed = check.metadata.get("dagster_dbt/failed_row_count")
    if failed is None:
        return "failed (details in the Dagster UI)"
    from lifecycle.dbt_run import dbt_target_folder

    rows = _stored_failures(settings.build_file, check.check_name)
    if rows:
        return f"dbt test failed for {failed.value} row(s), e.g. {rows}"
    return (
        f"dbt test failed for {failed.value} row(s); the test's SQL is under "
        f"{dbt_target_folder(settings) / 'compiled'}"
    )


def _stored_failures(build_file: Path, test_name: str, limit: int = 5) -> list[dict] | None:
    """The first failing rows of a dbt test that stores its failures, from the run's build."""
    try:
        con = duckdb.connect(str(build_file), read_only=True)
    except duckdb.Error:
        return None
    try:
        frame = con.execute(f'select * from audit."{test_name}" limit {limit}').df()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return frame.to_dict("records")


@contextlib.contextmanager
def _root_log_handlers_to(stream):
    """Point the root logger's stream handlers (set up by a library on import) at `stream`."""
    # Not file handlers (pytest's log file): Dagster's logging.config.dictConfig closes every
    # handler, and a file handler closes the stream it holds — here, the run's log.
    handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
    ]
    previous = [h.setStream(stream) for h in handlers]
    try:
        yield
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)


def run(args: argparse.Namespace) -> int:
    options = {"ONTCIJFERD_REFRESH": "all"} if args.all else {}
    if args.accept_schema:
        options["ONTCIJFERD_ACCEPT_SCHEMA"] = ",".join(args.accept_schema)
    if args.accept_change:
        options["ONTCIJFERD_ACCEPT_CHANGES"] = ",".join(args.accept_change)
    # The options hold for this run only: the run's settings and resources get them.
    return _run(load_settings({**os.environ, **options}), options)


def _run(settings: Settings, options: dict[str, str]) -> int:
    print(
        f"ontcijferd run: source={settings.source}, focus={settings.scope.focus_province}, "
        f"gemeenten={settings.scope.gemeenten}, refresh={settings.refresh}, "
        f"warehouse={settings.warehouse_path}"
    )
    from lifecycle.warehouse import WarehouseBuild

    # Refused before anything is written: a second run never touches the first one's log.
    busy = WarehouseBuild.busy(settings.warehouse_path, settings.build_file)
    if busy:
        print(f"  RUN NOT STARTED: {busy}")
        return EXIT_BUSY
    if settings.refresh == "changed":
        from lifecycle.refresh import plan_refresh

        try:
            plan = plan_refresh(settings)
        except (OSError, ValueError, RuntimeError) as err:
            print(f"Could not compare releases with the published warehouse: {err}")
            return EXIT_RUN_FAILED
        print("what is new:")
        print("\n".join(f"  {line}" for line in plan.summary()))
        if plan.nothing_new:
            print(
                f"No run started; the published warehouse is unchanged: {settings.warehouse_path}"
            )
            return EXIT_OK
    # Dagster reads dagster.yaml from DAGSTER_HOME: the repository root, storage in .dagster_home/.
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT))
    os.chdir(REPO_ROOT)
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.runs import NightlyRun, RunInterrupted, pool_holder, recover_abandoned_runs

    run_id = str(uuid.uuid4())
    log_path = _run_log(run_id)
    terminal = sys.stdout

    def say(line: str) -> None:
        print(line, file=terminal, flush=True)

    # The terminal gets the summary and a line per step; the step output (dbt's log among it)
    # and Dagster's own log lines go to the run's log file; the full event log is in the UI.
    try:
        with (
            open(log_path, "w", encoding="utf-8") as log,
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
            _root_log_handlers_to(log),
            dg.DagsterInstance.get() as instance,
        ):
            busy = WarehouseBuild.busy(settings.warehouse_path, settings.build_file)
            for line in recover_abandoned_runs(instance, lock_free=busy is None):
                say(line)
            holder = pool_holder(instance)
            if holder and not busy:
                busy = f"run {holder} holds the warehouse pool slot; try again when it has ended"
            if busy:
                say(f"  RUN NOT STARTED: {busy}")
                return EXIT_BUSY
            _point_last_run_log(log_path)
            say(f"run {run_id}: step output in {log_path}")
            job = build_definitions(options).resolve_job_def("nightly")
            result = NightlyRun(instance, job, run_id, progress=say).run()
    except RunInterrupted as stop:
        say(
            f"Run {run_id} stopped ({stop}): marked canceled in Dagster; the last good "
            f"warehouse stays published at {settings.warehouse_path}."
        )
        # The job's worker thread may be inside DuckDB or waiting for dbt: end the process now
        # (the kernel frees the build lock) rather than wait for it.
        os._exit(128 + stop.signum)
    materialized = result.get_asset_materialization_events()
    checks = result.get_asset_check_evaluations()
    failed_checks = [c for c in checks if not c.passed]
    print(f"assets materialised: {len(materialized)}")
    print(f"checks passed: {len(checks) - len(failed_checks)} of {len(checks)}")
    for check in failed_checks:
        why = _why(check, settings)
        print(f"  FAILED {check.asset_key.to_user_string()} {check.check_name}: {why}")
    busy = False
    for event in result.all_events:
        # A failed step, or the run's resources failing to start (the warehouse lock, a full
        # disk or unwritable folder): print our message for each.
        if event.is_step_failure or event.event_type_value == "RESOURCE_INIT_FAILURE":
            error = event.event_specific_data.error
            if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
                continue  # the failed check is listed above with its own message
            where = f"STEP FAILED {event.step_key}" if event.step_key else "RUN NOT STARTED"
            print(f"  {where}: {root_cause(error)}")
            busy = busy or (error is not None and error.cls_name == "WarehouseBusyError")
    if busy:
        return EXIT_BUSY
    if not result.success:
        print(
            f"Run {result.run_id} failed; the last good warehouse stays published at "
            f"{settings.warehouse_path}."
        )
        return EXIT_RUN_FAILED
    published = next(
        e.materialization.metadata
        for e in materialized
        if e.asset_key == dg.AssetKey(["warehouse", "published"])
    )
    if not published["published"].value:
        print(f"Not republished ({published['reason'].value}): {settings.warehouse_path}")
        return EXIT_OK
    print(f"published: {settings.warehouse_path}")
    loaded = sorted(
        e.materialization.metadata["cbs_table_id"].value
        for e in materialized
        if "action" in e.materialization.metadata
        and e.materialization.metadata["action"].value == "loaded"
    )
    print("changes since the last publication:")
    print(f"  CBS tables loaded: {len(loaded)}" + (f" ({', '.join(loaded)})" if loaded else ""))
    [plausibility] = [c for c in checks if c.check_name == "plausible_change"]
    print("\n".join(f"  {line}" for line in plausibility.metadata["changes"].value))
    print("indicators published:")
    print("\n".join(_published_summary(settings.warehouse_path)))
    return EXIT_OK


def _run_log(run_id: str) -> Path:
    """`.dagster_home/logs/<run id>.log` of the Dagster home: each run its own log."""
    path = Path(os.environ["DAGSTER_HOME"]) / ".dagster_home" / "logs" / f"{run_id}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _point_last_run_log(path: Path) -> None:
    """`.dagster_home/last_run.log` → the log of the run that started last (atomic swap)."""
    home = path.parent.parent
    pointer = home / f".last_run.{path.stem}"
    pointer.symlink_to(path.relative_to(home))
    os.replace(pointer, home / "last_run.log")


def prepare(_args: argparse.Namespace) -> int:
    """Generate the dbt files the registry describes, then `dbt parse` with the profile and
    vars a run gives dbt, so the run's build parses partially."""
    import subprocess

    from lifecycle.dbt_registry import write_generated_files
    from lifecycle.dbt_run import dbt_arguments

    for path in write_generated_files(REPO_ROOT / "dbt_project"):
        print(f"generated {path.relative_to(REPO_ROOT)} from sources/registry.py")
    command = [str(DBT_EXECUTABLE), "parse", *dbt_arguments(load_settings()), "--quiet"]
    return subprocess.run(command, cwd=REPO_ROOT / "dbt_project", check=False).returncode


def _published():
    from delivery.export import open_published

    return open_published(load_settings().warehouse_path)


def indicators(args: argparse.Namespace) -> int:
    from delivery.export import catalog

    with _published() as con:
        rows = catalog(con, args.theme)
    print(rows.to_string(index=False, max_colwidth=60))
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from delivery.export import extract, write_extract

    with _published() as con:
        data, metadata = extract(con, args.indicators, args.regions, args.period_from, args.to)
    written = write_extract(data, metadata, args.format, args.out, force=args.force, wide=args.wide)
    for missing in metadata["not_available"]:
        print(f"ontcijferd: warning: {missing}", file=sys.stderr)
    print(f"{written.rows} rows → {written.data_file}")
    if written.metadata_file:
        print(f"metadata → {written.metadata_file}")
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    from delivery.report import build_report

    settings = load_settings()
    with _published() as con:
        pages = build_report(con, args.out, settings.scope.focus_province, settings.quality_file)
    print(f"{len(pages)} pages → {args.out / 'index.html'}")
    return EXIT_OK


def regions(args: argparse.Namespace) -> int:
    from delivery.export import regions as list_regions

    with _published() as con:
        rows = list_regions(con, args.search, args.level)
    if rows.empty:
        print(f"ontcijferd: no region matches {args.search!r}", file=sys.stderr)
        return EXIT_USAGE
    print(rows.to_string(index=False))
    return EXIT_OK


def _delivery_errors(handler):
    """Unknown names are usage errors (exit 2); a missing or damaged warehouse is exit 4; an
    empty selection exit 5; a folder or file that cannot be written a usage error."""

    def wrapped(args: argparse.Namespace) -> int:
        from delivery.export import DeliveryError, EmptyExtractError, NoWarehouseError

        try:
            return handler(args)
        except DeliveryError as err:
            print(f"ontcijferd: {err}", file=sys.stderr)
            if isinstance(err, NoWarehouseError):
                return EXIT_NO_WAREHOUSE
            return EXIT_EMPTY if isinstance(err, EmptyExtractError) else EXIT_USAGE
        except OSError as err:
            where = err.filename or getattr(args, "out", "")
            print(f"ontcijferd: cannot write {where}: {err.strerror or err}", file=sys.stderr)
            return EXIT_USAGE

    return wrapped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ontcijferd", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)
    running = commands.add_parser(
        "run",
        help="run the nightly job once (only what changed) and print a summary",
        description="Ask the source for each CBS table's release, load the new ones, rebuild, "
        "check and publish. With nothing new no run is started.",
    )
    running.add_argument(
        "--all", action="store_true", help="reload every table, new release or not"
    )
    running.add_argument(
        "--accept-schema",
        nargs="+",
        default=[],
        metavar="TABLE_ID",
        help="load these tables although CBS changed their columns (after review)",
    )
    running.add_argument(
        "--accept-change",
        nargs="+",
        default=[],
        metavar="INDICATOR",
        help="publish these indicators' implausible changes (after checking the source), "
        "for this run only; `all` accepts every one",
    )
    running.set_defaults(handler=run)
    commands.add_parser(
        "prepare",
        help="generate the dbt files from the registry and parse the dbt project "
        "(done by `make run` and `make test`)",
    ).set_defaults(handler=prepare)
    listing = commands.add_parser("indicators", help="list the indicator catalog")
    listing.add_argument(
        "--theme",
        help="only this theme, any case (bevolking, wonen, jeugdhulp, armoede, export, "
        "kerncijfers)",
    )
    listing.set_defaults(handler=_delivery_errors(indicators))
    exporting = commands.add_parser(
        "export",
        help="write indicator rows and their metadata to files",
        description="Write the rows of marts.indicator_values for the indicators asked for, "
        "with a metadata sidecar (definition, unit, sources, CBS release dates, status legend, "
        "licence). Example: ontcijferd export bevolking_totaal --regions PV23 Zwolle "
        "--from 2015 --format csv --out exports/",
    )
    exporting.add_argument("indicators", nargs="+", metavar="INDICATOR")
    exporting.add_argument(
        "--regions", nargs="*", default=[], help="region codes or names (default: all)"
    )
    exporting.add_argument("--from", dest="period_from", metavar="PERIOD", help="e.g. 2015")
    exporting.add_argument("--to", metavar="PERIOD", help="e.g. 2023 (includes 2023H1/H2)")
    exporting.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")
    exporting.add_argument("--out", type=Path, required=True, help="folder to write into")
    exporting.add_argument("--force", action="store_true", help="replace an existing file")
    exporting.add_argument(
        "--wide",
        action="store_true",
        help="xlsx only: regions in rows, periods in columns (years and half-years on "
        "separate sheets)",
    )
    exporting.set_defaults(handler=_delivery_errors(export))
    reporting = commands.add_parser(
        "report", help="build the static report (HTML with charts, works offline)"
    )
    reporting.add_argument("--out", type=Path, required=True, help="folder for the site")
    reporting.set_defaults(handler=_delivery_errors(report))
    finding = commands.add_parser(
        "regions",
        help="list regions (code, name, level, indicators with data); search by part of a name",
    )
    finding.add_argument("search", nargs="?", help="part of a code, name or alias, e.g. twente")
    finding.add_argument("--level", help="gemeente, corop, woondeal, provincie, landsdeel, land")
    finding.set_defaults(handler=_delivery_errors(regions))
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as err:
        print(f"ontcijferd: {err}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:
        if args.debug:
            raise
        print(
            f"ontcijferd: {args.command} failed: {type(err).__name__}: {err} "
            "(`ontcijferd --debug ...` shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED


if __name__ == "__main__":
    sys.exit(main())
