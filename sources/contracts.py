"""pandera contracts for the raw CBS tables, derived from the registry.

A contract states what CBS must deliver for a registered table: exactly the registered columns,
dimension keys in CBS's code formats, numeric measures, and one row per combination of keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa

from sources.registry import CbsTable

PERIOD_KEY = r"^\d{4}(JJ00|KW0[1-4]|MM(0[1-9]|1[0-2])|HJ0[12])$"
REGION_KEY = r"^(NL0[01]|LD0[1-4]|PV\d{2}|CR\d{2}|GM\d{4}|WK\d{6}|BU\d{8})\s*$"
CATEGORY_KEY = r"^[A-Za-z0-9]+\s*$"


def _one_width(keys: pd.Series) -> pd.Series:
    # CBS pads every key of a dimension to the same width ('PV23  ', 'GM0193'); a key of another
    # width means CBS changed its padding, and joins on the key would silently miss rows.
    widths = keys.str.len()
    return widths == widths.mode().iloc[0] if len(keys) else widths.astype(bool)


def raw_contract(
    table: CbsTable, categories: Mapping[str, set[str]] | None = None
) -> pa.DataFrameSchema:
    """The contract of a raw table; `categories` (per dimension the keys CBS lists in its
    category set) also makes every key a known category, padding included."""
    columns: dict[str, pa.Column] = {}
    titled = table.categories_by_title
    for dim in table.dimensions:
        if dim == table.region_dimension:
            pattern = REGION_KEY
        elif dim == table.period_dimension:
            pattern = PERIOD_KEY
        elif dim in titled:
            # Chosen by title: the snapshot's stand-in key is the title itself, padded to one
            # width as CBS pads keys (the key is not known offline); live mode delivers CBS's key.
            pattern = "|".join([CATEGORY_KEY, *(f"^{re.escape(t)}\\s*$" for t in titled[dim])])
        else:
            pattern = CATEGORY_KEY
        checks = [
            pa.Check.str_matches(pattern),
            pa.Check(_one_width, name="one_key_width", error="one key width per dimension"),
        ]
        if categories is not None:
            known = categories.get(dim, set())
            checks.append(
                pa.Check(
                    lambda keys, known=known: keys.isin(known),
                    name="known_category",
                    error=f"a key listed in CBS's {dim} categories",
                )
            )
        columns[dim] = pa.Column(str, checks, nullable=False)
    for measure in table.measures:
        if measure in table.text_measures:
            columns[measure] = pa.Column(str, nullable=True)
        else:
            # "INF", "-Infinity", 1e400 in an answer are numbers to pandas and DuckDB, not figures.
            finite = pa.Check(lambda values: values.abs() < math.inf, name="finite", error="finite")
            columns[measure] = pa.Column(float, finite, nullable=True)
    return pa.DataFrameSchema(
        columns,
        strict=True,
        unique=list(table.dimensions),
        name=f"raw.{table.asset_name} ({table.table_id})",
    )


def contract_failures(
    table: CbsTable, frame: pd.DataFrame, categories: Mapping[str, set[str]] | None = None
) -> list[str]:
    """Validate a raw table; each failure names the table, column, check and offending values."""
    if frame.empty:
        # An empty VARCHAR column comes back from DuckDB as `object`; with no values there is
        # nothing to mistype, so only the columns are checked.
        text = [*table.dimensions, *table.text_measures]
        frame = frame.astype({c: "string" for c in text if c in frame})
    try:
        raw_contract(table, categories).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        messages = []
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=True):
            values = ", ".join(repr(v) for v in group["failure_case"].head(5).tolist())
            more = f" (+{len(group) - 5} more)" if len(group) > 5 else ""
            messages.append(
                f"CBS table {table.table_id}, column {column}: {check} failed for {values}{more}"
            )
        return messages
    return []
