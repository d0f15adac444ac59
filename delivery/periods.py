"""Periods as the warehouse writes them — a year (2015), a half year (2015H1), a quarter
(2015Q2) or a month (2015M03) — read from what people type and compared by the months they
cover: as text, '2024Q1' sorts after '2024H2'."""

from __future__ import annotations

import re

import pandas as pd

PERIOD = re.compile(r"([0-9]{4})(H[12]|Q[1-4]|M(?:0[1-9]|1[0-2]))?")


def written(typed: str) -> str | None:
    """`typed` as the warehouse writes the period, in any case and with a quarter also as
    2015K2 (kwartaal); None where it is not a period."""
    period = re.sub(r"K(?=[1-4]$)", "Q", typed.strip().upper())
    return period if PERIOD.fullmatch(period) else None


def months(period: str) -> tuple[int, int]:
    """The first and last month a period covers, as year * 12 + month (2020H2: July–December)."""
    year, part = PERIOD.fullmatch(period).groups()
    first, last = {
        None: (1, 12),
        "H1": (1, 6),
        "H2": (7, 12),
        **{f"Q{q}": (3 * q - 2, 3 * q) for q in range(1, 5)},
        **{f"M{m:02d}": (m, m) for m in range(1, 13)},
    }[part]
    return int(year) * 12 + first, int(year) * 12 + last


def within(periods: pd.Series, period_from: str | None, period_to: str | None) -> pd.Series:
    """Which periods lie wholly within `period_from` … `period_to`: --to 2023 keeps 2023H2 and
    2023Q4; --from 2024H2 keeps 2024Q3 but not the year 2024, which starts before."""
    start = months(period_from)[0] if period_from else None
    end = months(period_to)[1] if period_to else None
    kept = [
        (start is None or first >= start) and (end is None or last <= end)
        for first, last in map(months, periods)
    ]
    # a boolean mask even when empty (an empty object Series would select columns)
    return pd.Series(kept, index=periods.index, dtype=bool)
