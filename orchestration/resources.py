"""The run resource: settings, the CBS source and the warehouse build of one Dagster run."""

import os
import socket
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from lifecycle.dbt_worker import DbtWorker
from lifecycle.refresh import scope_for
from lifecycle.warehouse import WarehouseBuild
from sources.config import Settings, cbs_source, load_settings
from sources.custom import region_codes_from_gebieden
from sources.registry import CURRENT_REGION_TABLE, REGISTRY
from sources.scope import RegionScope
from sources.snapshot import SnapshotSource
from sources.statline import StatLineClient

# Every step that writes the DuckDB build file shares one pool slot (dagster.yaml: limit 1).
WAREHOUSE_POOL = "warehouse"
# The process that runs a run (orchestration/runs.py recovers runs whose owner is gone).
OWNER_TAG = "ontcijferd/owner"


def _process_start(pid: int) -> str | None:
    """The start time of a process in clock ticks since boot (/proc/<pid>/stat field 22)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def owner_of_this_process() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def owner_alive(owner: str) -> bool | None:
    """Whether the process that owns a run still runs; None when it ran on another host."""
    host, pid, start = owner.rsplit(":", 2)
    if host != socket.gethostname():
        return None
    return _process_start(int(pid)) == start


class OntcijferdRun(dg.ConfigurableResource):
    """Settings from config/ontcijferd.yaml (plus overrides), the source, and the build file.

    The build is set up once per run: it takes the single-writer lock and starts from a copy of
    the published warehouse; it is released when the run ends.
    """

    env_overrides: dict[str, str] = {}

    _settings: Settings | None = PrivateAttr(default=None)
    _build: WarehouseBuild | None = PrivateAttr(default=None)
    _dbt_worker: DbtWorker | None = PrivateAttr(default=None)
    _scope: RegionScope | None = PrivateAttr(default=None)
    _gebieden_rows: list[dict] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._settings = load_settings({**os.environ, **self.env_overrides})
        run = context.run
        if run is not None and OWNER_TAG not in run.tags and context.instance is not None:
            # A run the Dagster daemon launched: its owner is the run worker, this process.
            context.instance.add_run_tags(run.run_id, {OWNER_TAG: owner_of_this_process()})
        self._build = WarehouseBuild.begin(
            self._settings.warehouse_path,
            self._settings.build_file,
            context.run.run_id if context.run else "adhoc",
        )
        # dbt imports itself on the other core while the raw tables load (lifecycle/dbt_worker.py).
        self._dbt_worker = DbtWorker(self._settings.build_file)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._dbt_worker is not None:
            self._dbt_worker.stop()
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
        return cbs_source(self.settings)

    def _gebieden(self) -> list[dict]:
        """Today's Gebieden in Nederland rows, fetched once per run."""
        if self._gebieden_rows is None:
            self._gebieden_rows = self.source().fetch(REGISTRY[CURRENT_REGION_TABLE], None).data
        return self._gebieden_rows

    def scope(self) -> RegionScope:
        """The region scope, resolved once per run from today's Gebieden in Nederland table."""
        if self._scope is None:
            self._scope = scope_for(self.settings, self._gebieden())
        return self._scope

    def region_codes(self) -> dict[str, str]:
        """Region names as CBS writes them today (and codes) → code, for custom files."""
        return region_codes_from_gebieden(self._gebieden())
