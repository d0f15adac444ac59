"""Benchmarks of the nightly build. Prints a table; BENCHMARKS.md has the results and reasoning.

    .venv/bin/python -m bench.run            # every measurement, 3 runs each (~23 min)
    .venv/bin/python -m bench.run --runs 1 --only cold floor

Measurements (medians over --runs):
  cold       `ontcijferd run` on the embedded snapshot, empty warehouse and Dagster home
             (after `ontcijferd prepare` with the same settings, untimed, as `make run` does)
  before     cold, for the commit where the Simplicity issue began (COLD_BASELINE, in a git
             worktree with its own .venv from its own Makefile) and for this checkout,
             alternating; prints both and the ratio of the medians
  rerun      the same again on that warehouse and home, nothing changed upstream
  national   cold, with every COROP region and gemeente of Nederland in scope
  floor      DuckDB alone in one process: the same raw data (snapshot → same selection → raw
             tables) and the compiled SQL of the same dbt models, no Dagster, dbt or checks
  live       every registered table from a local server that behaves like CBS (pages of
             10,000 rows, $filter applied, 0.3 s a request): the project's client against the
             naive `cbsodata.get_data` route, with requests, rows and bytes per table
  live_full  SYNTHETIC full-detail 03759ned (bench/synthetic.py) through the client, with the
             Overijssel scope and with every gemeente; the naive route projected from 10 pages
  scale      cold, on the snapshot and on SYNTHETIC snapshots with ~10× and ~100× its rows in
             scope (bench/scale.py), with rows, time and peak RSS against ×1, and the Great
             Expectations suites alone on each build (time and peak RSS of that process)
  verify     trusting the published warehouse of this checkout (`make run` first): against its
             recorded SHA-256 (`damage`), and by reading every block of every table where the
             checksum file is gone (`unreadable_blocks`); first figure the block read
  export     every indicator of the published warehouse of this checkout (`make run` first) in
             one `ontcijferd export`, in each format: time and peak RSS per format
Wall time is measured around a subprocess (or the in-process work for floor/live); peak
RSS is the largest resident set of the process tree's biggest process (ru_maxrss via wait4).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from graphlib import TopologicalSorter
from pathlib import Path

from sources.config import DBT_EXECUTABLE
from sources.config import REPO_ROOT as REPO
from tests.e2e.conftest import real_dagster_home

BIN = Path(sys.executable).parent


def _dagster_home(folder: Path, checkout: Path = REPO) -> Path:
    """A Dagster home like the checkout's, with storage inside `folder` (an empty home)."""
    home = folder / "dagster_home"
    home.mkdir()
    return real_dagster_home(home, checkout)


