"""`ontcijferd check-live`: the registry compared with what live CBS says about each table.

For each registered table it reads the catalog row, TableInfos, DataProperties and the category
lists of the dimensions its slices choose from — never a data set — and reports one line per
difference from the registry (sources/registry.py): a measure or dimension missing or renamed, a
category chosen by key that is gone, one chosen by title that is gone or ambiguous, a table CBS
no longer serves or has discontinued, a newer edition of a yearly table in the catalog. For
each table it also says how many data requests a scoped download sends and how long the longest
URL is. It writes nothing: the data team runs it at first contact and after a CBS release day.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sources.registry import DECLARED_LIVE_TABLES, REGISTRY, CbsTable, DeclaredTable
from sources.scope import RegionScope
from sources.statline import (
    CbsTableNotFoundError,
    CbsUnavailableError,
    StatLineClient,
    entity_set_url,
    slice_filters,
)
from sources.tabledata import (
    DATA_SET,
    DIMENSION_TYPES,
    CbsDataError,
    lifecycle_note,
    resolve_slice,
    unlisted_keys,
)

# A yearly edition's title ends in its year: "Kerncijfers wijken en buurten 2024".
EDITION_TITLE = re.compile(r"^(?P<series>.*\S)\s+(?P<year>(19|20)\d\d)$")


@dataclass
class TableReport:
    table_id: str
    differences: list[str] = field(default_factory=list)
    requests: str = ""  # the data requests of a scoped download
    pending: str = ""  # a declared table: what CBS says its keys are, to be confirmed
    unanswered: str = ""  # why the table could not be checked: CBS gave no valid answer


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns(client: StatLineClient, table: CbsTable, report: TableReport) -> None:
    """Measures and dimensions of the registry against DataProperties."""
    properties = client.metadata_set(table.table_id, "DataProperties")
    keys = sorted({str(p["Key"]) for p in properties if p.get("Key")})
    for column in (*table.dimensions, *table.measures):
        if column not in keys:
            kind = "dimension" if column in table.dimensions else "measure"
            near = difflib.get_close_matches(column, keys, n=1, cutoff=0.7)
            report.differences.append(
                f"{kind} {column} is not in DataProperties"
                + (f" (renamed to {near[0]}?)" if near else "")
            )
    for p in properties:
        if p.get("Type") in DIMENSION_TYPES and p.get("Key") not in table.dimensions:
            report.differences.append(
                f"dimension {p['Key']} is not in the registry: each row now means something else"
            )


def _categories(client: StatLineClient, table: CbsTable, report: TableReport) -> dict:
    """Categories chosen by key or by title against the dimensions' category lists."""
    chosen_dimensions = sorted(
        {d for s in table.slices for d in (*s.dimension_codes, *s.category_titles)}
    )
    lists = {d: client.metadata_set(table.table_id, d) for d in chosen_dimensions}
    gone = unlisted_keys(table.slices, lists)
    for dimension, categories in lists.items():
        titles = [str(c.get("Title") or "").strip() for c in categories]
        for code in sorted(gone.get(dimension, ())):
            report.differences.append(f"category key {code!r} of {dimension} is gone")
        for title in sorted(
            {t for s in table.slices for t in s.category_titles.get(dimension, ())}
        ):
            found = [
                str(c["Key"]).strip() for c in categories if str(c.get("Title")).strip() == title
            ]
            if not found:
                near = difflib.get_close_matches(title, titles, n=3, cutoff=0.6)
                report.differences.append(
                    f"category titled {title!r} of {dimension} is gone"
                    + (f" (near: {'; '.join(near)})" if near else "")
                )
            elif len(found) > 1:
                report.differences.append(
                    f"category titled {title!r} of {dimension} is ambiguous (keys "
                    f"{', '.join(found)})"
                )
    return lists


def _newer_editions(client: StatLineClient, table: CbsTable, report: TableReport) -> None:
    """A yearly table with no registered successor: a later edition in the catalog that is
    neither registered nor declared."""
    edition = EDITION_TITLE.match(table.title)
    if edition is None or table.successor:
        return
    rows = client.catalog_rows(f"substringof({_quoted(edition['series'])},Title)")
    for row in rows:
        found = EDITION_TITLE.match(str(row.get("Title") or "").strip())
        if (
            found
            and found["series"] == edition["series"]
            and int(found["year"]) > int(edition["year"])
            and row.get("Identifier") not in REGISTRY
            and row.get("Identifier") not in DECLARED_LIVE_TABLES  # listed as pending
        ):
            report.differences.append(
                f"newer edition in the catalog: {row['Identifier']} '{row['Title']}' "
                f"(Modified {row.get('Modified')}); add it to sources/registry.py"
            )


