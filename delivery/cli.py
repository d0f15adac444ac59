"""`ontcijferd` — the command line of Overijssel Ontcijferd: what each command does when it runs.

The commands, their options and help (`ontcijferd --help`), and which commands answer in Dutch
are declared once, in delivery/arguments.py.

Exit codes: 0 success, 1 the run failed (the last good warehouse stays published) or
check-live found differences, 2 usage error (unknown or ambiguous indicator, region, theme,
period or format; a bad configuration; an --out that cannot be written), 3 another run is busy,
4 no published warehouse yet, or it is damaged or from an older version, 5 the export
selection has no data. Every failure is one line; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import signal
import sys
from pathlib import Path

from delivery.arguments import (
    EXIT_BUSY,
    EXIT_EMPTY,
    EXIT_NO_WAREHOUSE,
    EXIT_OK,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    FOR_RESEARCHERS,
    LAST_RESORT,
    command_line,
    for_the_data_team,
)
from delivery.signals import Stopped, output_may_go_away, stop_received, stopped_by_signals
from sources.config import DBT_EXECUTABLE, REPO_ROOT, ConfigError, Settings, load_settings
from sources.notation import number

# How an out-of-space error (ENOSPC) reads in a failure, ours or dbt's log.
NO_SPACE = "[Errno 28]"


def _unknown_acceptances(args: argparse.Namespace) -> str | None:
    """An --accept-schema or --accept-change naming nothing we know, with the closest names:
    a typo must not let a run go on believing something was accepted."""
    import difflib

    from lifecycle.indicators import indicators as described
    from sources.registry import REGISTRY

    indicators = list(described())
    problems = []
    for option, given, known in (
        ("--accept-schema", args.accept_schema, list(REGISTRY)),
        ("--accept-change", args.accept_change, [*indicators, "all"]),
    ):
        for name in given:
            if name not in known:
                near = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
                problems.append(
                    f"{option} {name!r} names no "
                    + ("registered CBS table" if option == "--accept-schema" else "indicator")
                    + (f"; did you mean {', '.join(near)}?" if near else "")
                )
    return "; ".join(problems) or None


def run(args: argparse.Namespace) -> int:
    unknown = _unknown_acceptances(args)
    if unknown:
        print(f"ontcijferd: {unknown}", file=sys.stderr)
        return EXIT_USAGE
    options = {"ONTCIJFERD_REFRESH": "all"} if args.all else {}
    if args.accept_schema:
        options["ONTCIJFERD_ACCEPT_SCHEMA"] = ",".join(args.accept_schema)
    if args.accept_change:
        options["ONTCIJFERD_ACCEPT_CHANGES"] = ",".join(args.accept_change)
    if args.accept_fresh_history:
        options["ONTCIJFERD_ACCEPT_FRESH_HISTORY"] = "yes"
    # The options hold for this run only: the settings built here are the run's settings.
    from lifecycle.refresh import with_periodic_check

    return _run(with_periodic_check(load_settings({**os.environ, **options}), dt.date.today()))


def _run(settings: Settings) -> int:
    print(
        f"ontcijferd run: source={settings.source}, focus={settings.scope.focus_province}, "
        f"gemeenten={settings.scope.gemeenten}, refresh={settings.refresh}, "
        f"warehouse={settings.warehouse_path}"
    )
    from lifecycle.build import WarehouseBuild

    # Refused before anything is written: a second run never touches the first one's log.
    busy = WarehouseBuild.busy(settings.warehouse_path, settings.build_file)
    if busy:
        print(f"  RUN NOT STARTED: {busy}")
        return EXIT_BUSY
    from orchestration.launcher import launch, recover_dead_runs

    say = functools.partial(print, flush=True)  # each line at once, also into a pipe
    recover_dead_runs(say)
    from lifecycle.refresh import plan_refresh, scope_for
    from sources.config import cbs_source
    from sources.registry import CURRENT_REGION_TABLE, REGISTRY
    from sources.scope import UnknownRegionError

    try:
        # A focus province that is not a province is a usage error, before any run starts: the
        # plan resolves the scope first; `--all` has no plan, so it resolves it here.
        if settings.refresh == "all":
            regions = cbs_source(settings).fetch(REGISTRY[CURRENT_REGION_TABLE], None)
            scope_for(settings, regions.data)
            plan = None
        else:
            plan = plan_refresh(settings)
    except UnknownRegionError as err:
        print(f"ontcijferd: {err}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError, RuntimeError) as err:
        print(f"Could not compare releases with the published warehouse: {err}")
        return EXIT_RUN_FAILED
    if plan is not None:
        print("what is new:")
        print("\n".join(f"  {line}" for line in plan.summary()))
        if plan.nothing_new:
            print(
                f"No run started; the published warehouse is unchanged: {settings.warehouse_path}"
            )
            return EXIT_OK
    before = _publication(settings.warehouse_path)
    outcome = launch(settings, say)
    if outcome.stopped_by:
        from delivery.run_summary import stopped_run

        print(
            stopped_run(
                outcome, settings.warehouse_path, _publication(settings.warehouse_path) != before
            )
        )
        return 128 + signal.Signals[outcome.stopped_by]
    return _summary(outcome, settings)


def _publication(path: Path) -> tuple[int, int] | None:
    """Which file is published (inode, modification time): a publication replaces it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _summary(outcome, settings: Settings) -> int:
    """What the run materialised and checked, what failed and why, what it published."""
    from delivery import run_summary as said
    from lifecycle.build import disk_space_message, room_needed

    checks = outcome.checks
    said.print_materialised(outcome)
    disk_full = [f for f in outcome.failures if NO_SPACE in f.message]
    if disk_full:
        # Checks failing on half-written tables and dbt's log are noise beside this one line.
        step = disk_full[0].step or "the start"
        room = disk_space_message(settings.build_dir.parent, room_needed(settings.warehouse_path))
        print(f"  DISK FULL during {step}: {room}")
    if not any(f.step is None for f in outcome.failures):  # a run not started checked nothing
        said.print_checks(outcome, settings, failures_shown=not disk_full)
    if not disk_full:
        print("\n".join(said.failure_lines(outcome.failures)))
    if any(f.busy for f in outcome.failures):
        return EXIT_BUSY
    if not outcome.success:
        print(f"Run {outcome.run_id} failed; {said.what_stays_published(settings.warehouse_path)}.")
        return EXIT_RUN_FAILED
    published = outcome.materialized["warehouse/published"]
    if not published["published"]:
        print(f"Not republished ({published['reason']}): {settings.warehouse_path}")
        said.print_notices(outcome)
        return EXIT_OK
    print(f"published: {settings.warehouse_path}")
    loaded = sorted(
        m["cbs_table_id"] for m in outcome.materialized.values() if m.get("action") == "loaded"
    )
    print("changes since the last publication:")
    print(f"  CBS tables loaded: {len(loaded)}" + (f" ({', '.join(loaded)})" if loaded else ""))
    said.print_notices(outcome)
    [plausibility] = [c for c in checks if c.name == "plausible_change"]
    print("\n".join(f"  {line}" for line in plausibility.metadata["changes"]))
    print("indicators published:")
    print("\n".join(said.published_summary(settings.warehouse_path)))
    return EXIT_OK


