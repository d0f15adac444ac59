"""Live mode against a local CBS OData server (127.0.0.1): the project's client, checked against
what the real `cbsodata` client reads from the same server."""

import csv
import json
import shutil

import duckdb
import pytest

from bench.synthetic import age_key
from lifecycle.raw import load_raw_table
from sources.registry import REGISTRY, get_table
from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
from sources.snapshot import SNAPSHOT_DIR, SnapshotSource
from sources.statline import LiveSettings, StatLineClient
from sources.tabledata import CbsDataError
from tests.cbs_server import CbsODataServer
from tests.conftest import (
    REPO_ROOT,
    build_pyramid,
    reliability_row,
    synthetic_03759ned_sets,
)
from tools.snapshot_builder import LIVE_ONLY_TABLES


@pytest.fixture(scope="module")
def server():
    with CbsODataServer(SNAPSHOT_DIR, page_size=200) as srv:
        yield srv


def client_for(server, **kw) -> StatLineClient:
    settings = LiveSettings(
        catalog_url=server.catalog_url,
        use_https=False,
        timeout_seconds=5,
        max_attempts=3,
        backoff_seconds=0.01,
        **kw,
    )
    return StatLineClient(settings, sleep=lambda s: None)


def test_the_client_reads_what_cbsodata_reads(server, monkeypatch):
    """Our pager returns the same entity sets and rows as `cbsodata.download_data` — the client
    it replaces (cbsodata pages without a guard and keeps its settings module-global)."""
    import cbsodata

    monkeypatch.setattr(cbsodata.options, "use_https", False)
    for table_id in ("85098NED", "03759ned"):
        theirs = cbsodata.download_data(table_id, catalog_url=server.catalog_url)
        ours = client_for(server)._download_once(table_id, [None])
        assert set(ours) == set(theirs) and len(ours["TypedDataSet"]) > 200  # several pages
        assert ours == theirs


def test_an_answer_compressed_with_gzip_is_read_as_it_would_be_uncompressed(server):
    with CbsODataServer(SNAPSHOT_DIR, page_size=200, gzip_answers=True) as compressing:
        compressed = client_for(compressing)._download_once("03759ned", [None])
        assert compressing.compressed_answers > 27  # the sets, and every page of the data set
    assert compressed == client_for(server)._download_once("03759ned", [None])


@pytest.fixture(scope="module")
def scope():
    gebieden = SnapshotSource().fetch(REGISTRY["86059NED"], None)
    return resolve_scope(ScopeConfig(), membership_from_gebieden(gebieden.data))


def raw_frame(table, data):
    con = duckdb.connect()
    load_raw_table(con, table, data, "test-release", "test-selection")
    return (
        con.sql(f"select * from raw.{table.asset_name} order by all").df(),
        con.sql(
            "select * exclude (source_mode, location, loaded_at) from raw.cbs_table_infos"
        ).df(),
        con.sql("select * from raw.cbs_dimension_categories order by all").df(),
    )


@pytest.mark.parametrize("table_id", sorted(set(REGISTRY) - set(LIVE_ONLY_TABLES)))
def test_live_raw_tables_equal_snapshot_raw_tables(server, scope, table_id):
    table = get_table(table_id)
    live = client_for(server).fetch(table, scope)
    snapshot = SnapshotSource().fetch(table, scope)
    assert live.source == "live" and live.location.startswith("http://127.0.0.1")
    for live_frame, snapshot_frame in zip(
        raw_frame(table, live), raw_frame(table, snapshot), strict=True
    ):
        assert live_frame.equals(snapshot_frame)


def test_data_set_is_paged_through_next_links(server, scope):
    server.requests.clear()
    data = client_for(server).fetch(get_table("03759ned"), scope)
    pages = [r for r in server.requests if "TypedDataSet" in r]
    assert len(pages) >= 2 * 27  # two slices, 5513 rows in pages of 200
    assert len(data.data) == 962


