"""The dbt side generated from the registry: one description of a CBS table, never typed twice."""

import csv
import dataclasses
import io
import subprocess

import pytest

from lifecycle.dbt_registry import (
    RegistryInconsistentError,
    check_consistency,
    generated_files,
    registry_for_dbt,
)
from sources.registry import REGISTRY, column_name, get_table, measure_renames, tables_of
from tests.conftest import REPO_ROOT

DBT = REPO_ROOT / "dbt_project"
KWB_IDS = ("85039NED", "85318NED", "85618NED", "85984NED")


def test_every_staging_view_reads_the_tables_the_registry_assigns_it():
    registry = registry_for_dbt()
    assert registry["models"]["stg_cbs__kwb"] == list(KWB_IDS)
    for model in registry["models"]:
        assert (DBT / "models" / "staging" / f"{model}.sql").is_file(), model
        assert "cbs_staged()" in (DBT / "models" / "staging" / f"{model}.sql").read_text()


def test_a_kwb_edition_gives_its_own_keys_under_the_shared_names():
    tables = registry_for_dbt()["tables"]
    assert ["HuishoudensTotaal_28", "huishoudens_totaal"] in tables["85318NED"]["measures"]
    assert ["HuishoudensTotaal_29", "huishoudens_totaal"] in tables["85618NED"]["measures"]
    assert tables["85984NED"]["region_aliases"] == {"NL00": "NL01"}
    assert tables["85984NED"]["reference_period"] == "2024"


def test_series_order_puts_a_successor_after_its_predecessor():
    tables = registry_for_dbt()["tables"]
    assert tables["84903NED"]["series_order"] == 0
    assert tables["86054NED"]["series_order"] == 1
    assert tables["85984NED"]["series_order"] == 3


def test_the_series_transitions_seed_lists_every_registry_link():
    seed = generated_files(DBT)[DBT / "seeds" / "generated" / "reeksovergangen.csv"]
    rows = {(r["van_tabel"], r["naar_tabel"]): r for r in csv.DictReader(io.StringIO(seed))}
    assert rows[("82972NED", "85098NED")]["zelfde_definitie"] == "false"  # method break
    assert rows[("84903NED", "86054NED")]["zelfde_definitie"] == "true"
    for previous, edition in zip(KWB_IDS, KWB_IDS[1:], strict=False):
        assert (previous, edition) in rows and ("03759ned", edition) in rows
    # 1 January of a year not yet in 03759ned: 37230ned's start of January, and each Gebieden
    # edition's inhabitants for the gemeenten (after 03759ned or a KWB edition).
    assert rows[("03759ned", "37230ned")]["zelfde_definitie"] == "true"
    for earlier in ("03759ned", "84910NED", "85644NED", *KWB_IDS):
        assert rows[(earlier, "86059NED")]["zelfde_definitie"] == "true"
    # The gemeenten's population 2010 on: 84910NED beside 03759ned, then 85644NED.
    assert rows[("03759ned", "84910NED")]["zelfde_definitie"] == "true"
    assert rows[("84910NED", "85644NED")]["zelfde_definitie"] == "true"
    # Before 2010 the gemeenten come from 80860ned, another count: a method break.
    assert rows[("80860ned", "84910NED")]["zelfde_definitie"] == "false"
    # The woondeal's net addition from the stock difference after 86054NED: a method break.
    assert rows[("86054NED", "82550NED")]["zelfde_definitie"] == "false"
    links = sum(len(t.series_links) for t in REGISTRY.values())
    assert links == 14 + 1 + 3 * 7 + 2 + 1 + 2 + 1  # + 80860ned → 84910NED and → 03759ned
    assert rows[("85235NED", "85237NED")]["zelfde_definitie"] == "true"
    # A series that skips an empty edition goes on from an older one with the same definition;
    # a method break (82972NED → 85098NED) is never bridged.
    assert rows[("85039NED", "85984NED")]["zelfde_definitie"] == "true"
    assert rows[("85318NED", "85984NED")]["zelfde_definitie"] == "true"
    assert ("85039NED", "85618NED") in rows
    assert len(rows) == links + 3


def test_tables_of_one_view_that_disagree_on_a_name_are_refused():
    # Regression guard: a new edition whose measure got another staging name would silently
    # add a column that is null for every other edition.
    edition = get_table("85984NED")
    renamed = dict(edition.measures)
    renamed["HuishoudensTotaal_29"] = "huishoudens"
    wrong = dataclasses.replace(edition, table_id="SYNTHETIC1", measures=renamed)
    with pytest.raises(RegistryInconsistentError, match="SYNTHETIC1 and 85039NED"):
        check_consistency([*tables_of("stg_cbs__kwb"), wrong])
    check_consistency()  # the real registry is consistent


def test_a_table_with_regions_as_columns_stages_one_row_per_region_column():
    staged = registry_for_dbt()["tables"]["85237NED"]
    assert staged["region_dimension"] is None
    assert ["Overijssel_5", "PV23"] in staged["region_columns"]
    assert ["TotaalNederland_1", "NL01"] in staged["region_columns"]
    assert len(staged["region_columns"]) == 13
    # A measure that is not a region column would be staged under the wrong region.
    table = get_table("85237NED")
    extra = dataclasses.replace(table, measures={**table.measures, "Benzine_15": "benzine"})
    with pytest.raises(RegistryInconsistentError, match="85237NED has its regions as columns"):
        check_consistency([extra])


def test_renumbered_measures_are_derived_from_the_staging_names():
    assert measure_renames(get_table("85618NED"), get_table("85984NED")) == {
        "HuishOnderOfRondSociaalMinimum_85": "HuishOnderOfRondSociaalMinimum_90",
        "Koopwoningen_41": "Koopwoningen_47",
        "HuurwoningenTotaal_42": "HuurwoningenTotaal_48",
        "GemiddeldInkomenPerInkomensontvanger_77": "GemiddeldInkomenPerInkomensontvanger_82",
        "GemiddeldInkomenPerInwoner_78": "GemiddeldInkomenPerInwoner_83",
        "PersonenautoSPerHuishouden_109": "PersonenautoSPerHuishouden_114",
        "AfstandTotGroteSupermarkt_113": "AfstandTotGroteSupermarkt_118",
    }
    assert column_name("VormenVanJeugdzorg") == "vormen_van_jeugdzorg"


def test_no_sql_file_names_a_kwb_table_id():
    """Marts filter on meaning (a slice, a method), staging reads the generated registry."""
    found = subprocess.run(
        ["git", "grep", "-l", "-E", "|".join(KWB_IDS), "--", "*.sql", "*.py"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    allowed = {"sources/registry.py"}
    assert [f for f in found if f not in allowed and not f.startswith("tests/")] == []
