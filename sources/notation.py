"""Dutch number notation — 1.189.033; 10,5 — the one place.

On the lowest floor so that the plausibility gate's messages (lifecycle) and every page, chart
and file researchers read (delivery/formatting.py, which adds units and precision) write numbers
the same way: a check that guards against misread notation must not itself use another.
"""

from __future__ import annotations


def missing(value) -> bool:
    """None, NaN or pandas' NA (whose comparison cannot be made true or false)."""
    try:
        return value is None or bool(value != value)
    except TypeError:
        return True


def number(value: float | None, decimals: int = 0) -> str:
    """1189033 → '1.189.033'; 10.49 with 1 decimal → '10,5'; missing → '–'."""
    if missing(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