def test_filter_sent_to_cbs_pads_keys_and_limits_periods(server, scope):
    server.filters.clear()
    client_for(server).fetch(get_table("37230ned"), scope)
    sent = " ".join(server.filters["37230ned"])
    assert "RegioS eq 'PV23' or startswith(RegioS,'PV23 ')" in sent
    assert "substringof('JJ',Perioden)" in sent
    assert "substringof('MM',Perioden)" in sent  # 1 January of a year not yet published as a year


def test_live_only_table_86098ned_loads_dwellings_by_month_and_year(tmp_path, scope):
    """SMALL SYNTHETIC FIXTURE (not CBS figures): 86098NED has no raw file in the snapshot, so
    its live path is proven on made-up rows in the shape of the live table."""
    folder = tmp_path / "86098NED"
    folder.mkdir()
    rows = [
        {
            "ID": i,
            "Gebruiksfunctie": use,
            "RegioS": region,
            "Perioden": period,
            "NieuwbouwTotaal_6": n,
            "SaldoVoorraad_21": n,
            "EindstandVoorraad_22": 1000 + n,
        }
        for i, (use, region, period, n) in enumerate(
            [
                ("A045364", "PV23  ", "2025MM01", 11),
                ("A045364", "PV23  ", "2024JJ00", 120),
                ("A045364", "PV23  ", "2025KW01", 30),  # quarters are not registered: left out
                ("A045364", "PV99  ", "2025MM01", 5),  # outside the region scope: left out
                ("A045365", "PV23  ", "2025MM01", 7),  # a non-dwelling use: left out
            ]
        )
    ]
    sets = {
        "TypedDataSet": rows,
        "TableInfos": [{"Identifier": "86098NED", "Title": "Levensloop", "Modified": None}],
        "DataProperties": [],
        "Gebruiksfunctie": [{"Key": "A045364", "Title": "Woning"}],
        "RegioS": [{"Key": "PV23  ", "Title": "Overijssel"}],
        "Perioden": [
            {"Key": k, "Title": k, "Status": "Voorlopig"}
            for k in ("2024JJ00", "2025MM01", "2025KW01")
        ],
    }
    for name, body in sets.items():
        (folder / f"{name}.json").write_text(json.dumps(body))
    with CbsODataServer(tmp_path, page_size=2) as synthetic:
        data = client_for(synthetic).fetch(get_table("86098NED"), scope)
        sent = synthetic.filters["86098NED"][0]
    assert "Gebruiksfunctie eq 'A045364'" in sent
    frame, _, _ = raw_frame(get_table("86098NED"), data)
    assert sorted(frame["Perioden"]) == ["2024JJ00", "2025MM01"]
    assert frame["NieuwbouwTotaal_6"].tolist() == [120, 11]


def _write_sets(folder, sets):
    folder.mkdir()
    for name, body in sets.items():
        (folder / f"{name}.json").write_text(json.dumps(body))


def _jeugdzorg_2015_2020_sets(total_title):
    """SMALL SYNTHETIC FIXTURE (not CBS figures): 84134NED in the shape of the live table, with
    made-up category keys (the real key of 'JZ Totaal jeugdzorg' is not known offline)."""
    rows = [
        {
            "ID": i,
            "VormenVanJeugdzorg": key,
            "RegioS": "PV23  ",
            "Perioden": "2020JJ00",
            "JongerenMetJeugdzorg_1": n,
            "JongerenMetJeugdzorgRelatief_2": 9.9,
            "Jeugdzorgtrajecten_3": None,
        }
        for i, (key, n) in enumerate([("X900001", 1000), ("X900002", 700)])
    ]
    return {
        "TypedDataSet": rows,
        "TableInfos": [{"Identifier": "84134NED", "Title": "Jeugdzorg", "Modified": None}],
        "DataProperties": [],
        "VormenVanJeugdzorg": [
            {"Key": "X900001", "Title": total_title},
            {"Key": "X900002", "Title": "JZ Totaal jeugdzorg in natura"},
        ],
        "RegioS": [{"Key": "PV23  ", "Title": "Overijssel (PV)"}],
        "Perioden": [
            {"Key": "2020JJ00", "Title": "2020", "Status": "Definitief"},
            {"Key": "2020HJ01", "Title": "2020 1e halfjaar", "Status": "Definitief"},
        ],
    }