def _ontcijferd(checkout: Path, command: str, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(checkout / ".venv" / "bin" / "ontcijferd"), command, *args],
        cwd=checkout,
        env={**os.environ, "GX_ANALYTICS_ENABLED": "false", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _timed_run(env: dict[str, str], checkout: Path = REPO) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `ontcijferd run` subprocess of `checkout`."""
    start = time.perf_counter()
    process = _ontcijferd(checkout, "run", env)
    peak = _peak_rss_once_ended(process, f"ontcijferd run of {checkout} with {env}")
    return time.perf_counter() - start, peak


def _peak_rss_once_ended(process: subprocess.Popen, what: str) -> float:
    """Wait for `process`; the peak RSS (MiB) of its biggest process, or stop if it failed."""
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{what} failed (exit {os.waitstatus_to_exitcode(status)})")
    return usage.ru_maxrss / 1024


def _cold_run(
    checkout: Path, extra_env: dict[str, str] | None = None, then=None
) -> tuple[float, float]:
    """One cold build: an empty warehouse and Dagster home. `ontcijferd prepare` first, untimed,
    with the same settings, as `make run` does: dbt then parses this warehouse's profile once,
    and the run is timed alone. `then(warehouse)` is called on the published file before it is
    removed."""
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "ontcijferd.duckdb"
        env = {
            "DAGSTER_HOME": str(_dagster_home(Path(tmp), checkout)),
            "ONTCIJFERD_WAREHOUSE": str(warehouse),
            **(extra_env or {}),
        }
        _prepare(env, checkout)
        result = _timed_run(env, checkout)
        if then is not None:
            then(warehouse)
        return result


def _expectations_alone(warehouse: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a process that only runs the Great Expectations
    suites on `warehouse` (GX imported untimed), as the run's mart checks do."""
    script = (
        "import sys, time, resource\n"
        "from pathlib import Path\n"
        "import great_expectations\n"
        "from lifecycle.expectations import MART_SUITES, run_suite\n"
        "start = time.perf_counter()\n"
        "for suite in MART_SUITES.values():\n"
        "    assert all(o.success for o in run_suite(suite, Path(sys.argv[1])))\n"
        "print(time.perf_counter() - start)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(warehouse)],
        cwd=REPO,
        env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    output = process.stdout.read()
    peak = _peak_rss_once_ended(process, f"the Great Expectations suites on {warehouse}")
    return float(output), peak


def _prepare(env: dict[str, str], checkout: Path = REPO) -> None:
    if _ontcijferd(checkout, "prepare", env).wait() != 0:
        raise SystemExit(f"ontcijferd prepare of {checkout} failed with {env}")


def cold(runs: int, extra_env: dict[str, str] | None = None) -> list[tuple[float, float]]:
    return [_cold_run(REPO, extra_env) for _ in range(runs)]


# The code as it stood when the Simplicity issue began (with its dbt worker, kept-open event log
# and skipped dbt adapter). Measured in the same benchmark run as today's code, alternating, each
# checkout in its own environment made by its own Makefile.
COLD_BASELINE = "24da395"


def cold_against_baseline(runs: int) -> list[tuple[float, float]]:
    """(before, after) seconds per round: the baseline commit and this checkout, alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(before), COLD_BASELINE],
            cwd=REPO,
            check=True,
        )
        try:
            subprocess.run(
                ["make", "--quiet", "prepare"],
                cwd=before,
                check=True,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "DAGSTER_HOME": str(before)},
            )
            rounds = [(_cold_run(before)[0], _cold_run(REPO)[0]) for _ in range(runs)]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=REPO)
    befores, afters = [r[0] for r in rounds], [r[1] for r in rounds]
    print(
        f"  cold build, {COLD_BASELINE} (issue start) against this checkout, alternating: "
        f"before {', '.join(f'{x:.1f}' for x in befores)} s, after "
        f"{', '.join(f'{x:.1f}' for x in afters)} s; median after / before = "
        f"{statistics.median(afters) / statistics.median(befores):.2f}",
        file=sys.stderr,
    )
    return rounds


def rerun(runs: int) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DAGSTER_HOME": str(_dagster_home(Path(tmp))),
            "ONTCIJFERD_WAREHOUSE": str(Path(tmp) / "ontcijferd.duckdb"),
        }
        _prepare(env)
        _timed_run(env)  # the first build, not counted
        return [_timed_run(env) for _ in range(runs)]


def national(runs: int) -> list[tuple[float, float]]:
    return cold(runs, {"ONTCIJFERD_GEMEENTEN": "all", "ONTCIJFERD_COROP": "all"})


def _compiled_models() -> tuple[dict, list[str]]:
    """The dbt manifest compiled against a scratch warehouse, and the model/seed order."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ONTCIJFERD_DBT_WAREHOUSE": str(Path(tmp) / "compile.duckdb")}
        target = Path(tmp) / "target"
        subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "compile",
                "--profiles-dir",
                ".",
                "--target-path",
                str(target),
                "--quiet",
            ],
            cwd=REPO / "dbt_project",
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        manifest = json.loads((target / "manifest.json").read_text())
    nodes = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    graph = {k: [p for p in manifest["parent_map"][k] if p in nodes] for k in nodes}
    return nodes, list(TopologicalSorter(graph).static_order())


