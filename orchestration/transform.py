"""Where CBS data is cleaned and indicators are computed: the dbt project as Dagster assets.

The manifest is prepared explicitly (`make prepare`, i.e. `dbt parse`, run by `make run` and the
test fixtures) and read only when the definitions are built, never at import time.
"""

import functools
import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from lifecycle.dbt_run import dbt_target_folder, dbt_vars, write_dbt_profile
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
    """dbt models and seeds are keyed `[schema, name]` (e.g. `marts/indicator_values`)."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] in ("model", "seed"):
            return spec.replace_attributes(
                key=dg.AssetKey([props["schema"], props["name"]]), group_name=props["schema"]
            )
        return spec


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
        yield from dbt.cli(
            ["build", "--vars", dbt_vars(settings)],
            context=context,
            target_path=dbt_target_folder(settings),
        ).stream()

    return dbt_models


def dbt_for(settings: Settings) -> DbtCliResource:
    """dbt as this run's settings give it: the profile naming the run's build file, and the
    dbt of this environment whether or not .venv/bin is on PATH."""
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(write_dbt_profile(settings)),
        dbt_executable=str(DBT_EXECUTABLE),
    )
