"""Plausibility of change: what a run would publish, compared with what is published now.

Every check elsewhere asks whether a figure can be true (a share between 0 and 100, parts that
sum to the whole). This one asks whether the *change* is believable: a release in which someone
typed `25.119` for 25,119 passes every range and identity, yet Overijssel's export falls by
99.9 %. Two rules, with their thresholds here and nowhere else:

- a **revision** of a published value (same indicator, region, category and period) beyond what
  CBS revisions do;
- a **new period** whose change from the period before is far outside the series' own history
  of changes;
- a published value **gone** from the build, unless CBS withdrew the indicator's whole period or
  whole region (then it is listed, not blocked);
- a **systematic shift**: most of an indicator's values revised in one direction by more than
  CBS's revisions move a whole indicator, even when each revision alone is within bounds;
- **drift**: revisions that each stay within bounds but together move a value beyond them,
  counted from its baseline — the value first published, or the value published when the data
  team last accepted a change of that indicator (`meta.publication.accepted_changes`).

An implausible change blocks publication (a blocking Dagster check on marts.indicator_values)
until the data team accepts it for that run: `ontcijferd run --accept-change <indicator>`.
The same comparison gives the run summary its list of revised values and new periods.
No Dagster imports.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from lifecycle.build import reading
from lifecycle.expectations import COUNT_UNITS
from lifecycle.releases import has_column, has_table
from sources.notation import missing, number

# Revisions. CBS revises provisional figures by a few per cent at most (population well under
# 1 %, the housing stock and export a few per cent; StatLine's largest regular revisions are of
# youth-care percentages, by tenths of a point). A fifth is far beyond that and still well
# short of the typing and unit errors that matter (a factor 1,000 or 1,000,000, a doubled file).
REVISION_RELATIVE = 0.20
# Percentages move in points, not relative to themselves: 5 points is ten times CBS's usual
# revision of a youth-care or income share.
REVISION_POINTS = 5.0
# Small counts (demolitions in a small gemeente: 3 → 10) swing by large fractions for real;
# a count must also move by at least this many units to be implausible.
COUNT_FLOOR = 100.0
# New periods. A change more than this many times the largest change the series has had between
# earlier periods — and beyond the revision thresholds above — is implausible; a series needs
# this many earlier changes before its history says anything.
JUMP_FACTOR = 3.0
MIN_HISTORY = 3
# Systematic shifts. CBS's revisions of a whole indicator (provisional → definitive) move it by
# tenths of a point (youth-care shares: 12.2 → 12.5) or well under 1 % (population): at least
# SHIFT_MIN_VALUES revisions, covering at least SHIFT_SHARE of the indicator's values, nearly all
# (SHIFT_SAME_DIRECTION) one way, with a median step beyond a point or 2 %, is a changed method,
# base or unit — or an error — that someone must look at.
SHIFT_MIN_VALUES = 20
SHIFT_SHARE = 0.5
SHIFT_SAME_DIRECTION = 0.9
SHIFT_POINTS = 1.0
SHIFT_RELATIVE = 0.02

KEY = ["indicator_id", "region_code", "categorie", "period_type"]
SHOWN = 10  # implausible changes named in a message; the rest are counted


@dataclass(frozen=True)
class Change:
    kind: str  # "revision" or "new period"
    indicator_id: str
    region_code: str
    region_name: str
    categorie: str | None
    period: str
    old_value: float | None
    new_value: float | None
    unit: str
    implausible: bool
    why: str

    def describe(self) -> str:
        what = f"{self.indicator_id} {self.region_code} ({self.region_name})"
        if self.categorie:
            what += f" {self.categorie}"
        return f"{what} {self.period}: {_number(self.old_value)} → {_number(self.new_value)}" + (
            f" {self.unit}" if self.unit else ""
        )


@dataclass(frozen=True)
class ChangeReport:
    revisions: list[Change]
    new_periods: list[Change]
    gone: list[Change] = field(default_factory=list)

    def implausible(self, accepted: Iterable[str] = ()) -> list[Change]:
        accepted = set(accepted)
        return [
            c
            for c in [*self.revisions, *self.gone, *self.new_periods]
            if c.implausible and c.indicator_id not in accepted and "all" not in accepted
        ]

    def blocking_message(self, accepted: Iterable[str] = ()) -> str | None:
        changes = self.implausible(accepted)
        if not changes:
            return None
        shown = "; ".join(f"{c.kind} {c.describe()} ({c.why})" for c in changes[:SHOWN])
        more = f"; and {len(changes) - SHOWN} more" if len(changes) > SHOWN else ""
        ids = " ".join(sorted({c.indicator_id for c in changes}))
        return (
            f"{len(changes)} implausible change(s) not published: {shown}{more}. Check the "
            f"source; if the figures are right, accept them with "
            f"`ontcijferd run --accept-change {ids}`"
        )

    def summary(self, largest: int = 5) -> list[str]:
        """The run summary's lines: revised values (the largest few) and new periods."""
        lines = [f"values revised since the last publication: {len(self.revisions)}"]
        ranked = sorted(self.revisions, key=_size, reverse=True)
        lines += [f"  {c.describe()}" for c in ranked[:largest]]
        if self.gone:
            lines.append(f"published values gone from the warehouse: {len(self.gone)}")
            lines += [f"  {c.describe()} ({c.why or 'withdrawn'})" for c in self.gone[:largest]]
        periods = sorted({c.period for c in self.new_periods})
        indicators = sorted({c.indicator_id for c in self.new_periods})
        lines.append(
            f"new periods: {len(self.new_periods)} values"
            + (
                f" ({', '.join(periods[:6])}{' …' if len(periods) > 6 else ''}) in "
                f"{len(indicators)} indicator(s)"
                if self.new_periods
                else ""
            )
        )
        return lines


