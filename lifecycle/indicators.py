"""Every indicator, described once: `lifecycle/indicators.yaml` (what each field means is said
at the top of that file).

From these entries `ontcijferd prepare` generates the dbt side (lifecycle/dbt_registry.py): the
catalog seed (`seeds/generated/indicator_definitions.csv`) and the macros the union into
`marts.indicator_values`, the comparison of gemeenten and the identity tests read
(`macros/indicators.sql`: indicator_entries, count_units, kwb_themes, parts_add_up,
rounded_flows). Python reads the same entries: the units of counts (checks, plausibility, maps)
and what may be negative (Great Expectations).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

INDICATORS_FILE = Path(__file__).with_name("indicators.yaml")
KINDS = ("aantal", "totaal", "aandeel", "verandering", "index", "gemiddelde")
# Kinds that say more about a region's size than about the region: never compared between
# gemeenten, never negative unless the entry says so.
SIZE_KINDS = ("aantal", "totaal")
# What a figure is; the descriptions readers get are in dbt_project/seeds/_seeds.yml.
SOURCE_KINDS = ("cbs", "berekend", "referentie", "beleidsdoel", "prognose")
# The columns of the catalog seed, in order (marts.indicator_catalog adds the source tables,
# taken from the figures themselves).
CATALOG_COLUMNS = (
    "indicator_id",
    "title",
    "definition",
    "definitie",
    "unit",
    "decimalen",
    "theme",
    "source_kind",
    "peildatum",
    "method_notes",
    "toelichting",
)
# Optional SQL of an entry → the key the union (models/marts/indicator_values.sql) reads.
SQL_FIELDS = {
    "status_column": "status",
    "source_column": "source",
    "release_date_column": "release_date",
    "period_column": "period",
    "period_type_column": "period_type",
    "categorie_column": "categorie",
    "where": "where",
}


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    theme: str
    unit: str
    kind: str
    source_kind: str
    peildatum: str
    mart: str
    column: str
    definitie: str
    toelichting: str
    definition: str
    method_notes: str
    decimalen: int | None = None
    keep_nulls: bool = False
    can_be_negative: bool = False
    parts_add_up: bool | str = False  # True, or "rounded_flow" (CBS rounds to multiples of 5)
    status_column: str | None = None
    source_column: str | None = None
    release_date_column: str | None = None
    period_column: str | None = None
    period_type_column: str | None = None
    categorie_column: str | None = None
    where: str | None = None


class IndicatorFileError(ValueError):
    """lifecycle/indicators.yaml holds an entry that cannot be used."""


def load(path: Path = INDICATORS_FILE) -> dict[str, Indicator]:
    """The entries of an indicators file by id; an entry with an unknown field, a missing one,
    an unknown kind or a repeated id is refused with its id named."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicators: dict[str, Indicator] = {}
    for entry in entries:
        name = entry.get("id", "?")
        try:
            indicator = Indicator(**entry)
        except TypeError as err:
            raise IndicatorFileError(f"{path.name}: indicator {name}: {err}") from None
        if indicator.kind not in KINDS:
            raise IndicatorFileError(
                f"{path.name}: indicator {name}: kind {indicator.kind!r}, not one of {KINDS}"
            )
        if indicator.source_kind not in SOURCE_KINDS:
            raise IndicatorFileError(
                f"{path.name}: indicator {name}: source_kind {indicator.source_kind!r}, "
                f"not one of {SOURCE_KINDS}"
            )
        if name in indicators:
            raise IndicatorFileError(f"{path.name}: indicator {name} is described twice")
        indicators[name] = indicator
    return indicators


@functools.cache
def indicators() -> dict[str, Indicator]:
    return load()


def count_units() -> tuple[str, ...]:
    """The units of counts and totals (kinds aantal, totaal)."""
    return tuple(sorted({i.unit for i in indicators().values() if i.kind in SIZE_KINDS}))


def signed(kind_units: tuple[str, ...]) -> tuple[str, ...]:
    """The indicators in `kind_units` that can be negative (changes, the shortage proxy)."""
    return tuple(
        sorted(i.id for i in indicators().values() if i.can_be_negative and i.unit in kind_units)
    )


# --- the dbt side, written by `ontcijferd prepare` -------------------------------------------


def catalog_csv(entries: dict[str, Indicator] | None = None) -> str:
    """The catalog seed: one row per indicator."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CATALOG_COLUMNS)
    for i in (entries or indicators()).values():
        writer.writerow(
            [
                i.id,
                i.title,
                i.definition,
                i.definitie,
                i.unit,
                "" if i.decimalen is None else i.decimalen,
                i.theme,
                i.source_kind,
                i.peildatum,
                i.method_notes,
                i.toelichting,
            ]
        )
    return out.getvalue()


def _jinja_list(values) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def dbt_macros(entries: dict[str, Indicator] | None = None) -> str:
    """The macros the dbt project reads the entries through."""
    entries = entries or indicators()
    union = []
    for i in entries.values():
        entry = {"id": i.id, "model": i.mart, "value": i.column}
        entry.update(
            {key: getattr(i, field) for field, key in SQL_FIELDS.items() if getattr(i, field)}
        )
        if i.keep_nulls:
            entry["nulls"] = True
        union.append(entry)
    sizes = sorted({i.unit for i in entries.values() if i.kind in SIZE_KINDS})
    kwb = [i.id for i in entries.values() if i.mart == "kerncijfers_gemeenten"]
    additive = [i.id for i in entries.values() if i.parts_add_up]
    rounded = [i.id for i in entries.values() if i.parts_add_up == "rounded_flow"]
    macros = {
        "indicator_entries": (
            "Every indicator: the mart and column it comes from, and the SQL "
            "naming its status, source, period or categorie where the mart's "
            "own columns do not",
            union,
        ),
        "count_units": ("Units of counts and totals: never compared between gemeenten", sizes),
        "kwb_themes": (
            "The gemeente themes of Kerncijfers wijken en buurten: staging columns "
            "of stg_cbs__kwb and row kinds of marts.kerncijfers_gemeenten",
            kwb,
        ),
        "parts_add_up": (
            "Indicators whose gemeenten add up to their COROP region, woondeal region and province",
            additive,
        ),
        "rounded_flows": ("Of those, CBS's flows rounded to multiples of 5", rounded),
    }
    text = [
        "{#- Generated from lifecycle/indicators.yaml by `ontcijferd prepare` "
        "(lifecycle/indicators.py); do not edit. -#}\n"
    ]
    for name, (why, values) in macros.items():
        text.append(
            f"\n{{#- {why}. -#}}\n{{% macro {name}() -%}}\n"
            f"    {{{{ return({_jinja_list(values)}) }}}}\n{{%- endmacro %}}\n"
        )
    return "".join(text)
