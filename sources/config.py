"""The one module that decides the environment: source mode, region scope and paths.

Everything else receives a `Settings`; nothing else reads environment variables or the
configuration file.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class InvalidSetting(ValueError):
    """A setting's value is not valid; `setting` is its key path in the file (("source",))."""

    def __init__(self, setting: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.setting = setting


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
    # The day a plain run on live CBS is a full check ("monday" … "sunday", "daily" or "never").
    full_check_day: str = "sunday"
    # Tables whose changed columns (new, renamed or dropped by CBS) the data team has reviewed.
    accept_schema: frozenset[str] = frozenset()
    # Indicators whose implausible changes the data team accepts for this run (lifecycle/
    # plausibility.py); "all" accepts every one.
    accept_changes: frozenset[str] = frozenset()
    # The data team accepts that this run starts a new value history, where the published one
    # cannot be carried over (lifecycle/build.py: HistoryNotCarriedError).
    accept_fresh_history: bool = False

    def __post_init__(self) -> None:
        if self.source not in ("snapshot", "live"):
            raise InvalidSetting(
                ("source",), f"source must be 'snapshot' or 'live', got {self.source!r}"
            )
        if self.refresh not in ("changed", "check", "all"):
            raise InvalidSetting(
                ("refresh",), f"refresh must be 'changed', 'check' or 'all', got {self.refresh!r}"
            )
        if self.full_check_day not in (*WEEKDAYS, "daily", "never"):
            raise InvalidSetting(
                ("full_check_day",),
                f"full_check_day must be a weekday (monday … sunday), 'daily' or 'never', "
                f"got {self.full_check_day!r}",
            )
        if self.warehouse_path.is_dir():  # publishing would rename a file over the folder
            raise InvalidSetting(
                ("warehouse",),
                f"warehouse {str(self.warehouse_path)!r} is a folder: name the warehouse file, "
                f"e.g. {str(self.warehouse_path / 'ontcijferd.duckdb')!r}",
            )
        host = (
            self.live.catalog_url.split(":")[0]
            if "[" not in self.live.catalog_url
            else self.live.catalog_url.split("]")[0] + "]"
        )
        if not self.live.use_https and host not in LOOPBACK_HOSTS:
            raise InvalidSetting(
                ("live", "use_https"),
                f"live.use_https may only be false for a local test server, not for "
                f"{self.live.catalog_url!r}: live mode talks HTTPS to CBS",
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


class ConfigFile(BaseModel):
    """What config/ontcijferd.yaml may hold: unknown keys are refused, and `region_scope` and
    `live` are checked against the types and bounds of ScopeConfig and LiveSettings."""

    model_config = ConfigDict(extra="forbid")

    source: str = "snapshot"
    warehouse: str = "warehouse/ontcijferd.duckdb"
    full_check_day: str = "sunday"
    region_scope: ScopeConfig = Field(default_factory=ScopeConfig)
    live: LiveSettings = Field(default_factory=LiveSettings)


# Each environment variable stands for one setting of the file (key path) ...
FILE_VARIABLES = {
    "ONTCIJFERD_SOURCE": ("source",),
    "ONTCIJFERD_WAREHOUSE": ("warehouse",),
    "ONTCIJFERD_FULL_CHECK_DAY": ("full_check_day",),
    "ONTCIJFERD_FOCUS_PROVINCE": ("region_scope", "focus_province"),
    "ONTCIJFERD_GEMEENTEN": ("region_scope", "gemeenten"),
    "ONTCIJFERD_COROP": ("region_scope", "corop"),
}
# ... or is read as it is: another configuration file, folders, and what `ontcijferd run`'s
# options set for its run; ONTCIJFERD_DBT_WAREHOUSE is read by dbt_project/profiles.yml, and
# ONTCIJFERD_TEST_* by the kill tests' hook (tests/e2e/hooks/).
OTHER_VARIABLES = (
    "ONTCIJFERD_CONFIG",
    "ONTCIJFERD_SNAPSHOT_DIR",
    "ONTCIJFERD_CUSTOM_DIR",
    "ONTCIJFERD_REFRESH",
    "ONTCIJFERD_ACCEPT_SCHEMA",
    "ONTCIJFERD_ACCEPT_CHANGES",
    "ONTCIJFERD_ACCEPT_FRESH_HISTORY",
    "ONTCIJFERD_DBT_WAREHOUSE",
    "ONTCIJFERD_TEST_PAUSE",
    "ONTCIJFERD_TEST_READY",
)
# The settings only a variable sets (no key in the file), for saying where a bad value came from.
ENV_ONLY = {("refresh",): "ONTCIJFERD_REFRESH"}


def _check_variables(env) -> None:
    known = [*FILE_VARIABLES, *OTHER_VARIABLES]
    for name in sorted(env):
        if name.startswith("ONTCIJFERD_") and name not in known:
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            raise ConfigError(
                f"unknown environment variable {name}"
                + (f" (did you mean {near[0]}?)" if near else "")
                + f"; known: {', '.join(known[:-3])}"
            )


def _read_file(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read the configuration {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not a text file (UTF-8): byte {err.start}") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(f"{path}{where}: invalid YAML ({problem})") from err
    if raw is None:
        raise ConfigError(f"{path}: the configuration is empty (see config/ontcijferd.yaml)")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected settings (key: value), got {raw!r}")
    return raw


def _known_keys(loc: tuple) -> list[str]:
    level = {
        (): list(ConfigFile.model_fields),
        ("region_scope",): [f.name for f in dataclasses.fields(ScopeConfig)],
        ("live",): [f.name for f in dataclasses.fields(LiveSettings)],
    }
    return level.get(tuple(loc), [])


def _invalid(err: ValidationError, path: Path, from_env: dict[tuple, str]) -> ConfigError:
    """The first problem pydantic found, as one line naming the setting (or variable)."""
    first, more = err.errors()[0], len(err.errors()) - 1
    loc = tuple(str(p) for p in first["loc"])
    setting = ".".join(loc)
    where = from_env.get(loc, f"{path}: {setting}")
    if isinstance(first["input"], dict):  # a check across a section: its message names the key
        variables = [v for key, v in from_env.items() if key[: len(loc)] == loc]
        where = f"{path}" + (f" (or {', '.join(variables)})" if variables else "")
    if first["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        near = difflib.get_close_matches(loc[-1], _known_keys(loc[:-1]), n=1, cutoff=0.5)
        text = f"{path}: unknown setting {setting!r}" + (
            f" (did you mean {'.'.join([*loc[:-1], near[0]])!r}?)" if near else ""
        )
    else:
        message = first["msg"].removeprefix("Value error, ")
        got = "" if isinstance(first["input"], dict) else f" (got {first['input']!r})"
        text = f"{where}: {message}{got}"
    return ConfigError(text + (f" (and {more} more)" if more else ""))


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """The settings of the configuration file with the ONTCIJFERD_* variables over them."""
    env = os.environ if environ is None else environ
    _check_variables(env)
    config_path = _resolve(env.get("ONTCIJFERD_CONFIG", DEFAULT_CONFIG))
    raw = _read_file(config_path)
    from_env = {}
    for variable, key in FILE_VARIABLES.items():
        if variable in env:
            target = raw
            for part in key[:-1]:
                target = target.setdefault(part, {}) if isinstance(target, dict) else {}
            if isinstance(target, dict):
                target[key[-1]] = env[variable]
            from_env[key] = variable
    try:
        config = ConfigFile.model_validate(raw)
        return Settings(
            source=config.source,
            # A symlink is followed: the build, checksum and last good copy go beside the real
            # file, and publishing replaces it there (never the link by a regular file).
            warehouse_path=Path(os.path.realpath(_resolve(config.warehouse))),
            scope=config.region_scope,
            snapshot_dir=_resolve(env.get("ONTCIJFERD_SNAPSHOT_DIR", "sources/snapshot")),
            custom_dir=_resolve(env.get("ONTCIJFERD_CUSTOM_DIR", "sources/custom")),
            live=config.live,
            refresh=env.get("ONTCIJFERD_REFRESH", "changed"),
            full_check_day=config.full_check_day.lower(),
            accept_schema=_names(env.get("ONTCIJFERD_ACCEPT_SCHEMA", "")),
            accept_changes=_names(env.get("ONTCIJFERD_ACCEPT_CHANGES", "")),
            accept_fresh_history=env.get("ONTCIJFERD_ACCEPT_FRESH_HISTORY", "") == "yes",
        )
    except ValidationError as err:
        raise _invalid(err, config_path, from_env) from err
    except InvalidSetting as err:
        # Said where the value came from: the variable that set it, or else the file.
        where = from_env.get(err.setting) or ENV_ONLY.get(err.setting) or str(config_path)
        raise ConfigError(f"{where}: {err}") from err
    except ValueError as err:  # e.g. a path with a NUL character
        raise ConfigError(f"{config_path} (or an ONTCIJFERD_* variable): {err}") from err


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
