"""Where CBS data is cleaned and indicators are computed: the dbt project as Dagster assets.

The manifest is prepared explicitly (`make prepare`, i.e. `dbt parse`, run by `make run` and the
test fixtures) and read only when the definitions are built, never at import time.
"""

import functools
import json
import time
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from lifecycle.dbt_run import (
    dbt_failure_in_words,
    dbt_target_folder,
    dbt_vars,
    write_dbt_profile,
)
from lifecycle.expectations import warm_up_in_background
from orchestration.resources import OntcijferdRun
from sources.config import DBT_EXECUTABLE, REPO_ROOT, Settings

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@functools.cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest {project.manifest_path} is missing: run `make prepare` "
            "(dbt parse) before loading the Dagster definitions"
        )
    return project


def mart_names() -> list[str]:
    """Every dbt model in schema `marts`: the public tables a run publishes."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    )


class OntcijferdTranslator(DagsterDbtTranslator):
    """dbt models and seeds are keyed `[schema, name]` (e.g. `marts/indicator_values`); every
    dbt test's check says what it guards (dagster-dbt reads only `meta.description`, which
    no test here has)."""

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=test_description(manifest["nodes"][unique_id]),
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=spec.blocking,
        )

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] in ("model", "seed"):
            return spec.replace_attributes(
                key=dg.AssetKey([props["schema"], props["name"]]), group_name=props["schema"]
            )
        return spec


def test_description(test: Mapping[str, Any]) -> str:
    """What a dbt test guards, in a sentence: a generic test from its name and arguments, a
    singular test (dbt_project/tests/) from its own description or its leading SQL comment."""
    generic = test.get("test_metadata") or {}
    args = generic.get("kwargs", {})
    column = args.get("column_name")
    model = test.get("attached_node", "").rsplit(".", 1)[-1]
    match generic.get("name"):
        case "unique_combination":
            return f"Every combination of {', '.join(args['columns'])} occurs once in {model}."
        case "unique":
            return f"Every {column} occurs once in {model}."
        case "not_null":
            return f"{model}.{column} is never empty."
        case "accepted_values":
            return f"{model}.{column} holds only {', '.join(map(str, args['values']))}."
        case "relationships":
            target = args["to"].removeprefix("ref('").removesuffix("')")
            return f"Every {model}.{column} exists in {target}.{args['field']}."
    if test.get("description"):
        return test["description"]
    comment = []
    for line in test.get("raw_code", "").splitlines():
        if not line.startswith("--"):
            break
        comment.append(line.removeprefix("--").strip())
    return " ".join(comment) or f"dbt test {test['name']}."


@functools.cache
def dbt_models() -> dg.AssetsDefinition:
    """The dbt models, seeds and tests as assets and checks, from the prepared manifest."""

    @dbt_assets(
        manifest=dbt_project().manifest_path,
        project=dbt_project(),
        dagster_dbt_translator=OntcijferdTranslator(),
    )
    def dbt_models(  # the op name the Dagster UI's run history knows
        context: dg.AssetExecutionContext, ontcijferd: OntcijferdRun
    ):
        """dbt build (models, seeds and dbt tests) on this run's warehouse build file."""
        settings = ontcijferd.settings
        dbt = dbt_for(settings)
        warm_up_in_background()  # the mart checks after dbt need GX
        ontcijferd.build.close_database()  # dbt opens the build file from its own process
        target, started = dbt_target_folder(settings), time.time()
        invocation = dbt.cli(
            ["build", "--vars", dbt_vars(settings)],
            context=context,
            target_path=target,
            raise_on_error=False,
        )
        yield from invocation.stream()
        error = invocation.get_error()
        if error is not None:
            # dagster-dbt's error is a paragraph (the command, boilerplate, dbt's log lines);
            # the data team's line names the node and dbt's message, or the signal that ended
            # dbt. The paragraph stays on the run page.
            results = target / "run_results.json"
            written = results.exists() and results.stat().st_mtime >= started
            raise dg.Failure(
                description=dbt_failure_in_words(
                    invocation.process.returncode,
                    invocation.get_artifact("run_results.json") if written else None,
                    str(error),
                    target / "dbt.log",
                ),
                metadata={"dbt": str(error)},
            )

    return dbt_models


def dbt_for(settings: Settings) -> DbtCliResource:
    """dbt as this run's settings give it: the profile naming the run's build file, and the
    dbt of this environment whether or not .venv/bin is on PATH."""
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(write_dbt_profile(settings)),
        dbt_executable=str(DBT_EXECUTABLE),
    )