def floor(runs: int) -> list[tuple[float, float]]:
    """DuckDB alone: load the raw tables as a run does, then execute the models' compiled SQL."""
    import resource

    import duckdb

    from bench.scale import default_scope, gebieden_rows
    from lifecycle.raw import load_custom_releases, load_raw_table
    from sources.custom import CUSTOM_SOURCES, read_releases, region_codes_from_gebieden
    from sources.registry import REGISTRY
    from sources.snapshot import SnapshotSource

    nodes, order = _compiled_models()
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        source = SnapshotSource()
        gebieden = gebieden_rows()
        scope = default_scope(gebieden)
        con = duckdb.connect()
        for table in REGISTRY.values():
            load_raw_table(con, table, source.fetch(table, scope), "bench", "bench")
        codes = region_codes_from_gebieden(gebieden)
        for custom in CUSTOM_SOURCES.values():
            load_custom_releases(con, custom, read_releases(custom, codes))
        for key in order:
            node = nodes[key]
            schema, name = node["schema"], node["name"]
            con.execute(f"create schema if not exists {schema}")
            if node["resource_type"] == "seed":
                types = node["config"].get("column_types") or {}
                typed = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
                path = REPO / "dbt_project" / node["original_file_path"]
                con.execute(
                    f"create or replace table {schema}.{name} as select * from read_csv("
                    f"'{path}', header=true{f', types={{{typed}}}' if typed else ''})"
                )
                continue
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            sql = node["compiled_code"].replace('"compile"."', '"memory"."')
            con.execute(f"create or replace {kind} {schema}.{name} as {sql}")
        rows = con.execute("select count(*) from marts.indicator_values").fetchone()[0]
        con.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append((time.perf_counter() - start, peak))
    print(f"  floor: marts.indicator_values has {rows} rows", file=sys.stderr)
    return results


# The live path as CBS serves it: pages of 10,000 rows, the $filter applied, a latency per
# request (`--delay`, default 0.3 s: what a request to opendata.cbs.nl typically takes).
LIVE_PAGE_SIZE = 10_000
LIVE_DELAY_SECONDS = 0.3


def _live_server(delay: float, generated: dict | None = None):
    from sources.snapshot import SNAPSHOT_DIR
    from tests.cbs_server import CbsODataServer

    return CbsODataServer(
        SNAPSHOT_DIR,
        page_size=LIVE_PAGE_SIZE,
        evaluate_filter=True,
        delay_seconds=delay,
        generated_tables=generated,
    )


def _client(server, concurrent: int):
    from sources.statline import LiveSettings, StatLineClient

    settings = LiveSettings(
        catalog_url=server.catalog_url, use_https=False, concurrent_requests=concurrent
    )
    return StatLineClient(settings)


def _measured(server, table_id: str, route) -> tuple[int, int, int, float]:
    """Requests, rows, bytes and seconds of one fetch through the server."""
    server.requests.clear()
    server.bytes_sent.clear()
    start = time.perf_counter()
    rows = route()
    seconds = time.perf_counter() - start
    return len(server.requests), rows, server.bytes_sent.get(table_id, 0), seconds


# Requests the client keeps in flight for one table in the concurrent measurement (the
# LiveSettings default; what CBS is assumed to tolerate: sources/statline.py).
LIVE_CONCURRENT = 4
ROUTES = ("client, serial", f"client, {LIVE_CONCURRENT} at once", "naive cbsodata")


def live(runs: int, delay: float = LIVE_DELAY_SECONDS) -> list[tuple[float, float]]:
    """Every registered table from a local server that behaves like CBS's OData feed, through
    the project's client (filtered, codes), one request at a time and LIVE_CONCURRENT at once,
    and the naive route (`cbsodata.get_data`: the whole table, every dimension, labels).
    Prints requests, rows, bytes and seconds per table and route; returns (concurrent client
    seconds, serial client seconds) over all tables, per run. The tables registered for live
    mode only have no rows in the snapshot and are left out."""
    import cbsodata

    from bench.scale import default_scope, gebieden_rows
    from sources.registry import REGISTRY
    from tools.snapshot_builder import LIVE_ONLY_TABLES

    scope = default_scope(gebieden_rows())
    results, table = [], []
    with _live_server(delay) as server:
        serial, concurrent = _client(server, 1), _client(server, LIVE_CONCURRENT)
        cbsodata.options.catalog_url = server.catalog_url
        cbsodata.options.use_https = False
        for _ in range(runs):
            table = []
            for t in REGISTRY.values():
                if t.table_id in LIVE_ONLY_TABLES:  # no rows in the snapshot to serve
                    continue
                routes = (
                    lambda t=t: len(serial.fetch(t, scope).data),
                    lambda t=t: len(concurrent.fetch(t, scope).data),
                    lambda t=t: len(cbsodata.get_data(t.table_id)),
                )
                table.append((t.table_id, *(_measured(server, t.table_id, r) for r in routes)))
            results.append((sum(r[2][3] for r in table), sum(r[1][3] for r in table)))
        longest = server.longest_url
    totals = tuple(tuple(sum(row[k][i] for row in table) for i in range(4)) for k in (1, 2, 3))
    _print_live_table(
        f"live path: pages of {LIVE_PAGE_SIZE:,} rows, $filter applied, {delay} s a request, "
        f"query strings over 2,048 characters refused (last run; longest URL sent: {longest})",
        [*table, ("total", *totals)],
        delay,
    )
    return results


