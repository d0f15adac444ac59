"""The one module that decides the environment: source mode, region scope and paths.

Everything else receives a `Settings`; nothing else reads environment variables or the
configuration file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sources.scope import ScopeConfig
from sources.snapshot import SnapshotSource
from sources.statline import LiveSettings, StatLineClient

REPO_ROOT = Path(__file__).resolve().parent.parent
# The dbt of this environment, whether or not its bin folder is on PATH.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
DEFAULT_CONFIG = REPO_ROOT / "config" / "ontcijferd.yaml"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(ValueError):
    """The configuration file or an ONTCIJFERD_* variable is not valid (one line for users)."""


@dataclass(frozen=True)
class Settings:
    source: str = "snapshot"
    warehouse_path: Path = REPO_ROOT / "warehouse" / "ontcijferd.duckdb"
    scope: ScopeConfig = field(default_factory=ScopeConfig)
    snapshot_dir: Path = REPO_ROOT / "sources" / "snapshot"
    custom_dir: Path = REPO_ROOT / "sources" / "custom"
    live: LiveSettings = field(default_factory=LiveSettings)
    # "changed": load only tables with a release the warehouse does not hold; "check": also
    # download the others and load those whose content changed (the periodic full check,
    # lifecycle/refresh.py); "all": reload all.
    refresh: str = "changed"
    # The day a plain run is a full check ("monday" … "sunday", "daily" or "never").
    full_check_day: str = "sunday"
    # Tables whose changed columns (new, renamed or dropped by CBS) the data team has reviewed.
    accept_schema: frozenset[str] = frozenset()
    # Indicators whose implausible changes the data team accepts for this run (lifecycle/
    # plausibility.py); "all" accepts every one.
    accept_changes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.source not in ("snapshot", "live"):
            raise ValueError(f"source must be 'snapshot' or 'live', got {self.source!r}")
        if self.refresh not in ("changed", "check", "all"):
            raise ValueError(f"refresh must be 'changed', 'check' or 'all', got {self.refresh!r}")
        if self.full_check_day not in (*WEEKDAYS, "daily", "never"):
            raise ValueError(
                f"full_check_day must be a weekday (monday … sunday), 'daily' or 'never', "
                f"got {self.full_check_day!r}"
            )
        host = (
            self.live.catalog_url.split(":")[0]
            if "[" not in self.live.catalog_url
            else self.live.catalog_url.split("]")[0] + "]"
        )
        if not self.live.use_https and host not in LOOPBACK_HOSTS:
            raise ValueError(
                f"live.use_https may only be false for a local test server, not for "
                f"{self.live.catalog_url!r}: live mode talks HTTPS to CBS"
            )

    @property
    def build_dir(self) -> Path:
        """Where a run builds the next warehouse before publishing it by atomic rename."""
        return self.warehouse_path.parent / ".build"

    @property
    def build_file(self) -> Path:
        """The warehouse file a run writes (and dbt builds in) before publishing."""
        return self.build_dir / "next.duckdb"

    @property
    def quality_file(self) -> Path:
        """The Great Expectations results of the last run, beside the published warehouse."""
        return self.warehouse_path.parent / "datakwaliteit.json"


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


def _names(listed: str) -> frozenset[str]:
    return frozenset(name.strip() for name in listed.split(",") if name.strip())


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    config_path = _resolve(env.get("ONTCIJFERD_CONFIG", DEFAULT_CONFIG))
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except OSError as err:
        raise ConfigError(f"cannot read the configuration {config_path}: {err.strerror}") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(f"{config_path}{where}: invalid YAML ({problem})") from err
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_path}: expected settings (key: value), got {raw!r}")
    try:
        return _settings(env, raw)
    except (TypeError, ValueError) as err:
        raise ConfigError(
            f"{config_path} (or an ONTCIJFERD_* environment variable): {err}"
        ) from err


def _settings(env, raw: dict) -> Settings:
    scope_raw = dict(raw.get("region_scope") or {})
    for key in ("focus_province", "gemeenten", "corop"):
        if f"ONTCIJFERD_{key.upper()}" in env:
            scope_raw[key] = env[f"ONTCIJFERD_{key.upper()}"]
    live = LiveSettings(**(raw.get("live") or {}))
    settings = Settings(
        source=env.get("ONTCIJFERD_SOURCE", raw.get("source", "snapshot")),
        warehouse_path=_resolve(
            env.get("ONTCIJFERD_WAREHOUSE", raw.get("warehouse", "warehouse/ontcijferd.duckdb"))
        ),
        scope=ScopeConfig(**scope_raw),
        snapshot_dir=_resolve(env.get("ONTCIJFERD_SNAPSHOT_DIR", "sources/snapshot")),
        custom_dir=_resolve(env.get("ONTCIJFERD_CUSTOM_DIR", "sources/custom")),
        live=live,
        refresh=env.get("ONTCIJFERD_REFRESH", "changed"),
        full_check_day=env.get(
            "ONTCIJFERD_FULL_CHECK_DAY", str(raw.get("full_check_day", "sunday"))
        ).lower(),
        accept_schema=_names(env.get("ONTCIJFERD_ACCEPT_SCHEMA", "")),
        accept_changes=_names(env.get("ONTCIJFERD_ACCEPT_CHANGES", "")),
    )
    return settings


def settings_to_json(settings: Settings) -> str:
    """The settings of one run as JSON: what the CLI and the schedule hand to the run they start
    (its run config), so the run uses exactly the settings its starter decided on."""

    def plain(value):
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, frozenset):
            return sorted(value)
        return value

    fields = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    return json.dumps(
        {
            name: dataclasses.asdict(value) if dataclasses.is_dataclass(value) else plain(value)
            for name, value in fields.items()
        },
        sort_keys=True,
    )


def settings_from_json(text: str) -> Settings:
    raw = json.loads(text)
    return Settings(
        **{
            **raw,
            "warehouse_path": Path(raw["warehouse_path"]),
            "snapshot_dir": Path(raw["snapshot_dir"]),
            "custom_dir": Path(raw["custom_dir"]),
            "scope": ScopeConfig(**raw["scope"]),
            "live": LiveSettings(**raw["live"]),
            "accept_schema": frozenset(raw["accept_schema"]),
            "accept_changes": frozenset(raw["accept_changes"]),
        }
    )


def cbs_source(settings: Settings) -> SnapshotSource | StatLineClient:
    """Where CBS tables come from in this run: the embedded snapshot or live StatLine."""
    if settings.source == "live":
        return StatLineClient(settings.live)
    return SnapshotSource(settings.snapshot_dir)
