"""Faults from the CBS side, through the project's client against the local OData server.

Every fault gets bounded retries (the attempts are counted on the server), then fails with a
message naming the table and URL; a fault that clears before the last attempt is survived.
What a failed table does to a run (the published warehouse stays as it was) is tested in
tests/e2e/test_reliability.py.
"""

from collections import Counter

import pytest

from sources import statline
from sources.registry import REGISTRY, get_table
from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
from sources.snapshot import SNAPSHOT_DIR, SnapshotSource
from sources.statline import (
    CbsNotAskedError,
    CbsRequestRefusedError,
    CbsTableNotFoundError,
    CbsUnavailableError,
    LiveSettings,
    StatLineClient,
)
from tests.cbs_server import FAULT_KINDS, CbsODataServer
from tests.conftest import reliability_row

TABLE = "70072ned"  # 300 rows in the scope: two pages of 200
ATTEMPTS = 3

FAULTS = {
    500: "HTTP 500 Internal Server Error",
    503: "HTTP 503 Service Unavailable",
    429: "HTTP 429 Too Many Requests with Retry-After: 7",
    **FAULT_KINDS,
}


@pytest.fixture
def server():
    with CbsODataServer(SNAPSHOT_DIR, page_size=200) as srv:
        srv.stall_seconds = 3.0  # the "timeout" fault: past the client's deadline (1.5 s)
        yield srv


@pytest.fixture(autouse=True)
def small_answer_limit(monkeypatch):
    """SYNTHETIC size limit: the server's endless answer ("flood") passes 1 MiB in milliseconds,
    the real limit (128 MiB) in ~0.3 s on an idle machine and far slower on a busy one: too
    close to the 1.5-s deadline to say which ends it; the test pages are ~110 KB."""
    monkeypatch.setattr(statline, "MAX_ANSWER_BYTES", 1024 * 1024)


@pytest.fixture(scope="module")
def scope():
    gebieden = SnapshotSource().fetch(REGISTRY["86059NED"], None)
    return resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden.data))


def client(server, waits: list[float], on_wait=None, **settings_kw) -> StatLineClient:
    settings = LiveSettings(
        catalog_url=server.catalog_url,
        use_https=False,
        # A deadline for a whole answer that a local answer meets on a busy machine (0.5 s did
        # not, once, under a full test run: the listing was cut off and took an attempt).
        timeout_seconds=1.5,
        max_attempts=ATTEMPTS,
        backoff_seconds=0.01,
        **settings_kw,
    )

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if on_wait:
            on_wait()

    return StatLineClient(settings, sleep=sleep)


def data_set_requests(server) -> int:
    """Attempts at the data set: requests for the first page of one of its filters (a long
    region filter is split over several requests, sources/statline.py). The first filter's is
    sent in every attempt; another's may not be, once a request of the attempt failed."""
    first_pages = Counter(
        r for r in server.requests if f"/{TABLE}/TypedDataSet" in r and "skip" not in r
    )
    return max(first_pages.values())


@pytest.mark.parametrize("fault", list(FAULTS))
def test_persistent_fault_is_retried_a_bounded_number_of_times_then_names_the_table(
    server, scope, fault, request
):
    server.broken_tables[TABLE] = fault
    waits: list[float] = []
    with pytest.raises(CbsUnavailableError) as err:
        client(server, waits).fetch(get_table(TABLE), scope)
    message = str(err.value)
    assert f"CBS table {TABLE}" in message and server.catalog_url in message
    assert f"after {ATTEMPTS} attempts" in message
    # One readable line: the data requests' URLs (filters of up to 2,000 characters) cut short.
    assert len(message) < 450, message
    assert data_set_requests(server) == ATTEMPTS
    assert len(waits) == ATTEMPTS - 1
    if fault == 429:
        assert waits == [7.0, 7.0]  # CBS's Retry-After, not our own backoff
    if fault == "flood":  # given up at its size, long before its deadline
        assert "more than any CBS answer (1,048,576)" in message
    reliability_row(
        request,
        side="CBS (client)",
        fault=f"{FAULTS[fault]}, every attempt",
        injected=f"local OData server, data set of {TABLE}",
        expected=f"{ATTEMPTS} attempts with backoff, then an error naming table and URL",
        seen=message,
    )


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_that_clears_is_survived_with_the_same_rows(server, scope, fault, request):
    clean = client(server, []).fetch(get_table(TABLE), scope)
    server.broken_tables[TABLE] = fault
    waits: list[float] = []
    data = client(server, waits, on_wait=server.broken_tables.clear).fetch(get_table(TABLE), scope)
    assert data.data == clean.data and len(data.data) == 300
    assert len(waits) == 1
    reliability_row(
        request,
        side="CBS (client)",
        fault=f"{FAULTS[fault]}, first attempt only",
        injected=f"local OData server, data set of {TABLE}",
        expected="the retry loads the table; rows equal a clean download",
        seen=f"loaded {len(data.data)} rows after {len(waits) + 1} attempts",
    )


def test_a_failed_request_ends_the_attempt_without_sending_the_queued_ones(server, scope):
    # 85926NED's scoped download is 15 data requests (5 slices, regions split to fit CBS's URL
    # limit), one at a time here; each answer takes 0.1 s, far longer than handing a failure
    # from the worker thread to the caller.
    table = get_table("85926NED")
    server.delay_seconds = 0.1
    server.broken_tables[table.table_id] = 500
    with pytest.raises(CbsUnavailableError):
        client(server, [], concurrent_requests=1).fetch(table, scope)
    sent = [r for r in server.requests if f"/{table.table_id}/TypedDataSet" in r]
    # The failing request and at most the one started meanwhile, per attempt (was 15).
    assert ATTEMPTS <= len(sent) <= 2 * ATTEMPTS


