"""The live CBS StatLine client: CBS's OData feed with timeouts, retries, a paging guard and
clear errors.

It reads what `cbsodata.download_data` reads — the table's entity sets, the data set filtered by
`$filter` and paged by `odata.nextLink` — and keeps CBS codes (`GM0193`, `2024JJ00`), which
`cbsodata.get_data` would replace by titles. It pages itself rather than through cbsodata:
cbsodata follows a looping nextLink for ever, has no timeout or retries of its own, and keeps its
settings in module-global state that a client would have to swap (bench/run.py still measures
cbsodata's own route for comparison).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import requests

from sources.registry import CbsTable, Slice
from sources.scope import RegionScope, odata_code_clause, odata_region_clause
from sources.tabledata import (
    DATA_SET,
    CbsDataError,
    CbsTableData,
    resolve_slice,
    select_table_data,
    slice_region_codes,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
LOOPBACK = ("127.0.0.1", "localhost")
# A table of the size we register is a few hundred pages of 10,000 rows at most; more pages than
# this means CBS's paging is broken.
MAX_PAGES = 2_000


class CbsUnavailableError(RuntimeError):
    """CBS did not deliver after the bounded retries; the message names table and URL."""


class CbsTableNotFoundError(CbsUnavailableError):
    """CBS answers 404 for the table: discontinued and withdrawn, or the id is wrong."""


class CbsPagingError(requests.RequestException):
    """CBS's `odata.nextLink` paging looped back to a page already read, or never ended."""


class CbsEmptyDataSetError(ValueError):
    """CBS answered with an empty data set for a table that has rows (a publication glitch)."""


class CbsNotODataError(ValueError):
    """CBS answered 200 with JSON that is not an OData answer (no `value` list)."""


@dataclass(frozen=True)
class LiveSettings:
    catalog_url: str = "opendata.cbs.nl"
    use_https: bool = True
    timeout_seconds: float = 60.0
    max_attempts: int = 4
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 60.0
    # Requests in flight at once for one table (its metadata sets and slices). Assumed within
    # what CBS tolerates from one client: fewer than the 6 a browser opens to one host, and a
    # 429 is retried after its Retry-After. 1 sends them one by one.
    concurrent_requests: int = 4


def slice_filter(table: CbsTable, slice_: Slice, scope: RegionScope | None) -> str | None:
    """The OData `$filter` for one slice of a table (None: the whole table)."""
    clauses = [odata_code_clause(dim, codes) for dim, codes in slice_.dimension_codes.items()]
    codes = slice_region_codes(table, slice_, scope)
    if codes is not None:
        # A level the scope keeps whole is one prefix test, but only for a slice of the whole
        # scope: a slice of a few regions (the pyramid's) would otherwise get every region.
        whole = scope.whole_levels if slice_.regions == "scope" else ()
        clauses.append(odata_region_clause(table.region_dimension, codes, whole))
    if table.period_dimension and table.period_kinds:
        kinds = " or ".join(
            f"substringof('{kind}',{table.period_dimension})" for kind in table.period_kinds
        )
        clauses.append(f"({kinds})")
    return " and ".join(clauses) or None


def _status_of(err: requests.RequestException) -> int | None:
    return err.response.status_code if err.response is not None else None


def _retry_after(err: requests.RequestException) -> float | None:
    response = err.response
    if response is not None and response.headers.get("Retry-After", "").isdigit():
        return float(response.headers["Retry-After"])
    return None


