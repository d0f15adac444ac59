import re

import pytest
import yaml

from lifecycle.dbt_registry import generated_files
from sources.custom import CUSTOM_SOURCES
from sources.registry import CURRENT_REGION_TABLE, REGISTRY, get_table
from sources.scope import (
    ScopeConfig,
    any_of,
    membership_from_gebieden,
    odata_region_parts,
    resolve_scope,
)
from sources.snapshot import SnapshotSource
from sources.tabledata import unlisted_keys, unlisted_selection
from tests.conftest import REPO_ROOT

OVERIJSSEL_GEMEENTEN = {
    "GM0141",
    "GM0147",
    "GM0148",
    "GM0150",
    "GM0153",
    "GM0158",
    "GM0160",
    "GM0163",
    "GM0164",
    "GM0166",
    "GM0168",
    "GM0173",
    "GM0175",
    "GM0177",
    "GM0180",
    "GM0183",
    "GM0189",
    "GM0193",
    "GM1700",
    "GM1708",
    "GM1735",
    "GM1742",
    "GM1773",
    "GM1774",
    "GM1896",
}


@pytest.fixture(scope="module")
def membership():
    gebieden = SnapshotSource().fetch(REGISTRY[CURRENT_REGION_TABLE], None)
    return membership_from_gebieden(gebieden.data)


def test_table_ids_keep_cbs_case_and_lookup_suggests_the_right_case():
    assert "03759ned" in REGISTRY and "86059NED" in REGISTRY
    with pytest.raises(KeyError, match="Did you mean '03759ned'"):
        get_table("03759NED")


def test_predecessor_and_successor_links_point_both_ways():
    for table in REGISTRY.values():
        if table.successor in REGISTRY:
            assert REGISTRY[table.successor].predecessor == table.table_id


def test_every_registered_table_is_a_dbt_source_and_vice_versa():
    generated = generated_files(REPO_ROOT / "dbt_project")
    sources = yaml.safe_load(generated[REPO_ROOT / "dbt_project/models/staging/_sources.yml"])
    raw = next(s for s in sources["sources"] if s["name"] == "raw")
    registered = {t.asset_name for t in REGISTRY.values()} | {
        s.asset_name for s in CUSTOM_SOURCES.values()
    }
    assert {t["name"] for t in raw["tables"]} == registered


def test_default_scope_is_overijssel_with_comparison_regions(membership):
    scope = resolve_scope(ScopeConfig(), membership)
    gemeenten = {c for c in scope.codes if c.startswith("GM")}
    assert gemeenten == OVERIJSSEL_GEMEENTEN
    assert {c for c in scope.codes if c.startswith("CR")} == {"CR10", "CR11", "CR12"}
    assert {c for c in scope.codes if c.startswith("PV")} == {f"PV{n}" for n in range(20, 32)}
    assert "NL01" in scope.codes and scope.focus_codes == {"PV23", "NL01"}


def test_another_province_or_all_gemeenten_is_configuration_only(membership):
    gelderland = resolve_scope(ScopeConfig(focus_province="PV25"), membership)
    assert "GM0202" in gelderland.codes and "GM0193" not in gelderland.codes  # Arnhem, Zwolle
    national = resolve_scope(ScopeConfig(gemeenten="all", corop="all"), membership)
    assert len({c for c in national.codes if c.startswith("GM")}) == 342
    assert national.whole_levels == ("GM", "CR")


def test_unknown_focus_province_is_a_clear_error(membership):
    with pytest.raises(ValueError, match="PV99"):
        resolve_scope(ScopeConfig(focus_province="PV99"), membership)


def test_region_filter_matches_padded_keys_and_compacts_whole_levels():
    clause = any_of(odata_region_parts("RegioS", ["PV23", "GM0193"], whole_levels=["GM"]))
    assert "startswith(RegioS,'GM')" in clause
    assert "RegioS eq 'PV23' or startswith(RegioS,'PV23 ')" in clause
    assert "GM0193" not in clause
    assert re.fullmatch(r"\(.*\)", clause)