def test_a_category_chosen_by_title_is_resolved_to_the_live_key(tmp_path, scope):
    _write_sets(tmp_path / "84134NED", _jeugdzorg_2015_2020_sets("JZ Totaal jeugdzorg"))
    table = get_table("84134NED")
    with CbsODataServer(tmp_path) as synthetic:
        data = client_for(synthetic).fetch(table, scope)
        sent = synthetic.filters["84134NED"][0]
        asked = [r for r in synthetic.requests if "/84134NED/VormenVanJeugdzorg" in r]
    assert asked  # the category list is read before the data set is filtered
    assert "VormenVanJeugdzorg eq 'X900001'" in sent and "X900002" not in sent
    frame, _, categories = raw_frame(table, data)
    assert frame["VormenVanJeugdzorg"].tolist() == ["X900001"]
    assert frame["JongerenMetJeugdzorg_1"].tolist() == [1000]
    assert categories[categories["dimension"] == "VormenVanJeugdzorg"]["title"].tolist() == [
        "JZ Totaal jeugdzorg"
    ]


def _03759ned_served(folder, drop_keys=(), drop_period_kind=None):
    """03759ned as the snapshot serves it, with categories the registry selects taken out of
    CBS's lists (SYNTHETIC: CBS has not dropped them)."""
    shutil.copytree(SNAPSHOT_DIR / "03759ned", folder / "03759ned")
    for name in ("Geslacht", "Perioden"):
        path = folder / "03759ned" / f"{name}.json"
        listed = json.loads(path.read_text())
        path.write_text(
            json.dumps(
                [
                    c
                    for c in listed
                    if c["Key"].strip() not in drop_keys
                    and (drop_period_kind is None or drop_period_kind not in c["Key"])
                ]
            )
        )


@pytest.mark.parametrize(
    ("dropped", "said"),
    [
        ({"drop_keys": ("4000",)}, "Geslacht '4000'"),
        ({"drop_keys": ("3000", "4000", "T001038")}, "Geslacht 'T001038', '3000', '4000'"),
        ({"drop_period_kind": "JJ"}, "Perioden of kind 'JJ'"),
    ],
    ids=["one of two sexes", "every sex", "the years"],
)
def test_a_selection_cbs_does_not_list_fails_at_once_naming_it(
    tmp_path, scope, dropped, said, request
):
    """CBS applies the client's `$filter`: a category the registry selects that CBS no longer
    lists selects no rows — all of the table's (an empty data set, which is not a glitch to ask
    again for) or silently those of one category. Either fails at once, naming the table, the
    dimension and the keys."""
    _03759ned_served(tmp_path, **dropped)
    with (
        CbsODataServer(tmp_path, evaluate_filter=True) as cbs,
        pytest.raises(CbsDataError) as err,
    ):
        client_for(cbs).fetch(get_table("03759ned"), scope)
    asked = [r for r in cbs.requests if "/TypedDataSet" in r and "$skip" not in r]
    message = str(err.value)
    assert message.startswith(f"CBS table 03759ned: CBS does not list {said} at http://127.0.0.1:")
    assert message.endswith(
        "/03759ned/, which the registry selects (sources/registry.py): those rows would be missing"
    )
    assert len(asked) == len(set(asked)) >= 2  # each slice's filter(s) once: not asked again
    if "every sex" in request.node.name:
        reliability_row(
            request,
            side="CBS (schema)",
            fault="CBS no longer lists a category the registry selects by key",
            injected="03759ned's Geslacht list without its categories; the server applies "
            "`$filter` as CBS does (an empty data set)",
            expected="the table is refused at once (not retried as a glitch), naming table, "
            "dimension and keys",
            seen=message,
        )


