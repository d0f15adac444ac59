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

import json
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, TypeVar
from urllib.parse import quote

import requests
import urllib3
from pydantic import ConfigDict, Field

from sources.registry import CbsTable, Slice
from sources.scope import RegionScope, any_of, odata_code_clause, odata_region_parts
from sources.tabledata import (
    DATA_SET,
    CbsDataError,
    CbsTableData,
    resolve_slice,
    select_table_data,
    slice_region_codes,
    unlisted_selection,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
LOOPBACK = ("127.0.0.1", "localhost")
# A table of the size we register is a few hundred pages of 10,000 rows at most; more pages than
# this means CBS's paging is broken.
MAX_PAGES = 2_000
# CBS's feed runs on IIS, whose default limit for a query string is 2,048 characters: a longer
# request is refused with 404, which reads like a withdrawn table. Every URL the client builds
# stays within MAX_URL_CHARS, with room for the `&$skip=…` CBS appends in an odata.nextLink.
MAX_URL_CHARS = 2_000
NEXTLINK_ROOM = 40
# A URL in an error is cut to this many characters: a data request's URL carries a filter of up
# to 2,000, which would bury the reason in the one line a failed table gets.
SHOWN_URL_CHARS = 120
LONG_URL = re.compile(rf"https?://\S{{{SHOWN_URL_CHARS},}}")
# An answer is read in pieces of at most this size, as they arrive, so that its deadline is
# checked while it comes in.
READ_BYTES = 64 * 1024
# No CBS answer comes near this (a page of 10,000 rows is a few MB); an answer that does is not
# CBS's (a proxy streaming without end, a gzip bomb: counted after decompression) and is given up
# before it fills the run worker's memory, each of `concurrent_requests` at once.
MAX_ANSWER_BYTES = 128 * 1024 * 1024
# After this many tables in a row without a valid answer (each after every attempt) CBS is down
# or out of reach: the client asks no more, rather than waiting out each further table's retries
# (up to ~4 minutes a table with the default settings and a CBS that does not answer at all).
# Counted apart for data: CBS may answer a table's small metadata requests while its data
# requests time out, and those answers must not start the count of data again.
NO_ANSWER_IN_A_ROW = 3


class CbsUnavailableError(RuntimeError):
    """CBS did not deliver after the bounded retries; the message names table and URL."""


class CbsTableNotFoundError(CbsUnavailableError):
    """CBS answers 404 for the table itself (its listing or TableInfos): withdrawn, or the id is
    wrong. A discontinued table is still served; its TableInfos say so (`OutputStatus`)."""


class CbsNotAskedError(CbsUnavailableError):
    """Not asked: CBS gave no answer for the NO_ANSWER_IN_A_ROW tables before this one."""


class CbsRequestRefusedError(CbsUnavailableError):
    """CBS answers 404 or 400 to a request for one entity set of a table it does serve: a request
    it cannot handle (a URL over its limit, a filter on a renamed dimension), not a withdrawal."""


class CbsPagingError(requests.RequestException):
    """CBS's `odata.nextLink` paging looped back to a page already read, or never ended."""


class CbsSlowAnswerError(requests.Timeout):
    """An answer (one page) still not complete `timeout_seconds` after it was asked for: bytes
    trickling in, each within the timeout of a single read, which alone would never end it."""


class CbsOversizedAnswerError(ValueError):
    """An answer (one page) larger than MAX_ANSWER_BYTES: not an answer CBS gives."""


class CbsEmptyDataSetError(ValueError):
    """CBS answered with an empty data set although it lists all the registry selects (a
    publication glitch)."""


class CbsNotODataError(ValueError):
    """CBS answered 200 with JSON that is not an OData answer (no `value` list)."""


# A host name, an IPv4 address or an IPv6 address in brackets, with an optional port.
HOST_AND_PORT = re.compile(
    r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*"
    r"[A-Za-z0-9])?)*)(:[0-9]{1,5})?"
)


@dataclass(frozen=True)
class LiveSettings:
    """The `live:` settings; config/ontcijferd.yaml is validated against these types and bounds
    (sources/config.py): an unknown key or a value out of range is refused, naming it."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    catalog_url: str = "opendata.cbs.nl"
    use_https: bool = True
    # The longest one answer (a page) may take, from the request to its last byte.
    timeout_seconds: Annotated[float, Field(gt=0)] = 60.0
    max_attempts: Annotated[int, Field(ge=1)] = 4
    backoff_seconds: Annotated[float, Field(ge=0)] = 2.0
    max_backoff_seconds: Annotated[float, Field(ge=0)] = 60.0
    # Requests in flight at once for one table (its metadata sets and slices). Assumed within
    # what CBS tolerates from one client: fewer than the 6 a browser opens to one host, and a
    # 429 is retried after its Retry-After. 1 sends them one by one.
    concurrent_requests: Annotated[int, Field(ge=1, le=6)] = 4

    def __post_init__(self) -> None:
        # The client puts scheme and path around it: "https://opendata.cbs.nl" would become a
        # request to host "https", failing as if CBS did not answer.
        if not HOST_AND_PORT.fullmatch(self.catalog_url):
            raise ValueError(
                f"live.catalog_url must be a host name with an optional port, such as "
                f"'opendata.cbs.nl' or '127.0.0.1:8080' (no scheme, no path), not "
                f"{self.catalog_url!r}"
            )


def entity_set_url(table_url: str, name: str, filters: str | None = None) -> str:
    """The URL of one entity set of a table, as sent. The filter is percent-encoded throughout
    (a space is `%20`, not `+`), as CBS writes it again into an `odata.nextLink`: the length
    checked is the length of every page's URL, less the `$skip`."""
    query = "$format=json" + (f"&$filter={quote(filters, safe='')}" if filters else "")
    return f"{table_url}{name}?{query}"


def slice_filters(
    table: CbsTable, slice_: Slice, scope: RegionScope | None, table_url: str
) -> list[str | None]:
    """The OData `$filter`s for one slice of a table (`[None]`: the whole table).

    Each makes a data-set URL of at most MAX_URL_CHARS (less room for a nextLink's `$skip`): a
    region filter too long for one URL is split over several requests, each for some of the
    regions — their rows are disjoint and together they are the slice. Splitting keeps one page
    chain per request; filtering on a coarser key would instead page through every region of a
    level (BENCHMARKS.md, "The live path").
    """
    dimensions = [odata_code_clause(dim, codes) for dim, codes in slice_.dimension_codes.items()]
    periods = []
    if table.period_dimension and table.period_kinds:
        periods.append(
            any_of(f"substringof('{kind}',{table.period_dimension})" for kind in table.period_kinds)
        )

    def joined(region_parts: list[str]) -> str | None:
        regions = [any_of(region_parts)] if region_parts else []
        return " and ".join([*dimensions, *regions, *periods]) or None

    def fits(region_parts: list[str]) -> bool:
        url = entity_set_url(table_url, DATA_SET, joined(region_parts))
        return len(url) <= MAX_URL_CHARS - NEXTLINK_ROOM

    codes = slice_region_codes(table, slice_, scope)
    if codes is None:
        groups: list[list[str]] = [[]]
    else:
        # A level the scope keeps whole is one prefix test, but only for a slice of the whole
        # scope: a slice of a few regions (the pyramid's) would otherwise get every region.
        whole = scope.whole_levels if slice_.regions == "scope" else ()
        groups = [[]]
        for part in odata_region_parts(table.region_dimension, codes, whole):
            if groups[-1] and not fits([*groups[-1], part]):
                groups.append([])
            groups[-1].append(part)
    for group in groups:
        if not fits(group):
            raise CbsDataError(
                f"CBS table {table.table_id}, slice {slice_.name}: the filter makes a URL of "
                f"{len(entity_set_url(table_url, DATA_SET, joined(group)))} characters even for "
                f"one region (CBS refuses over {MAX_URL_CHARS}); shorten the slice's selection "
                "in sources/registry.py"
            )
    return [joined(group) for group in groups]


def _described(err: Exception) -> str:
    """An error as `Type: message`, every long URL in it cut short."""
    return LONG_URL.sub(
        lambda url: url.group()[:SHOWN_URL_CHARS] + "…", f"{type(err).__name__}: {err}"
    )


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
        self._table_infos: dict[str, dict] = {}  # asked once per client
        # The last tables in a row without a valid answer: to any request, to a data request.
        self._unanswered: list[str] = []
        self._without_data: list[str] = []

    @property
    def not_answering(self) -> bool:
        """CBS gave no answer for NO_ANSWER_IN_A_ROW tables in a row, or no data for as many:
        this client asks no more."""
        return max(len(self._unanswered), len(self._without_data)) >= NO_ANSWER_IN_A_ROW

    def table_url(self, table_id: str) -> str:
        scheme = "https" if self.settings.use_https else "http"
        return f"{scheme}://{self.settings.catalog_url}/ODataFeed/odata/{table_id}/"

    def catalog_url(self, filters: str) -> str:
        """The URL of the catalog rows (`ODataCatalog/Tables`) matching an OData `$filter`."""
        scheme = "https" if self.settings.use_https else "http"
        return f"{scheme}://{self.settings.catalog_url}/ODataCatalog/Tables?$format=json" + (
            f"&$filter={quote(filters, safe='')}"
        )

    def catalog_rows(self, filters: str) -> list[dict]:
        """Rows of CBS's table catalog (Identifier, Title, Modified, OutputStatus, …)."""
        url = self.catalog_url(filters)
        return self._with_retries("catalog", "", lambda: self._rows(url, "catalog", None), url=url)

    def _entity_set(self, table_id: str, name: str, filters: str | None = None) -> list[dict]:
        """Every row of one entity set of a table. A 404 or 400 for a set other than the
        listing and TableInfos is a request CBS refuses, not a withdrawn table."""
        refusable = name if name not in ("", "TableInfos") else None
        return self._rows(
            entity_set_url(self.table_url(table_id), name, filters), table_id, refusable
        )

    def _rows(self, first_url: str, table_id: str, refusable: str | None) -> list[dict]:
        """Every row from `first_url`, following `odata.nextLink` page by page.

        A page URL met twice (a looping nextLink) or more than MAX_PAGES pages fail as
        CbsPagingError; an answer that is not OData JSON fails as ValueError — both retried.
        """
        url: str | None = first_url
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
                payload = self._answer(session, url, table_id, refusable)
                body = json.loads(payload)  # ValueError: cut off, or not JSON (an HTML page)
                if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                    raise CbsNotODataError(
                        f"CBS table {table_id}: the answer from {url} is not OData (no 'value' "
                        f"list): {payload[:120].decode('utf-8', 'replace')!r}"
                    )
                rows.extend(body["value"])
                url = body.get("odata.nextLink")
        return rows

    def _answer(
        self, session: requests.Session, url: str, table_id: str, refusable: str | None
    ) -> bytes:
        """The body of one answer, within `timeout_seconds` from the request to its last byte
        and MAX_ANSWER_BYTES in size.

        `requests`' timeout bounds each wait for a byte, not the whole answer: a connection
        that trickles stays within it for ever. So the body is read as it arrives, and the
        answer is given up (CbsSlowAnswerError, retried) once its time is over, or once it is
        larger than any CBS answer (CbsOversizedAnswerError, retried).
        """
        deadline = time.monotonic() + self.settings.timeout_seconds
        with session.get(url, timeout=self.settings.timeout_seconds, stream=True) as response:
            if response.status_code in (400, 404) and refusable:
                raise CbsRequestRefusedError(
                    f"CBS table {table_id}: HTTP {response.status_code} for {refusable} "
                    f"({len(url)}-character URL {url[:SHOWN_URL_CHARS]}…) — a request CBS "
                    "cannot serve, not retried; whether the table is discontinued is read from "
                    "its TableInfos"
                )
            response.raise_for_status()
            pieces, received = [], 0
            try:
                # decode_content: as `requests` would, undo the answer's gzip or deflate.
                while piece := response.raw.read1(READ_BYTES, decode_content=True):
                    pieces.append(piece)
                    received += len(piece)
                    if received > MAX_ANSWER_BYTES:
                        raise CbsOversizedAnswerError(
                            f"the answer from {url} was still coming after {received:,} bytes, "
                            f"more than any CBS answer ({MAX_ANSWER_BYTES:,}): not CBS's"
                        )
                    if time.monotonic() > deadline:
                        raise CbsSlowAnswerError(
                            f"the answer from {url} was not complete after "
                            f"{self.settings.timeout_seconds:g} s ({received:,} bytes so far)"
                        )
            except urllib3.exceptions.HTTPError as err:  # a read timeout, a reset, cut off
                raise requests.ConnectionError(err) from err
            return b"".join(pieces)

    def _with_retries(
        self,
        table_id: str,
        what: str,
        call: Callable[[], T],
        url: str | None = None,
        data: bool = False,
    ) -> T:
        """`call()` with bounded retries and backoff on the faults CBS's API is known for.

        Retried: HTTP 429 (honouring Retry-After), 5xx, timeouts, connections reset mid-page,
        truncated JSON, an HTML error page served with status 200, a looping nextLink, an
        empty data set and an answer larger than any of CBS's. Anything else fails at once: a
        404 for the table's listing or TableInfos (the table is withdrawn), a 4xx or a request
        refused for one of its sets. `data`: the call downloads the table's data.
        """
        url = url or self.table_url(table_id)
        if self.not_answering:
            unanswered, words = (
                (self._unanswered, "no answer")
                if len(self._unanswered) >= NO_ANSWER_IN_A_ROW
                else (self._without_data, "no data (its other requests answered)")
            )
            raise CbsNotAskedError(
                f"CBS table {table_id}: not asked — CBS gave {words} for "
                f"{', '.join(unanswered)} before it, each after "
                f"{self.settings.max_attempts} attempts (CBS down, or out of reach?)"
            )
        last_error: Exception | None = None
        for attempt in range(1, self.settings.max_attempts + 1):
            wait = None
            try:
                answer = call()
                self._answered(data)
                return answer
            except CbsRequestRefusedError:
                self._answered(data)  # an answer, if not the one wanted
                raise
            except requests.HTTPError as err:
                status = _status_of(err)
                if status not in RETRYABLE_STATUS:
                    self._answered(data)  # an answer, if not the one wanted
                    if status == 404:
                        raise CbsTableNotFoundError(
                            f"CBS table {table_id}: CBS does not serve the table (HTTP 404 from "
                            f"{url}{what}): withdrawn, or the id is wrong"
                        ) from err
                    raise CbsUnavailableError(
                        f"CBS table {table_id}: HTTP {status} from {url}{what} — not retried: "
                        + _described(err)
                    ) from err
                last_error, wait = err, _retry_after(err)
            except (requests.RequestException, ValueError) as err:
                # RequestException: timeouts, resets (incl. mid-body), our paging guard;
                # ValueError: truncated JSON, HTML with status 200, an empty data set, an
                # answer larger than any of CBS's.
                last_error = err
            if attempt < self.settings.max_attempts:
                backoff = self.settings.backoff_seconds * 2 ** (attempt - 1)
                wait = min(wait if wait is not None else backoff, self.settings.max_backoff_seconds)
                log.warning(
                    "CBS table %s attempt %d failed (%s); retry in %.1fs",
                    table_id,
                    attempt,
                    _described(last_error),
                    wait,
                )
                self._sleep(wait)
        self._unanswered.append(table_id)
        if data:
            self._without_data.append(table_id)
        raise CbsUnavailableError(
            f"CBS table {table_id}: no valid answer from {url}{what} after "
            f"{self.settings.max_attempts} attempts; last error: {_described(last_error)}"
        ) from last_error

    def _answered(self, data: bool) -> None:
        """CBS answered (if only to refuse): the count of tables without an answer starts
        again, and that of tables without data if the answer was to a data request."""
        self._unanswered.clear()
        if data:
            self._without_data.clear()

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
        pool = ThreadPoolExecutor(max_workers=max(1, self.settings.concurrent_requests))
        try:
            sets = {
                name: [pool.submit(self._entity_set, table_id, name, f) for f in slice_filters]
                if name == DATA_SET
                else [pool.submit(self._entity_set, table_id, name)]
                for name in listed
                if name not in known
            }
            fetched = {name: [row for f in got for row in f.result()] for name, got in sets.items()}
        finally:
            # Once one request failed (or the run is stopped) the attempt is over: requests
            # still queued are not sent; those under way end within timeout_seconds.
            pool.shutdown(cancel_futures=True)
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

    def metadata_set(self, table_id: str, name: str) -> list[dict]:
        """One small entity set of a table (DataProperties, a dimension's categories), with
        retries."""
        return self._with_retries(table_id, name, lambda: self._entity_set(table_id, name))

    def _category_lists(self, table: CbsTable) -> dict[str, list[dict]]:
        """The category lists (Key, Title) of the dimensions a slice chooses by title."""
        return {d: self.metadata_set(table.table_id, d) for d in table.categories_by_title}

    def fetch(self, table: CbsTable, scope: RegionScope | None) -> CbsTableData:
        """Every slice of a registered table; a failed slice or an empty result retries them all."""
        categories = self._category_lists(table)
        slices = [
            resolve_slice(table, s, categories, self.table_url(table.table_id))
            for s in table.slices
        ]

        def all_slices() -> tuple[dict[str, list[dict]], list[str]]:
            # The metadata sets once, the data set once per slice (each request costs a round
            # trip to CBS: BENCHMARKS.md).
            url = self.table_url(table.table_id)
            filters = [f for slice_ in slices for f in slice_filters(table, slice_, scope, url)]
            merged = self._download_once(table.table_id, filters)
            unlisted = unlisted_selection(table, slices, merged)
            # Empty although CBS lists all the registry selects: a glitch, asked again. With a
            # selection CBS does not list, empty is the answer (said below, not retried).
            if DATA_SET in merged and not merged[DATA_SET] and not unlisted:
                raise CbsEmptyDataSetError(
                    f"CBS table {table.table_id}: {DATA_SET} is empty although CBS lists every "
                    "category the registry selects"
                )
            return merged, unlisted

        merged, unlisted = self._with_retries(table.table_id, "", all_slices, data=True)
        location = self.table_url(table.table_id)
        if DATA_SET not in merged:
            raise CbsDataError(f"CBS table {table.table_id}: no {DATA_SET} at {location}")
        if unlisted:
            raise CbsDataError(
                f"CBS table {table.table_id}: CBS does not list {'; '.join(unlisted)} at "
                f"{location}, which the registry selects (sources/registry.py): those rows "
                "would be missing"
            )
        return select_table_data(table, scope, merged, source=self.mode, location=location)