def test_after_three_tables_without_an_answer_the_client_asks_no_more(server):
    """Tables CBS gives no answer for, each after its attempts; an answer in between starts
    the count again. After NO_ANSWER_IN_A_ROW in a row the client sends nothing more."""
    down, answering = ["85098NED", "85099NED", "84134NED", "85036NED", "82972NED"], "70072ned"
    server.broken_tables.update(dict.fromkeys(down, "down"))
    cbs = client(server, [])
    for table_id in [down[0], down[1]]:
        with pytest.raises(CbsUnavailableError, match="no valid answer"):
            cbs.table_info(table_id)
    assert cbs.table_info(answering)["Identifier"] == answering and not cbs.not_answering
    for table_id in down[2:]:
        with pytest.raises(CbsUnavailableError, match="no valid answer"):
            cbs.table_info(table_id)
    assert cbs.not_answering
    sent = len(server.requests)
    with pytest.raises(CbsNotAskedError) as err:
        cbs.table_info("03759ned")
    assert len(server.requests) == sent  # not asked
    assert str(err.value) == (
        "CBS table 03759ned: not asked — CBS gave no answer for 84134NED, 85036NED, 82972NED "
        f"before it, each after {ATTEMPTS} attempts (CBS down, or out of reach?)"
    )


def test_tables_whose_data_cbs_does_not_serve_are_counted_though_their_metadata_answers(
    server, scope
):
    """CBS answering a table's small requests (TableInfos, its listing and metadata sets) but
    not its data: those answers do not start the count of tables without data again, so after
    NO_ANSWER_IN_A_ROW such tables the client asks no more; a table whose data came does."""
    no_data = ["85098NED", "85099NED", "84134NED", "85036NED"]
    server.broken_tables.update(dict.fromkeys(no_data, 503))  # the data set only
    cbs = client(server, [])
    cbs.fetch(get_table("82972NED"), scope)  # data came: nothing counted
    for table_id in no_data[:2]:
        cbs.table_info(table_id)  # answers
        with pytest.raises(CbsUnavailableError, match="no valid answer"):
            cbs.fetch(get_table(table_id), scope)
    cbs.fetch(get_table("82972NED"), scope)  # data came again: the count starts again
    for table_id in no_data[:3]:
        assert cbs.table_info(table_id)["Identifier"] == table_id and not cbs.not_answering
        with pytest.raises(CbsUnavailableError, match="no valid answer"):
            cbs.fetch(get_table(table_id), scope)
    assert cbs.not_answering
    sent = len(server.requests)
    with pytest.raises(CbsNotAskedError) as err:
        cbs.table_info(no_data[3])
    assert len(server.requests) == sent  # not asked
    assert str(err.value) == (
        f"CBS table {no_data[3]}: not asked — CBS gave no data (its other requests answered) "
        f"for 85098NED, 85099NED, 84134NED before it, each after {ATTEMPTS} attempts (CBS "
        "down, or out of reach?)"
    )


def test_404_for_the_table_is_not_retried_and_says_it_is_not_served(server, request):
    with pytest.raises(CbsTableNotFoundError, match="does not serve the table.*withdrawn") as err:
        client(server, []).table_info("99999NED")
    assert len(server.requests) == 1
    reliability_row(
        request,
        side="CBS (client)",
        fault="HTTP 404 for the table's TableInfos (table withdrawn or id wrong)",
        injected="local OData server, unknown table id",
        expected="one attempt, an error naming the table: CBS does not serve it",
        seen=str(err.value),
    )


def test_a_404_for_a_data_request_is_a_refused_request_not_a_withdrawn_table(
    server, scope, request
):
    # IIS answers a query string over its limit with 404: that says nothing about the table.
    server.broken_tables[TABLE] = "refused"
    with pytest.raises(CbsRequestRefusedError, match="HTTP 404 for TypedDataSet") as err:
        client(server, []).fetch(get_table(TABLE), scope)
    assert not isinstance(err.value, CbsTableNotFoundError)
    assert "whether the table is discontinued is read from its TableInfos" in str(err.value)
    assert data_set_requests(server) == 1  # not retried
    reliability_row(
        request,
        side="CBS (client)",
        fault="HTTP 404 for a data request (e.g. a URL over IIS's limit)",
        injected=f"local OData server, data set of {TABLE}",
        expected="one attempt; an error saying CBS refused the request, not that the table is "
        "withdrawn",
        seen=str(err.value),
    )


def test_a_query_string_over_2048_characters_is_refused_as_cbs_refuses_it(server):
    import requests

    url = f"http://{server.catalog_url}/ODataFeed/odata/{TABLE}/TypedDataSet?$format=json"
    # "$format=json&$filter=" is 21 characters of the query string: 2,048 pass, 2,049 do not.
    assert requests.get(url + "&$filter=" + "x" * 2028, timeout=5).status_code == 404
    assert requests.get(url + "&$filter=" + "x" * 2027, timeout=5).status_code == 200


def test_table_info_is_one_small_request(server):
    info = client(server, []).table_info(TABLE)
    assert info["Identifier"] if "Identifier" in info else info["Title"]
    assert all("TableInfos" in r for r in server.requests) and len(server.requests) == 1