def test_a_category_title_cbs_no_longer_lists_fails_naming_it(tmp_path, scope, request):
    # SYNTHETIC: CBS renamed the total category.
    _write_sets(tmp_path / "84134NED", _jeugdzorg_2015_2020_sets("Totaal jeugdzorg"))
    with (
        CbsODataServer(tmp_path) as synthetic,
        pytest.raises(CbsDataError) as err,
    ):
        client_for(synthetic).fetch(get_table("84134NED"), scope)
    message = str(err.value)
    assert message.startswith(
        "CBS table 84134NED: no category titled 'JZ Totaal jeugdzorg' (near: Totaal jeugdzorg, "
        "JZ Totaal jeugdzorg in natura) in dimension VormenVanJeugdzorg at http://127.0.0.1:"
    )
    reliability_row(
        request,
        side="CBS (schema)",
        fault="a category the registry chooses by title is renamed",
        injected="84134NED's category list titles the total 'Totaal jeugdzorg'",
        expected="the table is refused, naming table, dimension, title and the nearest title",
        seen=message,
    )


EUROSTAT_FILE = (
    REPO_ROOT / "sources/custom/bevolking_leeftijdsgroepen/2025-08-eurostat-demo_r_pjangroup.csv"
)


def _03759ned_single_years_from(groups: dict[tuple[str, str], int]) -> dict:
    """SYNTHETIC 03759ned (not CBS figures): single years of age made by splitting Overijssel's
    2024 Eurostat groups — a five-year group over its five years, 85+ over 85 … 104 and "105
    jaar of ouder" — plus the aggregate "95 jaar of ouder" (999 999, which must not be summed)
    and the totals row, in the shape of the live table."""
    ages = {"10000": "Totaal", "22000": "95 jaar of ouder", "22300": "105 jaar of ouder"}
    ages |= {age_key(a): f"{a} jaar" for a in range(105)}
    sexes = {"mannen": "3000   ", "vrouwen": "4000   "}
    counts = {}
    for (geslacht, group), n in groups.items():
        first = int(group.rstrip("+").split("-")[0])
        keys = [age_key(a) for a in range(first, first + 5)]
        if group.endswith("+"):
            keys = [age_key(a) for a in range(first, 105)] + ["22300"]
        share, rest = divmod(n, len(keys))
        for i, key in enumerate(keys):
            counts[(sexes[geslacht], key)] = share + (1 if i < rest else 0)
        counts[(sexes[geslacht], "22000")] = 999_999
    counts[("T001038", "10000")] = sum(groups.values())
    return synthetic_03759ned_sets(counts, ages)


def test_live_single_years_become_the_eurostat_groups(tmp_path, scope):
    """Live mode: 03759ned's single years of age, read through the local OData server, are
    grouped into exactly the groups (and counts) of the Eurostat rows they were split from, and
    the pyramid says it used 03759ned for that year."""
    eurostat = {
        (r["geslacht"], r["leeftijdsgroep"]): int(r["waarde"])
        for r in csv.DictReader(EUROSTAT_FILE.open(encoding="utf-8"))
        if (r["regio"], r["jaar"]) == ("NL21", "2024")
    }
    _write_sets(tmp_path / "03759ned", _03759ned_single_years_from(eurostat))
    table = get_table("03759ned")
    with CbsODataServer(tmp_path, page_size=50) as synthetic:
        data = client_for(synthetic).fetch(table, scope)
    warehouse = build_pyramid(data, tmp_path)
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            "select region_code, period, geslacht, leeftijdsgroep, personen, source_table "
            "from marts.bevolking_piramide where period = '2024'"
        ).fetchall()
    live = {(g, group): n for region, _, g, group, n, _ in rows if region == "PV23"}
    assert live == eurostat and len(live) == 36
    assert {source for region, *_, source in rows if region == "PV23"} == {"03759ned"}
    # Nederland has no 03759ned detail in this synthetic table: its year stays Eurostat's, with
    # the same groups.
    nederland = {(g, group) for region, _, g, group, _, _ in rows if region == "NL01"}
    assert nederland == set(eurostat)


