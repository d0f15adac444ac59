"""The last step of a run: publish the warehouse build by atomic rename.

It depends on every mart, so it only runs when all upstream steps succeeded and no blocking
check failed; otherwise the last good warehouse stays published.
"""

from collections.abc import Sequence

import dagster as dg

from lifecycle.build import distrust, reading
from lifecycle.releases import record_publication, warehouse_inputs
from orchestration.resources import OntcijferdRun, failure_in_words
from orchestration.transform import mart_names

PUBLISHED = dg.AssetKey(["warehouse", "published"])


def published_warehouse_asset(
    upstream: Sequence[dg.AssetsDefinition], checks: Sequence[dg.AssetChecksDefinition]
) -> dg.AssetsDefinition:
    """The publish step after every mart of the prepared dbt manifest; it publishes only the
    build of a run that built all `upstream` assets and ran all their checks and `checks`."""
    marts = mart_names()
    whole_pipeline = {PUBLISHED}
    for definition in [*upstream, *checks]:
        whole_pipeline.update(definition.keys, definition.check_keys)

    @dg.asset(
        key=PUBLISHED,
        deps=[dg.AssetKey(["marts", m]) for m in marts],
        group_name="publish",
        kinds={"duckdb"},
    )
    def published_warehouse(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun):
        with failure_in_words("publish"):
            refuse_part_of_the_pipeline(whole_pipeline - planned_for(context))
            return publish(context, ontcijferd, marts)

    return published_warehouse


def publish(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun, marts: list[str]):
    """The published DuckDB warehouse, replaced atomically after all blocking checks passed.

    A build made from exactly what the published warehouse already holds (same CBS releases,
    custom files and code) is not republished: analysts' file and its checksum stay as they are.
    A damaged published warehouse, or one whose history lost rows, is always replaced, and
    kept beside the build: an analyst's tables in it are not lost.
    """
    settings = ontcijferd.settings
    with ontcijferd.build.connect() as con:
        record_publication(con, settings, context.run.run_id)
        built_from = warehouse_inputs(con)
    broken = distrust(settings.warehouse_path)
    if broken:
        context.log.warning("The published warehouse is not trusted (%s): publishing anew", broken)
    elif settings.warehouse_path.exists():
        with reading(settings.warehouse_path) as published:
            held = warehouse_inputs(published)
        if held == built_from:
            ontcijferd.build.discard()
            context.log.info("Nothing changed since the last publication: not republished")
            return dg.MaterializeResult(
                metadata={"published": False, "reason": "same releases, files and code"}
            )
    with ontcijferd.build.connect() as con:
        counts = {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in marts}
        indicators = con.execute(
            "select indicator_id, count(*) from marts.indicator_values group by 1 order by 1"
        ).fetchall()
    path = ontcijferd.build.publish(keep_replaced=bool(broken))
    context.log.info("Published %s", path)
    # An analyst's session wrote into the old file: what became of its writes.
    for line in ontcijferd.build.take_warnings():
        context.log.warning(line)
    return dg.MaterializeResult(
        metadata={
            "published": True,
            "path": str(path),
            "size_bytes": path.stat().st_size,
            **{f"rows/{m}": n for m, n in counts.items()},
            "indicators": dg.MetadataValue.json(dict(indicators)),
        }
    )


PLANNED = {
    dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
}


def refuse_part_of_the_pipeline(left_out: set[dg.AssetKey | dg.AssetCheckKey]) -> None:
    """Each run's build starts from a copy of the published warehouse. A run of part of the
    pipeline — assets selected in the Dagster UI, a re-execution from a failed step, assets
    materialized without their checks — would publish that copy with the rest left as it was:
    a CBS release recorded as loaded beside marts made from the one before, or a figure the
    plausibility gate never saw."""
    if left_out:
        names = sorted(key.to_user_string() for key in left_out)
        raise dg.Failure(
            description=f"Not published: this run builds only part of the pipeline "
            f"({len(names)} assets and checks left out: {', '.join(names[:3])}"
            f"{', …' if len(names) > 3 else ''}). A build starts from the published "
            "warehouse, so what the run left out would be published unbuilt or unchecked. "
            "Materialize all assets with their checks, launch the nightly job, or run "
            "`ontcijferd run`.",
            metadata={"left out": dg.MetadataValue.json(names)},
        )


def planned_for(context: dg.AssetExecutionContext) -> set[dg.AssetKey | dg.AssetCheckKey]:
    """The assets and checks Dagster planned for this run, from its event log."""
    planned = set()
    for record in context.instance.get_records_for_run(context.run.run_id, of_type=PLANNED).records:
        event = record.event_log_entry.dagster_event
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
            planned.add(event.asset_key)
        else:
            check = event.event_specific_data
            planned.add(dg.AssetCheckKey(check.asset_key, check.check_name))
    return planned
