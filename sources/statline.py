"""The live CBS StatLine client: `cbsodata.download_data` with timeouts, retries and clear errors.

`download_data` keeps CBS codes (`GM0193`, `2024JJ00`); `cbsodata.get_data` replaces them by
titles and must not be used for a warehouse that joins on codes. cbsodata has no timeout and no
retries of its own and keeps its settings in module-global state, so everything about it stays
in this module.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cbsodata
import requests

from sources.registry import CbsTable, Slice
from sources.scope import RegionScope, odata_code_clause, odata_region_clause
from sources.tabledata import (
    DATA_SET,
    CbsDataError,
    CbsTableData,
    select_table_data,
    slice_region_codes,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class CbsUnavailableError(RuntimeError):
    """CBS did not deliver after the bounded retries; the message names table and URL."""


@dataclass(frozen=True)
class LiveSettings:
    catalog_url: str = "opendata.cbs.nl"
    use_https: bool = True
    timeout_seconds: float = 60.0
    max_attempts: int = 4
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 60.0


def slice_filter(table: CbsTable, slice_: Slice, scope: RegionScope | None) -> str | None:
    """The OData `$filter` for one slice of a table (None: the whole table)."""
    clauses = [odata_code_clause(dim, codes) for dim, codes in slice_.dimension_codes.items()]
    codes = slice_region_codes(table, slice_, scope)
    if codes is not None:
        clauses.append(odata_region_clause(table.region_dimension, codes, scope.whole_levels))
    if table.period_dimension and table.period_kinds:
        kinds = " or ".join(
            f"substringof('{kind}',{table.period_dimension})" for kind in table.period_kinds
        )
        clauses.append(f"({kinds})")
    return " and ".join(clauses) or None


def _status_of(err: requests.RequestException) -> int | None:
    # cbsodata re-raises HTTPError without the response; the original is its __cause__.
    for candidate in (err, err.__cause__):
        response = getattr(candidate, "response", None)
        if response is not None:
            return response.status_code
    return None


def _retry_after(err: requests.RequestException) -> float | None:
    for candidate in (err, err.__cause__):
        response = getattr(candidate, "response", None)
        if response is not None and response.headers.get("Retry-After", "").isdigit():
            return float(response.headers["Retry-After"])
    return None


class StatLineClient:
    mode = "live"

    def __init__(self, settings: LiveSettings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._sleep = sleep

    def table_url(self, table_id: str) -> str:
        scheme = "https" if self.settings.use_https else "http"
        return f"{scheme}://{self.settings.catalog_url}/ODataFeed/odata/{table_id}/"

    @contextlib.contextmanager
    def _cbsodata_options(self) -> Iterator[None]:
        saved = cbsodata.options.use_https
        cbsodata.options.use_https = self.settings.use_https
        try:
            yield
        finally:
            cbsodata.options.use_https = saved

    def download(self, table_id: str, filters: str | None) -> dict[str, list[dict]]:
        """All entity sets of a table (data set filtered), with bounded retries and backoff."""
        url = self.table_url(table_id)
        request_kwargs = {"timeout": self.settings.timeout_seconds}
        if self.settings.catalog_url.split(":")[0] in ("127.0.0.1", "localhost"):
            # cbsodata copies http(s)_proxy from the environment and ignores NO_PROXY.
            request_kwargs["proxies"] = {"http": None, "https": None}
        last_error: Exception | None = None
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                with self._cbsodata_options():
                    return cbsodata.download_data(
                        table_id,
                        filters=filters,
                        catalog_url=self.settings.catalog_url,
                        **request_kwargs,
                    )
            except requests.HTTPError as err:
                status = _status_of(err)
                if status not in RETRYABLE_STATUS:
                    raise CbsUnavailableError(
                        f"CBS table {table_id}: HTTP {status} from {url} — not retried: {err}"
                    ) from err
                last_error, wait = err, _retry_after(err)
            except (requests.ConnectionError, requests.Timeout, ValueError) as err:
                # ValueError covers truncated JSON and HTML error pages served with status 200.
                last_error, wait = err, None
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
            f"CBS table {table_id}: no valid answer from {url} after "
            f"{self.settings.max_attempts} attempts; last error: {last_error}"
        ) from last_error

    def fetch(self, table: CbsTable, scope: RegionScope | None) -> CbsTableData:
        merged: dict[str, list[dict]] = {}
        for slice_ in table.slices:
            sets = self.download(table.table_id, slice_filter(table, slice_, scope))
            if not merged:
                merged = sets
            else:
                merged[DATA_SET] = merged[DATA_SET] + sets.get(DATA_SET, [])
        if DATA_SET not in merged:
            raise CbsDataError(
                f"CBS table {table.table_id}: no {DATA_SET} at {self.table_url(table.table_id)}"
            )
        return select_table_data(
            table, scope, merged, source=self.mode, location=self.table_url(table.table_id)
        )
