"""The last step of a run: publish the warehouse build by atomic rename.

It depends on every mart, so it only runs when all upstream steps succeeded and no blocking
check failed; otherwise the last good warehouse stays published.
"""

import dagster as dg

from lifecycle.build import distrust, reading
from lifecycle.releases import record_publication, warehouse_inputs
from orchestration.resources import OntcijferdRun, failure_in_words
from orchestration.transform import mart_names


def published_warehouse_asset() -> dg.AssetsDefinition:
    """The publish step after every mart of the prepared dbt manifest."""
    marts = mart_names()

    @dg.asset(
        key=dg.AssetKey(["warehouse", "published"]),
        deps=[dg.AssetKey(["marts", m]) for m in marts],
        group_name="publish",
        kinds={"duckdb"},
    )
    def published_warehouse(context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun):
        with failure_in_words("publish"):
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