def prepare(_args: argparse.Namespace) -> int:
    """Generate the dbt files the registry describes, then `dbt parse` with the profile and
    vars a run gives dbt, so the run's build parses partially."""
    import subprocess

    from lifecycle.dbt_registry import write_generated_files
    from lifecycle.dbt_run import dbt_arguments

    for path in write_generated_files(REPO_ROOT / "dbt_project"):
        print(f"generated {path.relative_to(REPO_ROOT)}")
    command = [str(DBT_EXECUTABLE), "parse", *dbt_arguments(load_settings()), "--quiet"]
    return subprocess.run(command, cwd=REPO_ROOT / "dbt_project", check=False).returncode


def check_live(_args: argparse.Namespace) -> int:
    """The registry against live CBS (sources/live_check.py): one line per difference, exit 1
    if there is any; nothing is written."""
    from lifecycle.refresh import scope_for
    from sources.live_check import check_live as compare
    from sources.registry import CURRENT_REGION_TABLE, DECLARED_LIVE_TABLES, REGISTRY
    from sources.snapshot import SnapshotSource
    from sources.statline import NO_ANSWER_IN_A_ROW, StatLineClient

    settings = load_settings()
    client = StatLineClient(settings.live)
    # The scope only sizes the request URLs: the embedded region table is enough for that.
    regions = SnapshotSource(settings.snapshot_dir).fetch(REGISTRY[CURRENT_REGION_TABLE], None)
    scope = scope_for(settings, regions.data)
    print(
        f"check-live: {len(REGISTRY)} registered and {len(DECLARED_LIVE_TABLES)} declared tables "
        f"against {client.table_url('').removesuffix('/')}"
    )
    registered, declared = list(REGISTRY.values()), list(DECLARED_LIVE_TABLES.values())
    reports = compare(client, registered, scope, declared)
    differences = [(r.table_id, d) for r in reports for d in r.differences]
    for table_id, difference in differences:
        print(f"  DIFFERENT {table_id}: {difference}")
    unanswered = [r for r in reports if r.unanswered]
    for report_ in unanswered:
        print(f"  NO ANSWER {report_.table_id}: {report_.unanswered}")
    sized = [r for r in reports if r.requests]
    if sized:
        print("requests of a scoped download (CBS refuses URLs over 2,000 characters):")
    for report_ in sized:
        print(f"  {report_.table_id}: {report_.requests}")
    pending = [r for r in reports if r.pending]
    if pending:
        print(
            "declared for live CBS, not loaded until their keys are confirmed as an entry in "
            "sources/registry.py (DECLARED_LIVE_TABLES):"
        )
        for report_ in pending:
            print(f"  {report_.table_id}: {report_.pending}")
    if differences:
        different = len({t for t, _ in differences})
        print(f"{len(differences)} difference(s) from the registry in {different} table(s)")
    if unanswered:
        untried = len(registered) + len(declared) - len(reports)
        print(
            f"{len(unanswered)} table(s) not checked: CBS gave no answer"
            + (
                f"; stopped after {NO_ANSWER_IN_A_ROW} in a row, {untried} more not tried (CBS "
                "down, or this machine cannot reach it?)"
                if untried
                else ""
            )
        )
    if differences or unanswered:
        return EXIT_RUN_FAILED
    print("every registered table matches the registry")
    return EXIT_OK


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
    from delivery.export import extract, extract_schema, write_extract

    with _published() as con:
        data, metadata = extract(con, args.indicators, args.regions, args.period_from, args.to)
        schema = extract_schema(con)
    written = write_extract(
        data, metadata, args.format, args.out, force=args.force, wide=args.wide, schema=schema
    )
    for missing in metadata["not_available"]:
        print(f"ontcijferd: let op: {missing}", file=sys.stderr)
    print(f"{number(written.rows)} rijen → {written.data_file}")
    if written.metadata_file:
        print(f"toelichting → {written.metadata_file}")
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    from delivery.report import build_report
    from lifecycle.releases import published_focus

    settings = load_settings()
    configured = settings.scope.focus_province
    with _published() as con:
        # The report is about the province the warehouse holds the gemeenten of: the
        # configuration may since name another one, for the next run.
        focus = published_focus(con) or configured
        if focus != configured:
            print(
                f"ontcijferd: let op: het rapport gaat over {focus}, waarvoor dit warehouse is "
                f"gebouwd; de instellingen noemen {configured} (dat geldt vanaf de volgende run)",
                file=sys.stderr,
            )
        pages = build_report(con, args.out, focus, settings.quality_file)
    print(f"{len(pages)} pagina's → {args.out / 'index.html'}")
    return EXIT_OK


