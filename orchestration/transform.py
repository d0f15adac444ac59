"""Where CBS data is cleaned and indicators are computed: the dbt project as Dagster assets.

The manifest is prepared explicitly (`make prepare`, i.e. `dbt parse`, run by `make run` and the
test fixtures) and read only when the definitions are built, never at import time.
"""

import functools
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dbt.version import __version__ as dbt_core_version
from packaging import version

from orchestration.resources import WAREHOUSE_POOL, OntcijferdRun
from sources.config import DBT_EXECUTABLE, REPO_ROOT, environment

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
        pool=WAREHOUSE_POOL,
    )
    def dbt_models(  # the op name the Dagster UI's run history knows
        context: dg.AssetExecutionContext, dbt: DbtCliResource, ontcijferd: OntcijferdRun
    ):
        """dbt build (models, seeds and dbt tests) on this run's warehouse build file."""
        with environment(ontcijferd.settings.dbt_environment()):
            yield from dbt.cli(["build"], context=context).stream()

    return dbt_models


class LockedDbtCliResource(DbtCliResource):
    """DbtCliResource without the `dbt --version` subprocess it starts for every run (~5 s).

    The dbt executable is the one of this environment (see `dbt_executable` below), so its
    version is the installed dbt-core package's; both are pinned in uv.lock.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(dbt_core_version)


def dbt_resource() -> DbtCliResource:
    # The dbt of this environment, whether or not .venv/bin is on PATH (dagster-dbt looks there).
    return LockedDbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(DBT_EXECUTABLE),
    )