class StatLineClient:
    mode = "live"

    def __init__(self, settings: LiveSettings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._sleep = sleep
        self._table_infos: dict[str, dict] = {}  # asked once per client (one asset's run)

    def table_url(self, table_id: str) -> str:
        scheme = "https" if self.settings.use_https else "http"
        return f"{scheme}://{self.settings.catalog_url}/ODataFeed/odata/{table_id}/"

    def _entity_set(self, table_id: str, name: str, filters: str | None = None) -> list[dict]:
        """Every row of one entity set of a table, following `odata.nextLink` page by page.

        A page URL met twice (a looping nextLink) or more than MAX_PAGES pages fail as
        CbsPagingError; an answer that is not OData JSON fails as ValueError — both retried.
        """
        params = {"$format": "json", **({"$filter": filters} if filters else {})}
        url: str | None = requests.Request("GET", self.table_url(table_id) + name, params=params)
        url = url.prepare().url
        rows: list[dict] = []
        seen: set[str] = set()
        with requests.Session() as session:
            # A local test server is never reached through a proxy from the environment.
            session.trust_env = self.settings.catalog_url.split(":")[0] not in LOOPBACK
            while url:
                if url in seen or len(seen) >= MAX_PAGES:
                    raise CbsPagingError(
                        f"CBS table {table_id}: odata.nextLink paging "
                        + ("returned to a page already read" if url in seen else "never ended")
                        + f" ({url})"
                    )
                seen.add(url)
                response = session.get(url, timeout=self.settings.timeout_seconds)
                response.raise_for_status()
                response.encoding = "utf-8"
                body = response.json()
                if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                    raise CbsNotODataError(
                        f"CBS table {table_id}: the answer from {url} is not OData (no 'value' "
                        f"list): {response.text[:120]!r}"
                    )
                rows.extend(body["value"])
                url = body.get("odata.nextLink")
        return rows

    def _with_retries(self, table_id: str, what: str, call: Callable[[], T]) -> T:
        """`call()` with bounded retries and backoff on the faults CBS's API is known for.

        Retried: HTTP 429 (honouring Retry-After), 5xx, timeouts, connections reset mid-page,
        truncated JSON, an HTML error page served with status 200, a looping nextLink and an
        empty data set. Anything else (e.g. 404: a discontinued table) fails at once.
        """
        url = self.table_url(table_id)
        last_error: Exception | None = None
        for attempt in range(1, self.settings.max_attempts + 1):
            wait = None
            try:
                return call()
            except requests.HTTPError as err:
                status = _status_of(err)
                if status not in RETRYABLE_STATUS:
                    raise (CbsTableNotFoundError if status == 404 else CbsUnavailableError)(
                        f"CBS table {table_id}: HTTP {status} from {url}{what} — not retried"
                        + (" (the table may be discontinued)" if status == 404 else "")
                        + f": {err}"
                    ) from err
                last_error, wait = err, _retry_after(err)
            except (requests.RequestException, ValueError) as err:
                # RequestException: timeouts, resets (incl. mid-body), our paging guard;
                # ValueError: truncated JSON, HTML with status 200, an empty data set.
                last_error = err
            if attempt < self.settings.max_attempts:
                backoff = self.settings.backoff_seconds * 2 ** (attempt - 1)
                wait = min(wait if wait is not None else backoff, self.settings.max_backoff_seconds)
                log.warning(
                    "CBS table %s attempt %d failed (%s); retry in %.1fs",
                    table_id,
                    attempt,
                    last_error,
                    wait,
                )
                self._sleep(wait)
        raise CbsUnavailableError(
            f"CBS table {table_id}: no valid answer from {url}{what} after "
            f"{self.settings.max_attempts} attempts; last error: "
            f"{type(last_error).__name__}: {last_error}"
        ) from last_error

    def _download_once(
        self, table_id: str, slice_filters: list[str | None]
    ) -> dict[str, list[dict]]:
        """The table's entity sets as `cbsodata.download_data` returns them, the data set once
        per slice filter (rows in slice order); the untyped data set is not read.

        After the listing, the sets are requested concurrently, `concurrent_requests` at a
        time: with CBS's latency a table's time follows its number of round trips
        (BENCHMARKS.md, "The live path").
        """
        listed = [
            e["name"] for e in self._entity_set(table_id, "") if e["name"] != "UntypedDataSet"
        ]
        # The TableInfos this client read for the release hint is not asked for again.
        info = self._table_infos.get(table_id)
        known = {"TableInfos": [info]} if info else {}
        with ThreadPoolExecutor(max_workers=max(1, self.settings.concurrent_requests)) as pool:
            sets = {
                name: [pool.submit(self._entity_set, table_id, name, f) for f in slice_filters]
                if name == DATA_SET
                else [pool.submit(self._entity_set, table_id, name)]
                for name in listed
                if name not in known
            }
            fetched = {name: [row for f in got for row in f.result()] for name, got in sets.items()}
        return {name: known.get(name) or fetched[name] for name in listed}

    def table_info(self, table_id: str) -> dict:
        """The table's TableInfos row (its `Modified` is the release): one small request."""
        if table_id in self._table_infos:
            return self._table_infos[table_id]

        def call() -> dict:
            rows = self._entity_set(table_id, "TableInfos")
            return rows[0] if rows else {}

        info = self._table_infos[table_id] = self._with_retries(table_id, "TableInfos", call)
        return info

    def release_hint(self, table: CbsTable) -> str | None:
        """CBS's release of a table (TableInfos.Modified) without downloading its data."""
        modified = self.table_info(table.table_id).get("Modified")
        return str(modified) if modified else None

    def _category_lists(self, table: CbsTable) -> dict[str, list[dict]]:
        """The category lists (Key, Title) of the dimensions a slice chooses by title."""

        def call(dimension: str) -> Callable[[], list[dict]]:
            return lambda: self._entity_set(table.table_id, dimension)

        return {
            d: self._with_retries(table.table_id, d, call(d)) for d in table.categories_by_title
        }

    def fetch(self, table: CbsTable, scope: RegionScope | None) -> CbsTableData:
        """Every slice of a registered table; a failed slice or an empty result retries them all."""
        categories = self._category_lists(table)
        slices = [
            resolve_slice(table, s, categories, self.table_url(table.table_id))
            for s in table.slices
        ]

        def all_slices() -> dict[str, list[dict]]:
            # The metadata sets once, the data set once per slice (each request costs a round
            # trip to CBS: BENCHMARKS.md).
            filters = [slice_filter(table, slice_, scope) for slice_ in slices]
            merged = self._download_once(table.table_id, filters)
            if DATA_SET in merged and not merged[DATA_SET]:
                raise CbsEmptyDataSetError(
                    f"CBS table {table.table_id}: {DATA_SET} is empty (the table has rows)"
                )
            return merged

        merged = self._with_retries(table.table_id, "", all_slices)
        if DATA_SET not in merged:
            raise CbsDataError(
                f"CBS table {table.table_id}: no {DATA_SET} at {self.table_url(table.table_id)}"
            )
        return select_table_data(
            table, scope, merged, source=self.mode, location=self.table_url(table.table_id)
        )