@pytest.mark.parametrize("gemeenten", ["focus_province", "all"])
def test_the_pyramid_slice_asks_cbs_for_the_focus_province_and_nederland_only(
    membership, gemeenten
):
    # Served from the SYNTHETIC full-detail 03759ned of the benchmark (every region × sex × age
    # × marital status × 1988–2025, generated): the filter the client sends for the pyramid
    # slice must keep Overijssel and Nederland whatever the scope. With `gemeenten: all` it
    # once became "every region" (the scope's whole levels), 3.2 million rows for 7,000 used.
    from bench.synthetic import FullDetail03759ned
    from sources.statline import slice_filters

    table = REGISTRY["03759ned"]
    scope = resolve_scope(ScopeConfig(gemeenten=gemeenten, corop=gemeenten), membership)
    pyramid = next(s for s in table.slices if s.name == "pyramid")
    [only] = slice_filters(table, pyramid, scope, "https://opendata.cbs.nl/ODataFeed/odata/x/")
    rows = FullDetail03759ned(membership).data(only)
    assert len(rows) == 2 * 2 * 107 * 38  # PV23 and NL01 × men, women × 107 ages × 38 years
    assert {r["RegioS"] for r in rows[::997]} == {"NL01  ", "PV23  "}
    assert {r["Geslacht"].strip() for r in rows[::997]} == {"3000", "4000"}
    assert {r["BurgerlijkeStaat"] for r in rows[::997]} == {"T001019"}


SCOPES = {
    "default": ScopeConfig(),
    **{f"province {n}": ScopeConfig(focus_province=f"PV{n}") for n in range(20, 32)},
    "national": ScopeConfig(gemeenten="all", corop="all"),
}


@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_no_request_url_is_over_2000_characters_and_the_requests_select_the_scope(
    membership, scope_name
):
    # CBS's IIS refuses a query string over 2,048 characters (404): a long region filter is
    # split over requests. Each slice's requests together must keep exactly the slice's regions,
    # in padded and unpadded form, and each region once.
    from sources.statline import MAX_URL_CHARS, entity_set_url, slice_filters
    from sources.tabledata import DATA_SET, CbsDataError, resolve_slice, slice_region_codes
    from tests.cbs_server import compile_filter

    scope = resolve_scope(SCOPES[scope_name], membership)
    snapshot = SnapshotSource()
    every_region = {m.gemeente for m in membership} | {m.corop for m in membership} | scope.codes
    for table in REGISTRY.values():
        url = f"https://opendata.cbs.nl/ODataFeed/odata/{table.table_id}/"
        sets = snapshot.entity_sets(table.table_id)
        for raw_slice in table.slices:
            try:  # with the categories chosen by title as keys, where the snapshot lists them
                slice_ = resolve_slice(table, raw_slice, sets, url)
            except CbsDataError:
                slice_ = raw_slice
            filters = slice_filters(table, slice_, scope, url)
            for f in filters:
                assert len(entity_set_url(url, DATA_SET, f)) <= MAX_URL_CHARS, (table, f)
            codes = slice_region_codes(table, slice_, scope)
            if codes is None:
                assert len(filters) == 1
                continue
            period = f"2024{(table.period_kinds or ('JJ',))[0]}00"
            kept = []
            for f in filters:
                keep = compile_filter(f)
                for region in sorted(every_region | set(codes)):
                    for key in (region, region + "  "):
                        row = {table.region_dimension: key}
                        row |= {d: c[0] for d, c in slice_.dimension_codes.items()}
                        if table.period_dimension:
                            row[table.period_dimension] = period
                        if keep(row):
                            kept.append(region)
            assert sorted(kept) == sorted(2 * list(codes)), (table.table_id, slice_.name)


def test_what_the_registry_selects_is_checked_against_cbs_category_lists():
    """Each category key a slice selects and each registered kind of period must be in the
    table's own lists (SYNTHETIC lists: CBS stopped the months of 37230ned, one of
    03759ned's sexes)."""
    months_gone = {"Perioden": [{"Key": "2024JJ00"}, {"Key": "2025KW01"}]}
    table = get_table("37230ned")
    assert unlisted_selection(table, table.slices, months_gone) == ["Perioden of kind 'MM'"]
    table = get_table("03759ned")
    lists = {
        "Geslacht": [{"Key": "T001038"}, {"Key": "3000   "}],  # CBS pads its keys
        "Leeftijd": [{"Key": "10000  "}],
        "BurgerlijkeStaat": [{"Key": "T001019"}],
        "Perioden": [{"Key": "2024JJ00"}],
    }
    assert unlisted_selection(table, table.slices, lists) == ["Geslacht '4000'"]
    assert unlisted_keys(table.slices, lists) == {"Geslacht": ["4000"]}