def _print_live_table(title: str, rows: list, delay: float) -> None:
    """Per table and route: requests, rows, KiB and seconds; for the project's client also the
    latency floor, requests ÷ requests in flight × the delay of one request."""
    print(f"  {title}", file=sys.stderr)
    header = "".join(
        f" | {r + ': req':>22} {'rows':>10} {'KiB':>8} {'s':>7}" + (" floor" if i < 2 else "")
        for i, r in enumerate(ROUTES)
    )
    print(f"  {'table':<16}{header}", file=sys.stderr)
    for name, *routes in rows:
        cells = "".join(
            f" | {req:>22} {n:>10,} {size / 1024:>8,.0f} {secs:>7.1f}"
            + (f" {req / (1, LIVE_CONCURRENT)[i] * delay:>5.1f}" if i < 2 else "")
            for i, (req, n, size, secs) in enumerate(routes)
        )
        print(f"  {name:<16}{cells}", file=sys.stderr)


# The naive route on the full-detail table is projected from this many data pages (all of
# them would be ~2,400 requests, over 12 minutes at the stated latency).
NAIVE_PAGES_MEASURED = 10


def live_full(runs: int, delay: float = LIVE_DELAY_SECONDS) -> list[tuple[float, float]]:
    """SYNTHETIC full-detail 03759ned (bench/synthetic.py) through the project's client, with
    the Overijssel scope and with `gemeenten: all`, serial and concurrent; the naive route
    measured on its first NAIVE_PAGES_MEASURED data pages and projected to the whole table.
    Returns (concurrent, serial) client seconds with the Overijssel scope, per run."""
    import requests

    from bench.scale import gebieden_rows
    from bench.synthetic import FullDetail03759ned
    from sources.registry import REGISTRY
    from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope

    memberships = membership_from_gebieden(gebieden_rows())
    synthetic = FullDetail03759ned(memberships)
    scopes = {
        "Overijssel": resolve_scope(ScopeConfig(), memberships),
        "gemeenten: all": resolve_scope(ScopeConfig(gemeenten="all", corop="all"), memberships),
    }
    table = REGISTRY["03759ned"]
    results, rows = [], []
    with _live_server(delay, {"03759ned": synthetic}) as server:
        serial, concurrent = _client(server, 1), _client(server, LIVE_CONCURRENT)
        for _ in range(runs):
            rows = []
            for name, scope in scopes.items():
                rows.append(
                    (
                        name,
                        _measured(
                            server, "03759ned", lambda s=scope: len(serial.fetch(table, s).data)
                        ),
                        _measured(
                            server, "03759ned", lambda s=scope: len(concurrent.fetch(table, s).data)
                        ),
                    )
                )
            results.append((rows[0][2][3], rows[0][1][3]))
        naive = _naive_projection(server, synthetic, requests)
    print(
        f"  SYNTHETIC full-detail 03759ned ({synthetic.rows:,} rows: every region × sex × age × "
        f"marital status × 1988–2025), pages of {LIVE_PAGE_SIZE:,}, {delay} s a request",
        file=sys.stderr,
    )
    for name, ser, con in rows:
        print(
            f"  client, {name:<15} serial: {ser[0]} requests, {ser[1]:,} rows, "
            f"{ser[2] / 1024:,.0f} KiB, {ser[3]:.1f} s | {LIVE_CONCURRENT} at once: {con[0]} "
            f"requests, {con[3]:.1f} s",
            file=sys.stderr,
        )
    print(f"  naive cbsodata.get_data: {naive}", file=sys.stderr)
    return results