def _number(value: float | None) -> str:
    """A value in Dutch notation, as researchers read it (25.119; 25,12); empty: 'leeg'."""
    if missing(value):
        return "leeg"
    if abs(value) >= 1000:
        return number(value)
    text = number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _signed(value: float, decimals: int) -> str:
    return ("+" if value > 0 else "-" if value < 0 else "±") + number(abs(value), decimals)


def _size(change: Change) -> float:
    old, new = change.old_value, change.new_value
    if old is None or new is None or pd.isna(old) or pd.isna(new):
        return float("inf")
    if change.unit == "%":
        return abs(new - old) / 100
    return abs(new - old) / max(abs(old), 1e-9)


def _beyond_threshold(unit: str, old: float, new: float) -> str | None:
    """Why a move from `old` to `new` is beyond what a revision can be, else None."""
    if unit == "%":
        points = abs(new - old)
        return (
            f"{number(points, 1)} points; more than {number(REVISION_POINTS)} is implausible"
            if (points > REVISION_POINTS)
            else None
        )
    if unit in COUNT_UNITS and abs(new - old) < COUNT_FLOOR:
        return None
    if old == 0:
        return None if new == 0 else "from zero"
    relative = (new - old) / abs(old)
    if abs(relative) > REVISION_RELATIVE:
        return (
            f"{_signed(100 * relative, 1)} %; more than ±{number(100 * REVISION_RELATIVE)} % is "
            "implausible"
        )
    return None


def _change(unit: str, old: float, new: float) -> float | None:
    """A step in a series: points for percentages, relative otherwise."""
    if unit == "%":
        return new - old
    return None if old == 0 else (new - old) / abs(old)


