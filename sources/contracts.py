"""pandera contracts for the raw CBS tables, derived from the registry.

A contract states what CBS must deliver for a registered table: exactly the registered columns,
dimension keys in CBS's code formats, numeric measures, and one row per combination of keys.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from sources.registry import CbsTable

PERIOD_KEY = r"^\d{4}(JJ00|KW0[1-4]|MM(0[1-9]|1[0-2])|HJ0[12])$"
REGION_KEY = r"^(NL0[01]|LD0[1-4]|PV\d{2}|CR\d{2}|GM\d{4}|WK\d{6}|BU\d{8})\s*$"
CATEGORY_KEY = r"^[A-Za-z0-9]+\s*$"


def raw_contract(table: CbsTable) -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {}
    for dim in table.dimensions:
        if dim == table.region_dimension:
            pattern = REGION_KEY
        elif dim == table.period_dimension:
            pattern = PERIOD_KEY
        else:
            pattern = CATEGORY_KEY
        columns[dim] = pa.Column(str, pa.Check.str_matches(pattern), nullable=False)
    for measure in table.measures:
        if measure in table.text_measures:
            columns[measure] = pa.Column(str, nullable=True)
        else:
            columns[measure] = pa.Column(float, nullable=True)
    return pa.DataFrameSchema(
        columns,
        strict=True,
        unique=list(table.dimensions),
        name=f"raw.{table.asset_name} ({table.table_id})",
    )


def contract_failures(table: CbsTable, frame: pd.DataFrame) -> list[str]:
    """Validate a raw table; each failure names the table, column, check and offending values."""
    if frame.empty:
        # An empty VARCHAR column comes back from DuckDB as `object`; with no values there is
        # nothing to mistype, so only the columns are checked.
        text = [*table.dimensions, *table.text_measures]
        frame = frame.astype({c: "string" for c in text if c in frame})
    try:
        raw_contract(table).validate(frame, lazy=True)
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
