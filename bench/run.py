"""Benchmarks of the nightly build. Prints a table; BENCHMARKS.md has the results and reasoning.

    .venv/bin/python -m bench.run            # all five measurements, 3 runs each (~16 min)
    .venv/bin/python -m bench.run --runs 1 --only cold floor

Measurements (medians over --runs):
  cold       `ontcijferd run` on the embedded snapshot, empty warehouse and Dagster home
  rerun      the same again on that warehouse and home, nothing changed upstream
  national   cold, with every COROP region and gemeente of Nederland in scope
  floor      DuckDB alone in one process: the same raw data (snapshot → same selection → raw
             tables) and the compiled SQL of the same dbt models, no Dagster, dbt or checks
  live       every registered table from a local server that behaves like CBS (pages of
             10,000 rows, $filter applied, 0.3 s a request): the project's client against the
             naive `cbsodata.get_data` route, with requests, rows and bytes per table
Wall time is measured around a subprocess (or the in-process work for floor/live); peak
RSS is the largest resident set of the process tree's biggest process (ru_maxrss via wait4).
"""

from __future__ import annotations

import argparse
import json
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

BIN = Path(sys.executable).parent


def _dagster_home(folder: Path) -> Path:
    """A Dagster home like the repository's, with storage inside `folder` (an empty home)."""
    home = folder / "dagster_home"
    home.mkdir()
    text = (REPO / "dagster.yaml").read_text().replace(".dagster_home", str(home / "store"))
    (home / "dagster.yaml").write_text(text)
    return home


def _timed_run(env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `ontcijferd run` subprocess."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "ontcijferd"), "run"],
        env={**os.environ, "GX_ANALYTICS_ENABLED": "false", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ontcijferd run failed (exit {status}) with {env}")
    return wall, usage.ru_maxrss / 1024


def cold(runs: int, extra_env: dict[str, str] | None = None) -> list[tuple[float, float]]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                "DAGSTER_HOME": str(_dagster_home(Path(tmp))),
                "ONTCIJFERD_WAREHOUSE": str(Path(tmp) / "ontcijferd.duckdb"),
                **(extra_env or {}),
            }
            results.append(_timed_run(env))
    return results


def rerun(runs: int) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DAGSTER_HOME": str(_dagster_home(Path(tmp))),
            "ONTCIJFERD_WAREHOUSE": str(Path(tmp) / "ontcijferd.duckdb"),
        }
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

    from lifecycle.warehouse import load_custom_releases, load_raw_table
    from sources.custom import CUSTOM_SOURCES, read_releases, region_codes_from_gebieden
    from sources.registry import CURRENT_REGION_TABLE, REGISTRY
    from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
    from sources.snapshot import SnapshotSource

    nodes, order = _compiled_models()
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        source = SnapshotSource()
        gebieden = source.fetch(REGISTRY[CURRENT_REGION_TABLE], None).data
        scope = resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden))
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


def live(runs: int, delay: float = LIVE_DELAY_SECONDS) -> list[tuple[float, float]]:
    """Every registered table from a local server that behaves like CBS's OData feed, through
    the project's client (filtered, codes) and the naive route (`cbsodata.get_data`: the whole
    table, every dimension, labels). Prints requests, rows, bytes and seconds per table and
    route; returns (client seconds, naive seconds) over all tables, per run. The tables
    registered for live mode only have no rows in the snapshot and are left out."""
    import cbsodata

    from sources.registry import CURRENT_REGION_TABLE, REGISTRY
    from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
    from sources.snapshot import SNAPSHOT_DIR, SnapshotSource
    from sources.statline import LiveSettings, StatLineClient
    from tests.cbs_server import CbsODataServer
    from tools.snapshot_builder import LIVE_ONLY_TABLES

    gebieden = SnapshotSource().fetch(REGISTRY[CURRENT_REGION_TABLE], None).data
    scope = resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden))
    results, table = [], []
    with CbsODataServer(
        SNAPSHOT_DIR, page_size=LIVE_PAGE_SIZE, evaluate_filter=True, delay_seconds=delay
    ) as server:
        client = StatLineClient(LiveSettings(catalog_url=server.catalog_url, use_https=False))
        cbsodata.options.catalog_url = server.catalog_url
        cbsodata.options.use_https = False

        def measured(table_id: str, route) -> tuple[int, int, int, float]:
            server.requests.clear()
            server.bytes_sent.clear()
            start = time.perf_counter()
            rows = route()
            seconds = time.perf_counter() - start
            return len(server.requests), rows, server.bytes_sent.get(table_id, 0), seconds

        for _ in range(runs):
            table = []
            for t in REGISTRY.values():
                if t.table_id in LIVE_ONLY_TABLES:  # no rows in the snapshot to serve
                    continue
                ours = measured(t.table_id, lambda t=t: len(client.fetch(t, scope).data))
                naive = measured(t.table_id, lambda t=t: len(cbsodata.get_data(t.table_id)))
                table.append((t.table_id, ours, naive))
            results.append((sum(r[1][3] for r in table), sum(r[2][3] for r in table)))
    print(
        f"  live path: pages of {LIVE_PAGE_SIZE:,} rows, $filter applied, {delay} s a request "
        "(last run)\n"
        f"  {'table':<10} {'client: req':>11} {'rows':>7} {'KiB':>7} {'s':>6}   "
        f"{'naive: req':>10} {'rows':>7} {'KiB':>7} {'s':>6}",
        file=sys.stderr,
    )
    for table_id, ours, naive in table + [("total", *_totals(table))]:
        print(
            f"  {table_id:<10} {ours[0]:>11} {ours[1]:>7} {ours[2] / 1024:>7.0f} {ours[3]:>6.1f}"
            f"   {naive[0]:>10} {naive[1]:>7} {naive[2] / 1024:>7.0f} {naive[3]:>6.1f}",
            file=sys.stderr,
        )
    return results


def _totals(table: list) -> tuple[tuple, tuple]:
    return tuple(tuple(sum(row[route][i] for row in table) for i in range(4)) for route in (1, 2))


MEASUREMENTS = {
    "cold": cold,
    "rerun": rerun,
    "national": national,
    "floor": floor,
    "live": live,
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
        unit = "s naive" if name == "live" else "MiB"
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
