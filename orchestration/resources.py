"""The run resource: settings, the CBS source and the warehouse build of one Dagster run; and
how a step's failure reads in the Dagster UI."""

import contextlib
from collections.abc import Iterator

import dagster as dg
from pydantic import PrivateAttr

from lifecycle.build import WarehouseBuild
from lifecycle.refresh import scope_for
from orchestration.supervision import LOCK_TAG, OWNER_TAG, owner_of_this_process
from sources.config import (
    Settings,
    cbs_source,
    load_settings,
    settings_from_json,
    settings_to_json,
)
from sources.custom import region_codes_from_gebieden
from sources.registry import CURRENT_REGION_TABLE, REGISTRY
from sources.scope import RegionScope
from sources.snapshot import SnapshotSource
from sources.statline import CbsUnavailableError, StatLineClient


@contextlib.contextmanager
def failure_in_words(step: str) -> Iterator[None]:
    """Our errors name the CBS table, file, row or column that broke a step (the run summary's
    line). Raised inside a step they become a Dagster `Failure` with that line as its
    description and metadata, so the run page in the UI leads with it rather than with a stack
    trace (which stays one click away). Dagster's own errors pass unchanged."""
    try:
        yield
    except (dg.Failure, dg.DagsterError):
        raise
    except Exception as err:
        raise dg.Failure(
            description=str(err),
            metadata={
                "step": step,
                "error": type(err).__name__,
                "published warehouse": "unchanged: a failed run publishes nothing",
            },
        ) from err


class OntcijferdRun(dg.ConfigurableResource):
    """The run's settings, the source, and the build file.

    `settings_json` is what the CLI or the schedule decided for this run (sources/config.py
    `settings_to_json`, visible in the run's config in the Dagster UI); a run launched from the
    UI without it uses config/ontcijferd.yaml. The build is set up once per run: it takes the
    single-writer lock and starts from a copy of the published warehouse; it is released when
    the run ends.
    """

    settings_json: str = ""

    _settings: Settings | None = PrivateAttr(default=None)
    _build: WarehouseBuild | None = PrivateAttr(default=None)
    _scope: RegionScope | None = PrivateAttr(default=None)
    _gebieden_rows: list[dict] | None = PrivateAttr(default=None)
    _gebieden_error: str | None = PrivateAttr(default=None)
    _source: SnapshotSource | StatLineClient | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._settings = (
            settings_from_json(self.settings_json) if self.settings_json else load_settings()
        )
        run = context.run
        if run is not None and OWNER_TAG not in run.tags and context.instance is not None:
            # A run the Dagster daemon launched: its owner is the run worker, this process.
            context.instance.add_run_tags(run.run_id, {OWNER_TAG: owner_of_this_process()})
        self._build = WarehouseBuild.begin(
            self._settings.warehouse_path,
            self._settings.build_file,
            context.run.run_id if context.run else "adhoc",
            fresh_history=self._settings.accept_fresh_history,
        )
        if run is not None and context.instance is not None:
            # Which lock this run holds, for a host that cannot look up its process.
            context.instance.add_run_tags(run.run_id, {LOCK_TAG: self._build.lock_identity()})
        for line in self._build.take_warnings():
            context.log.warning(line)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._build is not None:
            self._build.release()

    @property
    def settings(self) -> Settings:
        assert self._settings is not None, "resource used outside a run"
        return self._settings

    @property
    def build(self) -> WarehouseBuild:
        assert self._build is not None, "resource used outside a run"
        return self._build

    def source(self) -> SnapshotSource | StatLineClient:
        """The run's one source: a live client that got no answer from CBS for several tables in
        a row asks no more for the rest of the run (sources/statline.py, `not_answering`)."""
        if self._source is None:
            self._source = cbs_source(self.settings)
        return self._source

    def _gebieden(self) -> list[dict]:
        """Today's Gebieden in Nederland rows, fetched once per run. Every step needs them (the
        scope, the custom files' region names): when they cannot be had, each later step fails
        at once with the first step's reason instead of asking CBS again — with CBS down or out
        of reach, each step would wait out its retries, hours for a run of 42 tables."""
        if self._gebieden_error is not None:
            raise CbsUnavailableError(
                f"today's region table {CURRENT_REGION_TABLE} could not be read earlier in this "
                f"run (not asked again): {self._gebieden_error}"
            )
        if self._gebieden_rows is None:
            table = REGISTRY[CURRENT_REGION_TABLE]
            try:
                self._gebieden_rows = self.source().fetch(table, None).data
            except Exception as err:
                self._gebieden_error = str(err)
                raise
        return self._gebieden_rows

    def scope(self) -> RegionScope:
        """The region scope, resolved once per run from today's Gebieden in Nederland table."""
        if self._scope is None:
            self._scope = scope_for(self.settings, self._gebieden())
        return self._scope

    def region_codes(self) -> dict[str, str]:
        """Region names as CBS writes them today (and codes) → code, for custom files."""
        return region_codes_from_gebieden(self._gebieden())


def run_config(settings: Settings) -> dict:
    """The run config that hands `settings` to a run (the CLI's launcher and the schedule)."""
    return {
        "resources": {"ontcijferd": {"config": {"settings_json": settings_to_json(settings)}}},
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