def _requests(
    client: StatLineClient, table: CbsTable, scope: RegionScope, lists: dict, report: TableReport
) -> None:
    url = client.table_url(table.table_id)
    lengths = []
    for raw_slice in table.slices:
        try:
            slice_ = resolve_slice(table, raw_slice, lists, url)
            lengths += [
                len(entity_set_url(url, DATA_SET, f))
                for f in slice_filters(table, slice_, scope, url)
            ]
        except CbsDataError as err:
            if "URL" in str(err):
                report.differences.append(str(err))
    if lengths:
        report.requests = (
            f"{len(lengths)} data request(s) for {len(table.slices)} slice(s), longest URL "
            f"{max(lengths):,} characters"
        )


def check_table(client: StatLineClient, table: CbsTable, scope: RegionScope) -> TableReport:
    report = TableReport(table.table_id)
    try:
        info = client.table_info(table.table_id)
    except CbsTableNotFoundError as err:
        follow = (
            f"its successor {table.successor} is registered"
            if table.successor
            else "no successor is registered"
        )
        report.differences.append(f"{err}; {follow}")
        return report
    catalog = client.catalog_rows(f"Identifier eq {_quoted(table.table_id)}")
    if not catalog:
        report.differences.append("not in CBS's catalog (ODataCatalog/Tables)")
    note = lifecycle_note(table, info) or (catalog and lifecycle_note(table, catalog[0]))
    if note:
        report.differences.append(note)
    _columns(client, table, report)
    lists = _categories(client, table, report)
    _newer_editions(client, table, report)
    _requests(client, table, scope, lists, report)
    return report


def check_declared(client: StatLineClient, declared: DeclaredTable) -> TableReport:
    """A table declared for live CBS: found in the catalog under the declared title, its
    dimensions and candidate measures listed for a developer to confirm."""
    report = TableReport(declared.table_id)
    rows = client.catalog_rows(f"Identifier eq {_quoted(declared.table_id)}")
    if not rows:
        report.differences.append("declared for live CBS, but not in CBS's catalog")
        return report
    title = str(rows[0].get("Title") or "").strip()
    if not re.search(declared.title_pattern, title):
        report.differences.append(
            f"declared for live CBS as {declared.title_pattern!r}, but its title in CBS's "
            f"catalog is {title!r}"
        )
        return report
    properties = client.metadata_set(declared.table_id, "DataProperties")
    dimensions = [str(p["Key"]) for p in properties if p.get("Type") in DIMENSION_TYPES]
    words = [w.lower() for w in declared.measure_words]
    measures = [
        f"{p['Key']} ({p.get('Title')}, {p.get('Unit')})"
        for p in properties
        if p.get("Type") == "Topic"
        and any(w in f"{p.get('Key')} {p.get('Title')}".lower() for w in words)
    ]
    if not measures:
        report.differences.append(
            f"no measure of '{title}' has {' or '.join(declared.measure_words)} in its key or title"
        )
    report.pending = (
        f"'{title}' (Modified {rows[0].get('Modified')}): dimensions {', '.join(dimensions)}; "
        f"measures for {declared.indicator_id}: {'; '.join(measures) or 'none found'}"
    )
    return report


def check_live(
    client: StatLineClient,
    tables: list[CbsTable],
    scope: RegionScope,
    declared: list[DeclaredTable] = (),
) -> list[TableReport]:
    """One report per table checked; a table CBS does not answer for is said, not a crash. Once
    the client asks no more (CBS gave no answer for several tables in a row: `not_answering`),
    the rest are not tried."""
    reports = []
    for table in [*tables, *declared]:
        try:
            if isinstance(table, DeclaredTable):
                reports.append(check_declared(client, table))
            else:
                reports.append(check_table(client, table, scope))
        except CbsUnavailableError as err:
            reports.append(TableReport(table.table_id, unanswered=str(err)))
            if client.not_answering:
                break
    return reports