def test_the_filter_the_client_sends_selects_on_a_server_that_evaluates_it(scope):
    """A server that applies `$filter` as CBS does (tests/cbs_server.py: evaluate_filter)
    serves less and gives the client the same tables as one that ignores the filter: the
    client's filter and its own selection agree, padded keys included."""
    from tests.cbs_server import filter_matches

    assert filter_matches("(RegioS eq 'PV23' or startswith(RegioS,'PV23 '))", {"RegioS": "PV23  "})
    assert not filter_matches("RegioS eq 'PV23'", {"RegioS": "PV23  "})  # CBS pads its keys
    assert filter_matches(
        "(substringof('JJ',Perioden)) and X eq 'a'", {"Perioden": "2024JJ00", "X": "a"}
    )
    with (
        CbsODataServer(SNAPSHOT_DIR, page_size=200, evaluate_filter=True) as filtering,
        CbsODataServer(SNAPSHOT_DIR, page_size=200) as ignoring,
    ):
        for table_id in ("03759ned", "37230ned", "85984NED", "84134NED", "86059NED"):
            table = get_table(table_id)
            filtered = client_for(filtering).fetch(table, scope)
            unfiltered = client_for(ignoring).fetch(table, scope)
            # The same rows; a long region filter is split over requests, so not in one order.
            assert sorted(map(repr, filtered.data)) == sorted(map(repr, unfiltered.data)), table_id
        assert filtering.bytes_sent["03759ned"] < ignoring.bytes_sent["03759ned"] / 2


def test_a_table_with_two_slices_reads_its_metadata_once(server, scope):
    """03759ned has two slices (totals and the pyramid): the second asks only for its data set,
    since every request is a round trip to CBS (BENCHMARKS.md, the live path)."""
    server.requests.clear()
    data = client_for(server).fetch(get_table("03759ned"), scope)
    metadata = [r.split("?")[0] for r in server.requests if "/TypedDataSet" not in r]
    assert len(metadata) == len(set(metadata)) == 8  # listing, TableInfos, DataProperties, 5 dims
    assert len(data.data) == 962


def test_the_tableinfos_read_for_the_release_hint_is_not_asked_again(server, scope):
    """A run asks for a table's release first (TableInfos), then downloads it: one TableInfos
    request, and the downloaded table still carries it."""
    client = client_for(server)
    table = get_table("03759ned")
    server.requests.clear()
    release = client.release_hint(table)
    data = client.fetch(table, scope)
    asked = [r.split("?")[0] for r in server.requests if r.split("?")[0].endswith("/TableInfos")]
    assert len(asked) == 1
    assert data.table_info.get("Modified") == release


@pytest.mark.parametrize(
    "config",
    [ScopeConfig(), ScopeConfig(focus_province="PV28"), ScopeConfig(gemeenten="all", corop="all")],
    ids=["default", "zuid-holland", "national"],
)
def test_every_registered_table_loads_within_cbs_url_limit(config, request):
    """Against a server that refuses a query string over 2,048 characters (404, as CBS's IIS
    does) and applies every filter: each registered table in the snapshot loads the rows of its
    scope, and no URL (nextLinks included) is over 2,000 characters."""
    gebieden = SnapshotSource().fetch(REGISTRY["86059NED"], None)
    scope = resolve_scope(config, membership_from_gebieden(gebieden.data))
    with CbsODataServer(SNAPSHOT_DIR, page_size=2000, evaluate_filter=True) as cbs:
        for table_id in sorted(set(REGISTRY) - set(LIVE_ONLY_TABLES)):
            table = get_table(table_id)
            live = client_for(cbs).fetch(table, scope)
            snapshot = SnapshotSource().fetch(table, scope)
            assert sorted(map(repr, live.data)) == sorted(map(repr, snapshot.data)), table_id
        assert 0 < cbs.longest_url <= 2000
        split = sum(len(v) for v in cbs.filters.values())
    reliability_row(
        request,
        side="CBS (client)",
        fault="query strings over 2,048 characters refused with 404 (IIS)",
        injected="local OData server applying $filter, scope " + request.node.callspec.id,
        expected="every table loads its scope; no URL over 2,000 characters",
        seen=f"{split} data requests, longest URL {cbs.longest_url} characters",
    )