def _values(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rows of marts.indicator_values in a fixed order: DuckDB scans in parallel, and the
    run's message lists changes in the order they are found (the same build, the same line).
    Text as Python strings: the comparison walks the rows, and pandas' Arrow-backed strings
    cost a conversion per cell on every walk (~1 s a run)."""
    frame = con.execute(
        "select indicator_id, region_code, region_name, categorie, period, period_type, value, "
        "unit from marts.indicator_values "
        "order by indicator_id, region_code, categorie nulls first, period_type, period"
    ).df()
    return frame.astype({column: object for column in frame.columns if column != "value"})


def compare(con: duckdb.DuckDBPyConnection, published: Path | None) -> ChangeReport:
    """The build's marts.indicator_values (on `con`) against the publication at `published`."""
    if published is None:
        return ChangeReport([], [])
    with reading(published) as before:
        old = _values(before)
        baselines = _baselines(before)
    new = _values(con)
    for frame in (old, new):
        frame["categorie"] = frame["categorie"].fillna("")
    joined = new.merge(
        old[[*KEY, "period", "value"]],
        on=[*KEY, "period"],
        how="left",
        suffixes=("", "_old"),
        indicator=True,
    )
    revisions = []
    for row in joined[joined["_merge"] == "both"].itertuples():
        old_value, new_value = row.value_old, row.value
        if pd.isna(old_value) and pd.isna(new_value) or old_value == new_value:
            continue
        why = (
            "a published value is now empty"
            if pd.isna(new_value)
            else None
            if pd.isna(old_value)
            else _beyond_threshold(row.unit, old_value, new_value)
            or _drift(row.unit, baselines.get(_key(row)), new_value)
        )
        revisions.append(_as_change("revision", row, old_value, new_value, why))
    compared = joined[(joined["_merge"] == "both") & joined["value_old"].notna()]
    revisions = _shifted(revisions, compared.groupby("indicator_id").size().to_dict())
    gone = _gone(old, new)
    held_periods = old.groupby(KEY)["period"].agg(set).to_dict()
    new_periods = []
    # Each series (indicator, region, category, period type) in period order, as `_values`
    # orders the rows — walked in one pass: a loop over pandas' groups costs ~1 ms a series.
    current = None
    for row in new.itertuples():
        key = (row.indicator_id, row.region_code, row.categorie, row.period_type)
        if key != current:
            current, history, previous = key, [], None
            held = held_periods.get(key)
        if held is None:
            continue  # a new series (a new indicator or region): no history to judge it by
        step = (
            None
            if previous is None or pd.isna(previous) or pd.isna(row.value)
            else _change(row.unit, previous, row.value)
        )
        if row.period not in held:
            why = None
            if step is not None and len(history) >= MIN_HISTORY:
                largest = max(abs(h) for h in history)
                if abs(step) > JUMP_FACTOR * largest and _beyond_threshold(
                    row.unit, previous, row.value
                ):
                    why = (
                        f"change {_step_text(row.unit, step)} against at most "
                        f"{_step_text(row.unit, largest)} between earlier periods"
                    )
            new_periods.append(_as_change("new period", row, previous, row.value, why))
        elif step is not None:
            history.append(step)
        previous = row.value
    return ChangeReport(revisions, new_periods, gone)


def _key(row) -> tuple:
    return (row.indicator_id, row.region_code, row.categorie, row.period_type, row.period)


def _baselines(con: duckdb.DuckDBPyConnection) -> dict[tuple, float]:
    """Per published value, the value drift is measured from: the value as published when the
    data team last accepted a change of its indicator, else the first value published."""
    if not has_table(con, "marts", "indicator_value_history"):
        return {}
    accepted: dict[str, pd.Timestamp] = {}
    if has_column(con, "meta", "publication", "accepted_changes"):
        for names, published_at in con.execute(
            "select accepted_changes, published_at from meta.publication "
            "where accepted_changes <> ''"
        ).fetchall():
            for name in names.split(","):
                accepted[name] = max(accepted.get(name, published_at), published_at)
    history = con.execute(
        "select indicator_id, region_code, coalesce(categorie, '') as categorie, period_type, "
        "period, value, recorded_at from marts.indicator_value_history "
        "where value is not null order by recorded_at"
    ).df()
    accepted_at = history["indicator_id"].map(
        lambda i: max((accepted[k] for k in (i, "all") if k in accepted), default=pd.NaT)
    )
    up_to_acceptance = history[accepted_at.notna() & (history["recorded_at"] <= accepted_at)]
    keys = [*KEY, "period"]
    return {
        **history.groupby(keys)["value"].first().to_dict(),
        **up_to_acceptance.groupby(keys)["value"].last().to_dict(),
    }


def _drift(unit: str, baseline: float | None, new: float) -> str | None:
    """Why `new` has drifted beyond what revisions can do from its `baseline`, else None."""
    if baseline is None or pd.isna(baseline):
        return None
    beyond = _beyond_threshold(unit, baseline, new)
    if beyond is None:
        return None
    return f"drift: {_number(baseline)} when first published or last accepted; {beyond}"


def _shifted(revisions: list[Change], compared: dict[str, int]) -> list[Change]:
    """The revisions, those of an indicator shifted as a whole marked implausible."""
    steps: dict[str, list[float]] = {}
    for c in revisions:
        if c.old_value is not None and c.new_value is not None:
            step = _change(c.unit, c.old_value, c.new_value)
            if step is not None:
                steps.setdefault(c.indicator_id, []).append(step)
    why: dict[str, str] = {}
    for indicator, moves in steps.items():
        if len(moves) < max(SHIFT_MIN_VALUES, SHIFT_SHARE * compared.get(indicator, 0)):
            continue
        up, down = sum(m > 0 for m in moves), sum(m < 0 for m in moves)
        median = statistics.median(abs(m) for m in moves)
        unit = next(c.unit for c in revisions if c.indicator_id == indicator)
        limit = SHIFT_POINTS if unit == "%" else SHIFT_RELATIVE
        if max(up, down) >= SHIFT_SAME_DIRECTION * len(moves) and median > limit:
            direction = "up" if up > down else "down"
            why[indicator] = (
                f"systematic shift: {max(up, down)} of {compared[indicator]} values {direction}, "
                f"median {_step_text(unit, median if up > down else -median)}"
            )
    return [
        replace(c, implausible=True, why=why[c.indicator_id])
        if c.indicator_id in why and not c.implausible
        else c
        for c in revisions
    ]


def _gone(old: pd.DataFrame, new: pd.DataFrame) -> list[Change]:
    """Published values (not empty) that the build no longer has. Blocked unless the indicator
    has no figure at all left for that period or that region: then CBS withdrew the period or
    the region as a whole (or the scope changed), which is listed and published."""
    keys = [*KEY, "period"]
    missing = old[old["value"].notna()].merge(new[keys], on=keys, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"]
    periods_left = set(zip(new["indicator_id"], new["period"], strict=True))
    regions_left = set(zip(new["indicator_id"], new["region_code"], strict=True))
    changes = []
    for row in missing.itertuples():
        whole = (row.indicator_id, row.period) not in periods_left or (
            row.indicator_id,
            row.region_code,
        ) not in regions_left
        why = None if whole else "a published value is missing from the new build"
        changes.append(_as_change("gone", row, row.value, None, why))
    return changes


def _step_text(unit: str, step: float) -> str:
    return f"{_signed(step, 1)} points" if unit == "%" else f"{_signed(100 * step, 1)} %"


def _as_change(kind: str, row, old_value, new_value, why: str | None) -> Change:
    return Change(
        kind=kind,
        indicator_id=row.indicator_id,
        region_code=row.region_code,
        region_name=row.region_name,
        categorie=row.categorie or None,
        period=row.period,
        old_value=None if old_value is None or pd.isna(old_value) else float(old_value),
        new_value=None if pd.isna(new_value) else float(new_value),
        unit=row.unit or "",
        implausible=why is not None,
        why=why or "",
    )