def _naive_projection(server, synthetic, requests) -> str:
    """What `cbsodata.get_data('03759ned')` would cost: its metadata requests and the first
    data pages measured, the remaining pages projected at the measured mean."""
    base = f"http://{server.catalog_url}/ODataFeed/odata/03759ned"
    server.requests.clear()
    server.bytes_sent.clear()
    start = time.perf_counter()
    with requests.Session() as session:
        for name in ["", *(n for n in synthetic.set_names() if not n.endswith("DataSet"))]:
            session.get(f"{base}/{name}?$format=json").raise_for_status()
        metadata_seconds = time.perf_counter() - start
        metadata_bytes = server.bytes_sent.get("03759ned", 0)
        url, pages = f"{base}/TypedDataSet?$format=json", 0
        page_start = time.perf_counter()
        while url and pages < NAIVE_PAGES_MEASURED:
            url = session.get(url).json().get("odata.nextLink")
            pages += 1
        per_page = (time.perf_counter() - page_start) / pages
    page_bytes = (server.bytes_sent["03759ned"] - metadata_bytes) / pages
    total_pages = math.ceil(synthetic.rows / LIVE_PAGE_SIZE)
    seconds = metadata_seconds + total_pages * per_page
    gib = (metadata_bytes + total_pages * page_bytes) / 2**30
    return (
        f"{len(server.requests) - pages + total_pages:,} requests, {synthetic.rows:,} rows, "
        f"{gib:,.1f} GiB, {seconds / 60:,.0f} min (projected from {pages} pages: "
        f"{per_page:.2f} s and {page_bytes / 1024:,.0f} KiB a page)"
    )


# How the cold build grows with data: the embedded snapshot and SYNTHETIC copies with about this
# many times its CBS rows in the default scope (bench/scale.py: every Overijssel gemeente split
# into synthetic gemeenten; why not the years as well is said there).
SCALE_FACTORS = (1, 10, 100)


def _rows_in_scope(snapshot_dir: Path | None = None) -> tuple[int, int]:
    """CBS rows a run with the default scope loads from a snapshot, and how many of them are
    rows of the focus province's gemeenten (the rows bench/scale.py multiplies)."""
    from bench.scale import default_scope, focus_gemeente_codes, gebieden_rows
    from sources.registry import REGISTRY
    from sources.snapshot import SNAPSHOT_DIR, SnapshotSource

    source = SnapshotSource(snapshot_dir or SNAPSHOT_DIR)
    scope = default_scope(gebieden_rows(snapshot_dir))
    focus = focus_gemeente_codes(scope)
    total = gemeenten = 0
    for table in REGISTRY.values():
        if not source.has_table(table.table_id):
            continue
        data = source.fetch(table, scope).data
        total += len(data)
        if table.region_dimension:
            key = table.region_dimension
            gemeenten += sum(1 for row in data if str(row[key]).strip() in focus)
    return total, gemeenten


def scale(runs: int) -> list[tuple[float, float]]:
    """The cold build on the snapshot and on SYNTHETIC copies with ~10× and ~100× its rows in
    scope (generated untimed before each build). Prints rows, wall time and peak RSS per factor
    and their ratios to ×1; returns the runs at the largest factor."""
    from bench.scale import write_scaled_sources

    base_rows, gemeente_rows = _rows_in_scope()
    print(
        "  scale: cold build on SYNTHETIC copies of the snapshot (bench/scale.py)", file=sys.stderr
    )
    print(
        f"  {'factor':>6} {'gemeenten':>10} {'CBS rows':>10} {'rows ×':>7} {'median s':>9} "
        f"{'time ×':>7} {'peak MiB':>9} {'RSS ×':>6}  runs (s)",
        file=sys.stderr,
    )
    first = results = None
    for factor in SCALE_FACTORS:
        # Each extra part of every gemeente adds gemeente_rows: solve for factor × base_rows.
        parts = 1 + round((factor - 1) * base_rows / gemeente_rows)
        expectations = []
        with tempfile.TemporaryDirectory() as tmp:
            sources = write_scaled_sources(Path(tmp), parts)
            rows = _rows_in_scope(sources.snapshot_dir)[0]
            results = [
                _cold_run(
                    REPO,
                    sources.env,
                    lambda w, kept=expectations: kept.append(_expectations_alone(w)),
                )
                for _ in range(runs)
            ]
        seconds = statistics.median(r[0] for r in results)
        rss = statistics.median(r[1] for r in results)
        first = first or (seconds, rss)
        print(
            f"  {'×' + str(factor):>6} {parts * sources.focus_gemeenten:>10,} {rows:>10,} "
            f"{rows / base_rows:>7.1f} {seconds:>9.1f} {seconds / first[0]:>7.2f} "
            f"{rss:>9,.0f} {rss / first[1]:>6.2f}  {', '.join(f'{r[0]:.1f}' for r in results)}"
            f"  GX alone: {statistics.median(e[0] for e in expectations):.1f} s, "
            f"{statistics.median(e[1] for e in expectations):,.0f} MiB",
            file=sys.stderr,
            flush=True,
        )
    return results