def regions(args: argparse.Namespace) -> int:
    from delivery.export import regions as list_regions
    from delivery.metadata import OUTSIDE_SCOPE

    with _published() as con:
        rows = list_regions(con, args.search, args.level)
    if rows.empty:
        print(f"ontcijferd: geen regio past bij {args.search!r}", file=sys.stderr)
        return EXIT_USAGE
    print(rows.to_string(index=False))
    if empty := int((rows["indicatoren_met_data"] == 0).sum()):
        print(f"{empty} van deze {len(rows)} regio's zonder cijfers: {OUTSIDE_SCOPE}.")
    return EXIT_OK


def _delivery_errors(handler):
    """Unknown names are usage errors (exit 2); a missing, damaged or older warehouse is exit
    4; an empty selection exit 5; a folder or file that cannot be written a usage error."""

    def wrapped(args: argparse.Namespace) -> int:
        from delivery.export import DeliveryError, EmptyExtractError, NoWarehouseError
        from delivery.files import os_reason

        try:
            return handler(args)
        except (DeliveryError, OSError) as err:
            if (stop := stop_received()) is not None:
                raise stop from err
            if isinstance(err, OSError):
                where = err.filename or getattr(args, "out", "")
                print(
                    f"ontcijferd: kan {where} niet schrijven: {os_reason(err)}",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            print(f"ontcijferd: {err}", file=sys.stderr)
            if isinstance(err, NoWarehouseError):
                return EXIT_NO_WAREHOUSE
            return EXIT_EMPTY if isinstance(err, EmptyExtractError) else EXIT_USAGE

    return wrapped


HANDLERS = {
    "run": run,
    "prepare": prepare,
    "check-live": check_live,
    "indicators": _delivery_errors(indicators),
    "export": _delivery_errors(export),
    "report": _delivery_errors(report),
    "regions": _delivery_errors(regions),
}


def main(argv: list[str] | None = None) -> int:
    parser = command_line()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already said in one line
        return EXIT_USAGE if stop.code else EXIT_OK
    with output_may_go_away():  # around the last-resort lines too: stderr may be gone
        try:
            with stopped_by_signals():
                return HANDLERS[args.command](args)
        except (Stopped, Exception) as err:
            said = " ".join(str(err).split())  # one line, also for a multi-line message
            if isinstance(err, ConfigError):  # the data team's settings, in their words
                if args.command in FOR_RESEARCHERS:
                    said = f"de instellingen kloppen niet {for_the_data_team(said)}"
                print(f"ontcijferd: {said}", file=sys.stderr)
                return EXIT_USAGE
            stopped, failed, debug = LAST_RESORT[args.command in FOR_RESEARCHERS]
            if (stop := stop_received()) is not None:  # also DuckDB's "Query interrupted"
                print(f"ontcijferd: {args.command} {stopped} ({stop.name})", file=sys.stderr)
                return 128 + stop.signum
            if args.debug:
                raise
            print(
                f"ontcijferd: {args.command} {failed}: {type(err).__name__}: {said} (`ontcijferd "
                f"--debug ...` {debug})",
                file=sys.stderr,
            )
            return EXIT_RUN_FAILED


if __name__ == "__main__":
    sys.exit(main())
