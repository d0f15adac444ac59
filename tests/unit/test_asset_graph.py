"""The Dagster asset graph as a snapshot, so that any change to it shows in review.

When the graph changes on purpose (a table, model, check or dependency added), regenerate the
snapshot and commit it with the change:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/test_asset_graph.py
"""

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def render_graph() -> str:
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        deps = sorted(p.to_user_string() for p in node.parent_keys)
        lines.append(f"asset {key.to_user_string()} <- {', '.join(deps) or '-'}")
    for check in sorted(graph.asset_check_keys, key=lambda c: c.to_user_string()):
        lines.append(f"check {check.to_user_string()}")
    for job in sorted(j.name for j in defs.resolve_all_job_defs()):
        lines.append(f"job {job}")
    for schedule in defs.schedules or []:
        lines.append(f"schedule {schedule.name} {schedule.cron_schedule} -> {schedule.job_name}")
    return "\n".join(lines) + "\n"


def test_asset_graph_matches_the_snapshot(dbt_manifest):
    rendered = render_graph()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "the asset graph changed: review the difference, then regenerate "
        "tests/unit/snapshots/asset_graph.txt (see this file's docstring)"
    )


def test_every_raw_table_feeds_staging_and_the_metadata_tables_have_a_producer(dbt_manifest):
    rendered = render_graph()
    assert "asset cbs_metadata/cbs_table_infos <- " in rendered
    assert "raw/cbs_85984ned" in rendered.split("asset cbs_metadata/cbs_table_infos <- ")[1]
    producers = rendered.split("asset custom_metadata/custom_releases <- ")[1].split("\n")[0]
    assert "raw/custom_export_partnerlanden" in producers
    assert "raw/custom_bevolking_leeftijdsgroepen" in producers
    kwb = "asset staging/stg_cbs__kwb <- cbs_metadata/cbs_table_infos, raw/cbs_85039ned"
    assert kwb in rendered


def test_every_check_says_what_it_guards(dbt_manifest):
    """The Dagster UI shows each check's description: none may be "No description provided"
    (dbt's generic tests get one from their arguments, singular tests from their SQL comment)."""
    from orchestration.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    undescribed = [
        key.to_user_string()
        for key in graph.asset_check_keys
        if not graph.get_check_spec(key).description
    ]
    assert undescribed == []
    spec = graph.get_check_spec(
        next(k for k in graph.asset_check_keys if k.name == "indicator_parts_sum_to_whole")
    )
    assert spec.description.startswith("Parts sum to their whole")
    spec = graph.get_check_spec(
        next(
            k
            for k in graph.asset_check_keys
            if k.name.startswith("relationships_indicator_values_indicator_id")
        )
    )
    assert spec.description == (
        "Every indicator_values.indicator_id exists in indicator_catalog.indicator_id."
    )
