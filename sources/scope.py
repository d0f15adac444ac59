"""Region scope: which regions the warehouse holds, resolved from "Gebieden in Nederland".

The scope is configuration (see `config/ontcijferd.yaml`): a focus province with its COROP
regions and gemeenten, plus the comparison regions Nederland, the landsdelen and all provinces.
Switching to another province, or to every gemeente of Nederland, changes only that file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict

Coverage = Literal["focus_province", "all"]

NEDERLAND = "NL01"


@dataclass(frozen=True)
class ScopeConfig:
    __pydantic_config__ = ConfigDict(extra="forbid")  # config/ontcijferd.yaml: no unknown keys

    focus_province: str = "PV23"
    corop: Coverage = "focus_province"
    gemeenten: Coverage = "focus_province"

    def __post_init__(self) -> None:
        if not (self.focus_province.startswith("PV") and len(self.focus_province) == 4):
            raise ValueError(
                f"region_scope.focus_province must be a CBS province code like 'PV23', "
                f"got {self.focus_province!r}"
            )
        for name in ("corop", "gemeenten"):
            if getattr(self, name) not in ("focus_province", "all"):
                raise ValueError(
                    f"region_scope.{name} must be 'focus_province' or 'all', "
                    f"got {getattr(self, name)!r}"
                )


@dataclass(frozen=True)
class GemeenteMembership:
    gemeente: str
    corop: str
    landsdeel: str
    provincie: str


@dataclass(frozen=True)
class RegionScope:
    """The resolved scope: every region code (trimmed) the warehouse keeps."""

    config: ScopeConfig
    codes: frozenset[str]
    # The focus province and Nederland, its comparison: the regions of detail slices.
    focus_codes: frozenset[str]

    @property
    def whole_levels(self) -> tuple[str, ...]:
        """Code prefixes of the levels kept completely, e.g. `("GM",)` for every gemeente."""
        levels = {"GM": self.config.gemeenten, "CR": self.config.corop}
        return tuple(prefix for prefix, coverage in levels.items() if coverage == "all")

    def contains(self, code: str) -> bool:
        return code.strip() in self.codes


class UnknownRegionError(ValueError):
    """The configured focus province is not a province of today's region table."""


def resolve_scope(config: ScopeConfig, membership: Iterable[GemeenteMembership]) -> RegionScope:
    members = list(membership)
    provinces = {m.provincie for m in members}
    if config.focus_province not in provinces:
        raise UnknownRegionError(
            f"Focus province {config.focus_province!r} does not occur in the region table "
            f"(known: {', '.join(sorted(provinces))})"
        )
    in_focus = [m for m in members if m.provincie == config.focus_province]
    corops = {m.corop for m in (members if config.corop == "all" else in_focus)}
    gemeenten = {m.gemeente for m in (members if config.gemeenten == "all" else in_focus)}
    landsdelen = {m.landsdeel for m in members}
    codes = frozenset({NEDERLAND} | landsdelen | provinces | corops | gemeenten)
    return RegionScope(
        config=config, codes=codes, focus_codes=frozenset({config.focus_province, NEDERLAND})
    )


def membership_from_gebieden(rows: Iterable[Mapping[str, object]]) -> list[GemeenteMembership]:
    """Read gemeente → COROP / landsdeel / provincie from a "Gebieden in Nederland" data set."""
    result = []
    for row in rows:
        result.append(
            GemeenteMembership(
                gemeente=str(row["Code_1"]).strip(),
                corop=str(row["Code_10"]).strip(),
                landsdeel=str(row["Code_26"]).strip(),
                provincie=str(row["Code_28"]).strip(),
            )
        )
    return result


def odata_code_parts(dimension: str, codes: Iterable[str]) -> list[str]:
    """One OData test per code, matching it whatever CBS's right-padding of the key.

    CBS keys are right-padded (`'PV23  '`, `'3000   '`) while totals such as `'T001038'` are
    not; an exact match without the padding silently returns nothing. `eq` catches the unpadded
    form and `startswith(key + ' ')` the padded one, without knowing the table's key width.
    """
    return [
        f"{dimension} eq '{code}' or startswith({dimension},'{code} ')" for code in sorted(codes)
    ]


def odata_code_clause(dimension: str, codes: Iterable[str]) -> str:
    """A clause matching any of the codes (`odata_code_parts` joined by `or`)."""
    return any_of(odata_code_parts(dimension, codes))


def odata_region_parts(
    dimension: str, codes: Iterable[str], whole_levels: Iterable[str]
) -> list[str]:
    """Like `odata_code_parts`, but a level kept completely (e.g. every `GM`) is one prefix test,
    so a national scope does not produce a URL with hundreds of gemeente codes."""
    whole = sorted(set(whole_levels))
    rest = [c for c in codes if c[:2] not in whole]
    return [f"startswith({dimension},'{level}')" for level in whole] + odata_code_parts(
        dimension, rest
    )


def any_of(parts: Iterable[str]) -> str:
    return "(" + " or ".join(parts) + ")"
