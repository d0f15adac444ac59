"""Refresh only what changed: which CBS releases, custom files and code the warehouse holds.

The nightly run asks CBS (or the snapshot) for each table's release — TableInfos.Modified, one
small request — and loads only tables whose release (or selection: registry entry and region
scope) the warehouse does not hold. With nothing new at all, no run is started and nothing is
republished. No Dagster imports: the CLI, the schedule and the assets share this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from lifecycle.build import (
    damage,
    distrust,
    last_good_path,
    reading,
    safety_net_damage,
    trusted_publication,
)
from lifecycle.raw import create_unloaded_raw_table, load_raw_table
from lifecycle.releases import (
    LoadedRelease,
    code_fingerprint,
    loaded_columns,
    loaded_release,
    loaded_releases,
    release_id_for,
    warehouse_inputs,
)
from sources.config import WEEKDAYS, Settings, cbs_source
from sources.custom import CUSTOM_SOURCES, releases
from sources.registry import CURRENT_REGION_TABLE, REGISTRY, CbsTable
from sources.scope import RegionScope, membership_from_gebieden, resolve_scope
from sources.snapshot import SnapshotSource
from sources.statline import CbsTableNotFoundError, StatLineClient
from sources.tabledata import (
    CbsSchemaChangedError,
    content_fingerprint,
    lifecycle_note,
    schema_changes,
    selection_fingerprint,
)


@dataclass(frozen=True)
class Decision:
    load: bool
    reason: str
    # Said in the run summary even when nothing is loaded: CBS no longer serves the table, or
    # has discontinued it.
    notice: bool = False


def decide(
    loaded: LoadedRelease | None, offered: str | None, selection: str, refresh: str
) -> Decision:
    """Whether a raw asset downloads its table, and why (shown in the asset's metadata)."""
    if refresh == "all":
        return Decision(True, "refresh=all: every table reloaded")
    if loaded is None:
        return Decision(True, "not loaded before")
    if offered is None:
        return Decision(True, "CBS gives no release date: downloaded to compare the content")
    if loaded.selection != selection:
        return Decision(True, "registry entry or region scope changed since the last load")
    if loaded.hint != offered:
        return Decision(True, f"new release {offered} (warehouse holds {loaded.release_id})")
    if refresh == "check":
        return Decision(
            True, f"periodic full check: release {offered} downloaded to compare its content"
        )
    return Decision(False, f"release {offered} already loaded on {loaded.loaded_at:%Y-%m-%d %H:%M}")


def not_served(
    table: CbsTable, loaded: LoadedRelease | None, err: CbsTableNotFoundError
) -> Decision:
    """A table CBS no longer serves (404 for the table itself) never stops the nightly run: its
    last loaded release stays. Only a table with nothing loaded and no registered successor to
    continue its series fails the run."""
    follow = (
        f"its successor {table.successor} continues the series"
        if table.successor
        else "no successor is registered: find it on StatLine and add it to sources/registry.py"
    )
    if loaded is not None:
        return Decision(
            False,
            f"CBS no longer serves {table.table_id} (HTTP 404; last loaded "
            f"{loaded.loaded_at:%Y-%m-%d}): its release {loaded.release_id} stays in the "
            f"warehouse; {follow}",
            notice=True,
        )
    if table.successor:
        return Decision(
            False,
            f"CBS does not serve {table.table_id} (HTTP 404) and nothing of it was ever loaded; "
            f"{follow}",
            notice=True,
        )
    raise CbsTableNotFoundError(
        f"{err} — nothing of {table.table_id} is loaded and no registered successor continues "
        "it; find it on StatLine and update sources/registry.py"
    ) from err


def _decision(
    table: CbsTable,
    source: SnapshotSource | StatLineClient,
    loaded: LoadedRelease | None,
    selection: str,
    refresh: str,
) -> tuple[Decision, str | None]:
    """The decision for one table (and the release CBS offers), for the plan and the run alike."""
    try:
        offered = source.release_hint(table)
    except CbsTableNotFoundError as err:
        return not_served(table, loaded, err), None
    decision = decide(loaded, offered, selection, refresh)
    note = lifecycle_note(table, source.table_info(table.table_id))
    if note:
        decision = Decision(decision.load, f"{decision.reason}; {note}", notice=True)
    return decision, offered


def with_periodic_check(settings: Settings, today: dt.date) -> Settings:
    """A plain run on the configured day (`full_check_day`) downloads every table and compares
    its content with the loaded one: CBS can correct figures without a new `Modified`, which
    the release hint alone would never notice. Live CBS only: the snapshot's release already
    is a checksum of its content (sources/snapshot.py), so a check would rebuild the warehouse
    to learn nothing."""
    day = settings.full_check_day
    due = day == "daily" or (day in WEEKDAYS and WEEKDAYS.index(day) == today.weekday())
    if settings.source == "live" and settings.refresh == "changed" and due:
        return replace(settings, refresh="check")
    return settings


def scope_for(settings: Settings, gebieden_rows: list[dict]) -> RegionScope:
    """The region scope of a run, from today's Gebieden in Nederland table."""
    return resolve_scope(settings.scope, membership_from_gebieden(gebieden_rows))


@dataclass
class RefreshPlan:
    published: bool
    tables: dict[str, Decision] = field(default_factory=dict)
    custom_changed: list[str] = field(default_factory=list)
    code_changed: bool = False
    # Why the published file itself must be replaced (damaged or missing), if it must.
    repair: str | None = None
    # What is missing or damaged beside a sound published file (checksum, last good copy).
    safety_net: str | None = None

    @property
    def nothing_new(self) -> bool:
        return (
            self.published
            and self.repair is None
            and self.safety_net is None
            and not self.code_changed
            and not self.custom_changed
            and not any(d.load for d in self.tables.values())
        )

    def summary(self) -> list[str]:
        if not self.published:
            return [self.repair or "no published warehouse yet: everything is loaded"]
        lines = [self.repair] if self.repair else []
        if self.safety_net:
            lines.append(f"safety net: {self.safety_net}; this run makes it again")
        lines += [f"{t}: {d.reason}" for t, d in sorted(self.tables.items()) if d.load]
        lines += [f"custom files changed: {s}" for s in self.custom_changed]
        if self.code_changed:
            lines.append("the dbt project changed since the last publication")
        notices = [
            f"{t}: {d.reason}" for t, d in sorted(self.tables.items()) if d.notice and not d.load
        ]
        return (
            lines
            or [
                f"nothing new: all {len(self.tables)} CBS tables, the custom files and the code "
                "are as published"
            ]
        ) + notices


def _repair(published: Path, origin: Path | None, fresh_history: bool) -> str | None:
    """Why the published file must be replaced although nothing else may be new."""
    if origin == published:
        return None
    distrusted = distrust(published)
    what = (
        f"the published warehouse {published} is damaged ({distrusted})"
        if distrusted and damage(published)
        else f"the published warehouse {published} cannot be trusted: {distrusted}"
        if distrusted
        else f"the published warehouse {published} is missing"
    )
    if origin is None:
        return f"{what} and no last good copy can be trusted: " + (
            "everything is loaded anew and a new value history starts (accepted for this run)"
            if fresh_history
            else "the value history cannot be carried over, and the run stops unless a new "
            "history is accepted (--accept-fresh-history)"
        )
    return f"{what}: it is rebuilt from the last good publication ({origin}), history included"


def plan_refresh(settings: Settings) -> RefreshPlan:
    """Compare what the source offers now with what the published warehouse holds."""
    published: Path = settings.warehouse_path
    source = cbs_source(settings)
    # First: a focus province that is no province (UnknownRegionError) stops every run.
    scope = scope_for(settings, source.fetch(REGISTRY[CURRENT_REGION_TABLE], None).data)
    origin = trusted_publication(published)
    ever_published = published.exists() or last_good_path(published).exists()
    repair = _repair(published, origin, settings.accept_fresh_history) if ever_published else None
    if origin is None:
        return RefreshPlan(published=False, repair=repair)
    with reading(origin) as con:
        held = warehouse_inputs(con)
        loaded = loaded_releases(con)
        plan = RefreshPlan(
            published=True,
            code_changed=held["code"] != code_fingerprint(settings),
            repair=repair,
            safety_net=safety_net_damage(published),
        )
        for table in REGISTRY.values():
            plan.tables[table.table_id], _ = _decision(
                table,
                source,
                loaded.get(table.table_id),
                selection_fingerprint(table, scope),
                settings.refresh,
            )
    for source_id, custom in CUSTOM_SOURCES.items():
        offered = sorted(
            (source_id, r.release_id, r.sha256) for r in releases(custom, settings.custom_dir)
        )
        if offered != sorted(r for r in held["custom"] if r[0] == source_id):
            plan.custom_changed.append(source_id)
    return plan


def refresh_table(
    table: CbsTable,
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SnapshotSource | StatLineClient,
    scope: RegionScope,
) -> Decision:
    """Load a table's release into the build (`con`) unless the build already holds it.

    A release whose columns differ from the loaded one (a measure or dimension added, renamed
    or dropped by CBS) fails here, naming table and columns, unless accepted for this run.
    """
    selection = selection_fingerprint(table, scope)
    loaded = loaded_release(con, table.table_id)
    previous_columns = loaded_columns(con, table.table_id, source.mode)
    decision, offered = _decision(table, source, loaded, selection, settings.refresh)
    if not decision.load:
        if loaded is None:  # not served, never loaded: the successor continues the series
            create_unloaded_raw_table(con, table)
        return decision
    data = source.fetch(table, scope)
    content = content_fingerprint(data)
    release_id = release_id_for(offered, loaded, content)
    same = loaded and (loaded.release_id, loaded.selection, loaded.content) == (
        release_id,
        selection,
        content,
    )
    if same and settings.refresh != "all":
        return Decision(
            False, f"downloaded: same content as the loaded release {release_id}", decision.notice
        )
    change = previous_columns and schema_changes(
        table, previous_columns, {p["Key"] for p in data.data_properties}
    )
    if change and table.table_id not in settings.accept_schema:
        raise CbsSchemaChangedError(change)
    load_raw_table(con, table, data, release_id, selection, content)
    return decision