def verify(runs: int) -> list[tuple[float, float]]:
    from lifecycle.build import checksum_file, damage, unreadable_blocks
    from sources.config import load_settings

    published = load_settings().warehouse_path
    if not checksum_file(published).is_file():
        raise SystemExit(f"bench verify: no published warehouse with a checksum at {published}")
    print(
        f"verify: {published} ({published.stat().st_size / 2**20:.1f} MiB); second figure: s "
        "for the SHA-256 check"
    )
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        assert unreadable_blocks(published) is None
        blocks = time.perf_counter() - start
        start = time.perf_counter()
        assert damage(published) is None
        results.append((blocks, time.perf_counter() - start))
    return results


EXPORT_FORMATS = (("csv",), ("csv-nl",), ("parquet",), ("xlsx",), ("xlsx", "--wide"))


def export(runs: int) -> list[tuple[float, float]]:
    """Every indicator of this checkout's published warehouse in one export, in each format."""
    import duckdb

    from sources.config import load_settings

    published = load_settings().warehouse_path
    if not published.is_file():
        raise SystemExit(f"bench export: no published warehouse at {published} (`make run`)")
    with duckdb.connect(str(published), read_only=True) as con:
        ids = [i for (i,) in con.sql("select indicator_id from marts.indicator_catalog").fetchall()]
        [(rows,)] = con.sql("select count(*) from marts.indicator_values").fetchall()
    print(f"export: {len(ids)} indicators, {rows:,} rows; first figure xlsx s, second its MiB")
    timed = {fmt: [] for fmt in EXPORT_FORMATS}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            for fmt in EXPORT_FORMATS:
                args = ["--format", *fmt, "--out", out, "--force"]
                start = time.perf_counter()
                process = _ontcijferd(REPO, "export", {}, *ids, *args)
                peak = _peak_rss_once_ended(process, f"ontcijferd export --format {fmt}")
                timed[fmt].append((time.perf_counter() - start, peak))
    for fmt, results in timed.items():
        print(
            f"  {' '.join(fmt):<12} {statistics.median(r[0] for r in results):6.1f} s "
            f"{statistics.median(r[1] for r in results):6.0f} MiB"
        )
    return timed[("xlsx",)]


MEASUREMENTS = {
    "cold": cold,
    "before": cold_against_baseline,
    "rerun": rerun,
    "national": national,
    "floor": floor,
    "live": live,
    "live_full": live_full,
    "scale": scale,
    "verify": verify,
    "export": export,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS))
    args = parser.parse_args()
    names = args.only or list(MEASUREMENTS)
    medians = {}
    print(f"{'measurement':<12} {'median':>10} {'runs':>30}  peak RSS / second figure")
    for name in names:
        results = MEASUREMENTS[name](args.runs)
        first = [r[0] for r in results]
        second = [r[1] for r in results]
        medians[name] = statistics.median(first)
        unit = {
            "live": "s serial",
            "live_full": "s serial",
            "before": "s after",
            "verify": "s SHA-256",
        }.get(name, "MiB")
        print(
            f"{name:<12} {medians[name]:>9.1f}s {', '.join(f'{x:.1f}' for x in first):>30}  "
            f"{statistics.median(second):.1f} {unit}",
            flush=True,
        )
    if "cold" in medians and "floor" in medians:
        print(f"cold / floor = {medians['cold'] / medians['floor']:.1f}")
    if "cold" in medians and "national" in medians:
        print(f"national / cold = {medians['national'] / medians['cold']:.2f}")


if __name__ == "__main__":
    main()
