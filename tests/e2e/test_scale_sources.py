"""The scale benchmark's SYNTHETIC snapshot (bench/scale.py) builds like the real one: the
nightly job publishes with every check passed, so `bench.run scale` times whole builds."""

from pathlib import Path

import duckdb

from bench.scale import write_scaled_sources
from tests.e2e.conftest import run_nightly

# Every asset check of the graph (tests/unit/test_asset_graph.py keeps this list current).
GRAPH = Path(__file__).parents[1] / "unit" / "snapshots" / "asset_graph.txt"


def test_a_build_on_the_scaled_snapshot_passes_every_check(tmp_path):
    sources = write_scaled_sources(tmp_path / "scaled", 2)
    path = tmp_path / "ontcijferd.duckdb"
    result = run_nightly({"ONTCIJFERD_WAREHOUSE": str(path), **sources.env})
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    checks = result.get_asset_check_evaluations()
    every_check = [line for line in GRAPH.read_text().splitlines() if line.startswith("check ")]
    assert len(checks) == len(every_check) and all(c.passed for c in checks)
    con = duckdb.connect(str(path), read_only=True)
    try:
        gemeenten = con.execute(
            "select count(*) from marts.dim_region "
            "where region_level = 'gemeente' and provincie_code = 'PV23'"
        ).fetchone()[0]
        assert gemeenten == 50
        province, parts = con.execute(
            "select max(value) filter (region_code = 'PV23'), "
            "sum(value) filter (region_level = 'gemeente') "
            "from marts.indicator_values "
            "where indicator_id = 'bevolking_totaal' and period = '2024' "
            "and (region_code = 'PV23' or region_code in (select region_code from "
            "marts.dim_region where provincie_code = 'PV23'))"
        ).fetchone()
        assert province == parts == 1_189_033  # the real CBS figure, from synthetic parts
    finally:
        con.close()
