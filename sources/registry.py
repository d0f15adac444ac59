"""The CBS table registry: the one place where a CBS StatLine table is described.

Each entry says which table (exact id — CBS ids are case-sensitive), what it is for, which
dimensions and measures we use and the name each measure gets in the warehouse, which staging
view reads it, how it is limited to the region scope (slices), and how it relates to
predecessor or successor tables. Ingestion (snapshot or live), the pandera contracts, the
Dagster assets, the dbt sources and the staging views' column maps are all derived from these
entries (`lifecycle/dbt_registry.py` writes the dbt side at `ontcijferd prepare`): adding a
yearly edition of a table is one entry here plus its data files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

RegionSelection = Literal["scope", "focus_province_and_nederland", "none"]


@dataclass(frozen=True)
class Slice:
    """One filtered download of a table: the categories kept per (non-region) dimension.

    A table may need more than one slice, e.g. totals for every region in scope plus the
    sex × age detail for the focus province only (a full 03759ned download is ~98 million cells).
    The slice's name is what staging and marts select on (`in_<name>` where a table has more
    than one slice), never the category keys.
    """

    name: str
    dimension_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Categories chosen by their CBS title, for tables whose category keys could not be
    # verified offline (the collected exports carry titles only). Resolved to keys against the
    # table's own category list at every load (sources/tabledata.py: resolve_slice).
    category_titles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    regions: RegionSelection = "scope"


@dataclass(frozen=True)
class Continuation:
    """How a series goes on in this table: the same definition, or a method break, and why."""

    same_definition: bool
    note: str


@dataclass(frozen=True)
class SeriesLink(Continuation):
    """A table whose series this table's rows continue (a row of reference.reeksovergangen)."""

    from_table: str


@dataclass(frozen=True)
class CbsTable:
    table_id: str
    theme: str
    title: str
    dimensions: tuple[str, ...]
    # CBS measure key → the column it becomes in staging. Tables read by one staging view give
    # the same names (e.g. a KWB column whose key moves between editions).
    measures: Mapping[str, str]
    # The staging view (dbt_project/models/staging/<name>.sql) that reads this table.
    staging_model: str
    # Measures holding text (codes, names) rather than numbers.
    text_measures: tuple[str, ...] = ()
    slices: tuple[Slice, ...] = (Slice("all"),)
    region_dimension: str | None = "RegioS"
    period_dimension: str | None = "Perioden"
    # Period key kinds kept ("JJ" years, "KW" quarters, "MM" months, "HJ" half-years); None = all.
    period_kinds: tuple[str, ...] | None = ("JJ",)
    # Tables without a period dimension (KWB, Gebieden in Nederland) describe one fixed moment.
    reference_period: str | None = None
    # The CBS status of such a table's figures where CBS states it (CBS never revises an
    # edition of Gebieden in Nederland, whose inhabitants are the provisional count).
    reference_status: str | None = None
    # Some tables key Nederland differently (KWB uses NL00); map our NL01 onto it.
    region_key_aliases: Mapping[str, str] = field(default_factory=dict)
    # Tables that give each region a column of its own (85237NED: TotaalNederland_1,
    # Groningen_2 … Limburg_13) instead of a region dimension: CBS measure key → our region
    # code. Every measure of such a table is a region column, all under one staging name;
    # the staging view turns each column into rows of its region.
    region_columns: Mapping[str, str] = field(default_factory=dict)
    predecessor: str | None = None
    successor: str | None = None
    # How the series goes on from the predecessor: same definition, or a method break, and why.
    from_predecessor: Continuation | None = None
    # Other tables whose figures this table's rows continue or fill in (same statistic).
    continues: tuple[SeriesLink, ...] = ()
    notes: str = ""

    @property
    def asset_name(self) -> str:
        """Warehouse table name in schema `raw` (identifiers may not start with a digit)."""
        return f"cbs_{self.table_id.lower()}"

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.dimensions

    @property
    def categories_by_title(self) -> dict[str, tuple[str, ...]]:
        """Per dimension, the category titles any slice chooses by title (Slice.category_titles)."""
        chosen: dict[str, tuple[str, ...]] = {}
        for slice_ in self.slices:
            for dimension, titles in slice_.category_titles.items():
                chosen[dimension] = chosen.get(dimension, ()) + titles
        return chosen

    @property
    def series_links(self) -> tuple[SeriesLink, ...]:
        """Every table this one continues: its predecessor first, then the fill-in relations."""
        if self.from_predecessor is None or self.predecessor is None:
            return self.continues
        first = SeriesLink(
            self.from_predecessor.same_definition, self.from_predecessor.note, self.predecessor
        )
        return (first, *self.continues)


def measure_renames(old: CbsTable, new: CbsTable) -> dict[str, str]:
    """Measures the successor numbers differently: old key → new key, matched by staging name."""
    new_by_name = {name: key for key, name in new.measures.items()}
    return {
        key: new_by_name[name]
        for key, name in old.measures.items()
        if name in new_by_name and new_by_name[name] != key
    }


def column_name(dimension: str) -> str:
    """A CBS dimension's name in staging: `BurgerlijkeStaat` → `burgerlijke_staat`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", dimension).lower()


def _frozen(mapping: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(mapping))


def _population_totals(*breakdowns: str) -> Slice:
    """The total of a population table: every sex, age and the `breakdowns`' "Totaal", chosen
    by title (the category keys of 84910NED and 85644NED are not known offline)."""
    titles = {"Geslacht": ("Totaal mannen en vrouwen",), "Leeftijd": ("Totaal",)}
    return Slice("totals", category_titles=_frozen(titles | {d: ("Totaal",) for d in breakdowns}))


def _measures(**names: str) -> Mapping[str, str]:
    """Measure keys (keyword names) → staging names, in the table's column order."""
    return MappingProxyType(names)


# "Gebieden in Nederland": one row per gemeente with its COROP, landsdeel and provincie codes.
# The latest edition defines the region scope and dim_region; earlier ones keep history visible.
_GEBIEDEN_MEASURES = _measures(
    Code_1="gemeentecode",
    Naam_2="gemeente_name",
    Code_10="corop_code",
    Naam_11="corop_name",
    Code_26="landsdeel_code",
    Naam_27="landsdeel_name",
    Code_28="provincie_code",
    Naam_29="provincie_name",
    Inwonertal_56="inwonertal",
)


# 85237NED's columns per region (it has no region dimension) and our region codes.
_PROVINCE_COLUMNS = {
    "TotaalNederland_1": "NL01",
    "Groningen_2": "PV20",
    "Fryslan_3": "PV21",
    "Drenthe_4": "PV22",
    "Overijssel_5": "PV23",
    "Flevoland_6": "PV24",
    "Gelderland_7": "PV25",
    "Utrecht_8": "PV26",
    "NoordHolland_9": "PV27",
    "ZuidHolland_10": "PV28",
    "Zeeland_11": "PV29",
    "NoordBrabant_12": "PV30",
    "Limburg_13": "PV31",
}


def _gebieden(table_id: str, year: int, predecessor: str | None, successor: str | None):
    return CbsTable(
        table_id=table_id,
        theme="regio",
        title=f"Gebieden in Nederland {year}",
        dimensions=("RegioS",),
        measures=_GEBIEDEN_MEASURES,
        staging_model="stg_cbs__gebieden",
        text_measures=tuple(m for m in _GEBIEDEN_MEASURES if not m.startswith("Inwonertal")),
        slices=(Slice("gemeenten", regions="none"),),
        period_dimension=None,
        period_kinds=None,
        reference_period=str(year),
        # The inhabitants are CBS's provisional count of 1 January of the edition year (the
        # 2025 edition's Overijssel sum equals 37230ned's provisional 1,195,792).
        reference_status="voorlopig",
        predecessor=predecessor,
        successor=successor,
        # The inhabitants continue the population on 1 January of the gemeenten's earlier years.
        continues=tuple(
            SeriesLink(
                from_table=earlier,
                same_definition=True,
                note=f"Inhabitants on 1 January {year} (Gebieden in Nederland {year}): the same "
                "BRP count, provisional; the 2023 and 2024 editions' Overijssel sums equal "
                "03759ned (1,184,333 and 1,189,033)",
            )
            for earlier in (
                "03759ned",
                "84910NED",
                "85644NED",
                *(edition[0] for edition in _KWB_EDITIONS),
            )
        ),
        notes="Gemeente classification of 1 January of the edition year, with each gemeente's "
        "provisional number of inhabitants on that date.",
    )


# Kerncijfers wijken en buurten (KWB): one edition per year, gemeente and Land rows only. The
# population columns keep their keys in 2021–2024; the household columns move up one position
# from the 2023 edition, and the social-minimum column moves in 2023 and 2024, so each edition
# lists its own keys under the same staging names.
_KWB_POPULATION = dict(
    AantalInwoners_5="bevolking_totaal",
    k_0Tot15Jaar_8="leeftijd_0_15",
    k_15Tot25Jaar_9="leeftijd_15_25",
    k_25Tot45Jaar_10="leeftijd_25_45",
    k_45Tot65Jaar_11="leeftijd_45_65",
    k_65JaarOfOuder_12="leeftijd_65_plus",
)
_KWB_HOUSEHOLDS_2021 = dict(
    HuishoudensTotaal_28="huishoudens_totaal", Eenpersoonshuishoudens_29="eenpersoonshuishoudens"
)
_KWB_HOUSEHOLDS_2023 = dict(
    HuishoudensTotaal_29="huishoudens_totaal", Eenpersoonshuishoudens_30="eenpersoonshuishoudens"
)
# The gemeente themes (dwellings, income, cars, amenities, density). CBS renumbers them in 2023
# and again in 2024, so each edition lists its keys under the same staging names.
_KWB_THEMES_2021 = dict(
    Bevolkingsdichtheid_33="bevolkingsdichtheid",
    Koopwoningen_40="koopwoningen_pct",
    HuurwoningenTotaal_41="huurwoningen_pct",
    GemiddeldInkomenPerInkomensontvanger_71="inkomen_per_ontvanger",
    GemiddeldInkomenPerInwoner_72="inkomen_per_inwoner",
    PersonenautoSPerHuishouden_103="personenautos_per_huishouden",
    AfstandTotGroteSupermarkt_107="afstand_grote_supermarkt",
)
_KWB_THEMES_2023 = dict(
    Bevolkingsdichtheid_34="bevolkingsdichtheid",
    Koopwoningen_41="koopwoningen_pct",
    HuurwoningenTotaal_42="huurwoningen_pct",
    GemiddeldInkomenPerInkomensontvanger_77="inkomen_per_ontvanger",
    GemiddeldInkomenPerInwoner_78="inkomen_per_inwoner",
    PersonenautoSPerHuishouden_109="personenautos_per_huishouden",
    AfstandTotGroteSupermarkt_113="afstand_grote_supermarkt",
)
_KWB_THEMES_2024 = dict(
    Bevolkingsdichtheid_34="bevolkingsdichtheid",
    Koopwoningen_47="koopwoningen_pct",
    HuurwoningenTotaal_48="huurwoningen_pct",
    GemiddeldInkomenPerInkomensontvanger_82="inkomen_per_ontvanger",
    GemiddeldInkomenPerInwoner_83="inkomen_per_inwoner",
    PersonenautoSPerHuishouden_114="personenautos_per_huishouden",
    AfstandTotGroteSupermarkt_118="afstand_grote_supermarkt",
)
# % households with an income at or around the social minimum: income over the edition year,
# added by CBS about two years after the edition's first release (the 2024 edition is still
# empty in the snapshot).
_SOCIAAL_MINIMUM = "huishoudens_rond_sociaal_minimum_pct"


def _kwb(
    table_id: str,
    year: int,
    predecessor: str | None,
    successor: str | None,
    household_measures: dict[str, str],
    sociaal_minimum_key: str,
    theme_measures: dict[str, str],
):
    # The first edition was compared with 03759ned and 71486ned gemeente by gemeente.
    checked = "; equal for every Overijssel gemeente" if predecessor is None else ""
    return CbsTable(
        table_id=table_id,
        theme="kerncijfers",
        title=f"Kerncijfers wijken en buurten {year}",
        dimensions=("WijkenEnBuurten",),
        measures=_measures(
            **_KWB_POPULATION,
            **household_measures,
            **{sociaal_minimum_key: _SOCIAAL_MINIMUM},
            **theme_measures,
        ),
        staging_model="stg_cbs__kwb",
        region_dimension="WijkenEnBuurten",
        period_dimension=None,
        period_kinds=None,
        reference_period=str(year),
        region_key_aliases=MappingProxyType({"NL01": "NL00"}),
        predecessor=predecessor,
        successor=successor,
        # Ignored for the first edition, which has no predecessor.
        from_predecessor=Continuation(
            True,
            "Next edition of Kerncijfers wijken en buurten, same definitions for the columns used",
        ),
        # KWB fills in the gemeenten (and years) the snapshot's 03759ned and 71486ned lack.
        continues=(
            SeriesLink(
                from_table="03759ned",
                same_definition=True,
                note=f"Same BRP population count on 1 January (KWB {year} edition){checked}",
            ),
            SeriesLink(
                from_table="71486ned",
                same_definition=True,
                note=f"Same count of private households on 1 January (KWB {year} edition){checked}",
            ),
        ),
        notes="Population and private households on 1 January of the edition year, the share "
        "of households at or around the social minimum (income over the edition year), and the "
        "gemeente themes: density, owner-occupied and rented dwellings, "
        "income per inhabitant and per income recipient, cars per household, distance to a "
        "large supermarket, per gemeente and Nederland (KWB).",
    )


# One line per KWB edition: table id, edition year, household column keys, social-minimum key,
# theme column keys. The editions are linked in this order (predecessor, successor); a new
# edition is a new line.
_KWB_EDITIONS = (
    ("85039NED", 2021, _KWB_HOUSEHOLDS_2021, "HuishOnderOfRondSociaalMinimum_79", _KWB_THEMES_2021),
    ("85318NED", 2022, _KWB_HOUSEHOLDS_2021, "HuishOnderOfRondSociaalMinimum_79", _KWB_THEMES_2021),
    ("85618NED", 2023, _KWB_HOUSEHOLDS_2023, "HuishOnderOfRondSociaalMinimum_85", _KWB_THEMES_2023),
    ("85984NED", 2024, _KWB_HOUSEHOLDS_2023, "HuishOnderOfRondSociaalMinimum_90", _KWB_THEMES_2024),
)


def _kwb_editions(editions) -> tuple[CbsTable, ...]:
    ids = [None, *(e[0] for e in editions), None]
    return tuple(
        _kwb(table_id, year, ids[i], ids[i + 2], *columns)
        for i, (table_id, year, *columns) in enumerate(editions)
    )


_JEUGDZORG_INDICATOREN = _measures(
    JongerenMetJeugdhulpInNatura_1="jeugdhulp_in_natura_pct",
    JongerenMetJeugdhMetVerblInNat_2="jeugdhulp_met_verblijf_pct",
    JongerenMetJeugdbescherming_3="jeugdbescherming_pct",
    JeugdbeschEnJeugdhMetVerblInNat_4="jeugdbescherming_met_verblijf_pct",
    JongerenMetJeugdreclassering_5="jeugdreclassering_pct",
)

# Kerncijfers over jeugdzorg (84134NED, 85099NED): young people with youth care, count and %.
_JEUGDZORG_KERNCIJFERS = _measures(
    JongerenMetJeugdzorg_1="jongeren_met_jeugdzorg",
    JongerenMetJeugdzorgRelatief_2="jongeren_met_jeugdzorg_pct",
)


def _jeugdzorg_kerncijfers(
    table_id: str, title: str, slice_: Slice, notes: str, **lifecycle
) -> CbsTable:
    return CbsTable(
        table_id=table_id,
        theme="jeugdhulp",
        title=title,
        dimensions=("VormenVanJeugdzorg", "RegioS", "Perioden"),
        measures=_JEUGDZORG_KERNCIJFERS,
        staging_model="stg_cbs__jeugdzorg",
        slices=(slice_,),
        period_kinds=("JJ", "HJ"),
        notes=notes,
        **lifecycle,
    )


_WONINGVOORRAAD_MUTATIES = dict(
    BeginstandVoorraad_1="beginstand",
    Nieuwbouw_2="nieuwbouw",
    TotaalOverigeToevoegingen_3="overige_toevoegingen",
    Transformatie_6="transformatie",
    Woningsplitsing_8="woningsplitsing",
)

# A gemeente's population goes on from 80860ned (1999–2009, boundaries of 2009, rounded to tens)
# in 84910NED from 2010, or in 03759ned where a gemeente formed after 1999 (Dinkelland, 2001).
_AFTER_INDELING_2009 = SeriesLink(
    from_table="80860ned",
    same_definition=False,
    note="80860ned counts inhabitants on the boundaries of 2009, rounded to tens, and is not the "
    "same count as the population on 1 January: 0.00–0.04 % apart for Nederland and Overijssel "
    "1999–2009, up to 0.3 % for a gemeente in 2009",
)


_TABLES: tuple[CbsTable, ...] = (
    _gebieden("85385NED", 2023, None, "85755NED"),
    _gebieden("85755NED", 2024, "85385NED", "86059NED"),
    _gebieden("86059NED", 2025, "85755NED", None),
    CbsTable(
        table_id="03759ned",
        theme="bevolking",
        title="Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio",
        dimensions=("Geslacht", "Leeftijd", "BurgerlijkeStaat", "RegioS", "Perioden"),
        measures=_measures(
            BevolkingOp1Januari_1="bevolking_1_januari",
            GemiddeldeBevolking_2="gemiddelde_bevolking",
        ),
        staging_model="stg_cbs__bevolking",
        slices=(
            # T001038 = men and women, 10000 = every age, T001019 = every marital status.
            Slice(
                "totals",
                _frozen(
                    {
                        "Geslacht": ("T001038",),
                        "Leeftijd": ("10000",),
                        "BurgerlijkeStaat": ("T001019",),
                    }
                ),
            ),
            # The population pyramid: men (3000) and women (4000) by single year of age, for the
            # focus province and Nederland only (a full download is ~98 million cells).
            Slice(
                "pyramid",
                _frozen({"Geslacht": ("3000", "4000"), "BurgerlijkeStaat": ("T001019",)}),
                regions="focus_province_and_nederland",
            ),
        ),
        continues=(_AFTER_INDELING_2009,),
        notes="Statistical population (not the legal population used for elections).",
    ),
    # The gemeenten's population 1999–2009 where the snapshot's 03759ned is cut off: CBS's
    # archived table on the boundaries of 2009, rounded to tens. Not the same count as 03759ned
    # (0.00–0.04 % apart for Nederland and Overijssel, up to 0.3 % for a gemeente in 2009), so
    # the step to 84910NED or 03759ned is a method break, never a continuation.
    CbsTable(
        table_id="80860ned",
        theme="bevolking",
        title="Gemeenten; inwoners en uitkeringen, 1999-2009, regio-indeling 2009",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(TotaleBevolking_2="inwoners"),
        staging_model="stg_cbs__inwoners_indeling_2009",
        notes="Inhabitants of every gemeente 1999–2009 on the boundaries of 2009 (a gemeente "
        "formed later than 1999 has figures for its 2009 territory from 1999), rounded to tens; "
        "only the total is read (not the age, origin or benefit columns).",
    ),
    # The population on 1 January of every gemeente, complete where the snapshot's 03759ned is
    # cut off (gemeenten after "Ga…"): 84910NED for 2010–2022, 85644NED for 2023 on. Only their
    # totals are read (every sex, age, origin or nationality), chosen by title: the category
    # keys of these tables could not be verified offline (the collected exports carry titles).
    CbsTable(
        table_id="84910NED",
        theme="bevolking",
        title="Bevolking; migratieachtergrond, generatie, leeftijd, regio, 1 januari",
        dimensions=(
            "Geslacht",
            "Leeftijd",
            "Migratieachtergrond",
            "Generatie",
            "RegioS",
            "Perioden",
        ),
        measures=_measures(BevolkingOp1Januari_1="bevolking_1_januari"),
        staging_model="stg_cbs__bevolking_migratieachtergrond",
        slices=(_population_totals("Migratieachtergrond", "Generatie"),),
        continues=(
            SeriesLink(
                from_table="03759ned",
                same_definition=True,
                note="The same BRP count of the population on 1 January: every region and year "
                "both tables hold is equal (2,086 cells, 2010–2022)",
            ),
            _AFTER_INDELING_2009,
        ),
        notes="Population on 1 January, every gemeente, 2010–2022 (CBS ended the table with "
        "2022); only the totals of sex, age, migration background and generation.",
    ),
    CbsTable(
        table_id="85644NED",
        theme="bevolking",
        title="Bevolking; geslacht, leeftijd, nationaliteit en regio, 1 januari",
        dimensions=("Geslacht", "Leeftijd", "Nationaliteit", "RegioS", "Perioden"),
        measures=_measures(Bevolking_1="bevolking_1_januari"),
        staging_model="stg_cbs__bevolking_nationaliteit",
        slices=(_population_totals("Nationaliteit"),),
        continues=(
            SeriesLink(
                from_table="84910NED",
                same_definition=True,
                note="The same BRP count of the population on 1 January: equal for every "
                "Overijssel gemeente 2015–2022; in 2014 18 cells differ by 1–6 persons (another "
                "vintage of the boundaries), so 2014 comes from 84910NED",
            ),
        ),
        notes="Population on 1 January, every gemeente, 2014 on; only the totals of sex, age "
        "and nationality.",
    ),
    CbsTable(
        table_id="37230ned",
        theme="bevolking",
        title="Bevolkingsontwikkeling; regio per maand",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            BevolkingAanHetBeginVanDePeriode_1="bevolking_begin",
            LevendGeborenKinderen_2="levend_geborenen",
            Overledenen_3="overledenen",
            VestigingVanuitEenAndereGemeente_5="vestiging_uit_andere_gemeente",
            Immigratie_6="immigratie",
            VertrekNaarAndereGemeente_8="vertrek_naar_andere_gemeente",
            EmigratieInclusiefAdmCorrecties_9="emigratie",
            OverigeCorrecties_10="overige_correcties",
            Bevolkingsgroei_11="bevolkingsgroei",
            BevolkingAanHetEindeVanDePeriode_15="bevolking_einde",
        ),
        staging_model="stg_cbs__bevolkingsontwikkeling",
        # Months too: the population at the start of January of a year whose yearly figures
        # CBS has not published yet (1 January 2025) is the first month's opening population.
        period_kinds=("JJ", "MM"),
        continues=(
            SeriesLink(
                from_table="03759ned",
                same_definition=True,
                note="The population at the start of January is 03759ned's population on 1 "
                "January (same BRP count; Overijssel 2024: 1,189,033 in both)",
            ),
        ),
        notes="Components of population change per year; of the months only the population "
        "at the start of January is used (1 January of a year not yet published as a year).",
    ),
    CbsTable(
        table_id="70072ned",
        theme="bevolking",
        title="Regionale kerncijfers Nederland",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            TotaleBevolking_1="bevolking_totaal",
            Mannen_2="mannen",
            Vrouwen_3="vrouwen",
            JongerDan5Jaar_4="leeftijd_0_5",
            k_5Tot10Jaar_5="leeftijd_5_10",
            k_10Tot15Jaar_6="leeftijd_10_15",
            k_15Tot20Jaar_7="leeftijd_15_20",
            k_20Tot25Jaar_8="leeftijd_20_25",
            k_25Tot45Jaar_9="leeftijd_25_45",
            k_45Tot65Jaar_10="leeftijd_45_65",
            k_65Tot80Jaar_11="leeftijd_65_80",
            k_80JaarOfOuder_12="leeftijd_80_plus",
        ),
        staging_model="stg_cbs__regionale_kerncijfers",
        notes="Wide table (~300 measures); only population by sex and age band is used.",
    ),
    *_kwb_editions(_KWB_EDITIONS),
    # Births and fertility per year (NL, provinces, COROP regions and gemeenten).
    CbsTable(
        table_id="37201",
        theme="bevolking",
        title="Geboorte; kerncijfers vruchtbaarheid, leeftijd moeder, regio",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            TotaalLevendGeborenKinderen_1="levend_geborenen",
            GemiddeldKindertalPerVrouw_7="kindertal_per_vrouw",
        ),
        staging_model="stg_cbs__geboorte",
        notes="Live births in the calendar year and the total fertility rate (average number "
        "of children per woman, from the year's age-specific fertility).",
    ),
    # The CBS/PBL regional population forecast 2023–2050 (regions of 2021): the forecast for
    # every region, and its 67 % forecast interval from a second table. Not the province's own
    # forecast (Primos). In thousands, as CBS publishes it.
    CbsTable(
        table_id="85171NED",
        theme="bevolking",
        title="Regionale prognose 2023-2050; bevolking, regio-indeling 2021",
        dimensions=("RegioIndeling2021", "Leeftijd", "Geslacht", "Perioden"),
        measures=_measures(TotaleBevolking_1="bevolking_x1000"),
        staging_model="stg_cbs__bevolkingsprognose",
        slices=(
            Slice(
                "totals",
                category_titles=_frozen(
                    {"Leeftijd": ("Totaal",), "Geslacht": ("Totaal mannen en vrouwen",)}
                ),
            ),
        ),
        region_dimension="RegioIndeling2021",
        notes="Forecast population on 1 January, × 1,000, by CBS and PBL; gemeenten only the "
        "larger ones (regions as in 2021).",
    ),
    CbsTable(
        table_id="85173NED",
        theme="bevolking",
        title="Regionale prognose 2023-2050; bevolking, intervallen, regio-indeling 2021",
        dimensions=("RegioIndeling2021", "PrognoseInterval", "Leeftijd", "Perioden"),
        measures=_measures(TotaleBevolking_1="bevolking_x1000"),
        staging_model="stg_cbs__bevolkingsprognose_interval",
        slices=tuple(
            Slice(
                bound,
                category_titles=_frozen(
                    {
                        "PrognoseInterval": (f"{bound.capitalize()} 67%-prognose-interval",),
                        "Leeftijd": ("Totaal",),
                    }
                ),
            )
            for bound in ("ondergrens", "bovengrens")
        ),
        region_dimension="RegioIndeling2021",
        notes="The 67 % forecast interval of 85171NED's forecast (lower and upper bound), × 1,000.",
    ),
    # Existing owner-occupied dwellings sold: average price, price index (2020 = 100) and
    # number sold — per province (85792NED, years and quarters) and per COROP region (85819NED,
    # quarters); one staging view, the two tables' regions never overlap.
    CbsTable(
        table_id="85792NED",
        theme="wonen",
        title="Bestaande koopwoningen; verkoopprijzen, prijsindex 2020=100, regio",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            PrijsindexVerkoopprijzen_1="prijsindex",
            OntwikkelingTOVEenJaarEerder_3="prijsontwikkeling_jaar_pct",
            VerkochteWoningen_4="verkochte_woningen",
            GemiddeldeVerkoopprijs_7="gemiddelde_verkoopprijs",
        ),
        staging_model="stg_cbs__verkoopprijzen",
        period_kinds=("JJ", "KW"),
        notes="Existing owner-occupied dwellings sold (Kadaster registrations): price index "
        "2020 = 100, change on a year earlier, number sold and average price (euro).",
    ),
    CbsTable(
        table_id="85819NED",
        theme="wonen",
        title="Bestaande koopwoningen; verkoopprijzen prijsindex 2020=100, regio (COROP)",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            PrijsindexVerkoopprijzen_1="prijsindex",
            OntwikkelingTOVEenJaarEerder_5="prijsontwikkeling_jaar_pct",
            VerkochteWoningen_6="verkochte_woningen",
            GemiddeldeVerkoopprijs_9="gemiddelde_verkoopprijs",
        ),
        staging_model="stg_cbs__verkoopprijzen",
        period_kinds=("KW",),
        notes="The same figures per COROP region, quarters only.",
    ),
    CbsTable(
        table_id="83625NED",
        theme="wonen",
        title="Bestaande koopwoningen; gemiddelde verkoopprijzen, regio",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(GemiddeldeVerkoopprijs_1="gemiddelde_verkoopprijs"),
        staging_model="stg_cbs__verkoopprijzen_gemeenten",
        notes="Average sale price (euro) of existing owner-occupied dwellings per year, for "
        "gemeenten too (Nederland and the provinces equal 85792NED's year rows).",
    ),
    CbsTable(
        table_id="85036NED",
        theme="wonen",
        title="Gemiddelde WOZ-waarde van woningen; eigendom, regio",
        dimensions=("RegioS", "Eigendom", "Perioden"),
        measures=_measures(GemiddeldeWOZWaardeVanWoningen_1="woz_waarde_gemiddeld"),
        staging_model="stg_cbs__woz_waarde",
        # Every dwelling, whoever owns it; the key is not known offline (the export has titles).
        slices=(Slice("alle_woningen", category_titles=_frozen({"Eigendom": ("Totaal",)})),),
        notes="Average WOZ value of dwellings (× 1,000 euro) per WOZ year, every region level; "
        "preferred over the KWB editions' WOZ column, which is not loaded.",
    ),
    CbsTable(
        table_id="83162NED",
        theme="wonen",
        title="Huurverhoging woningen; regio",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            HuurverhogingInclusiefHuurharmonisatie_1="huurverhoging_pct",
            HuurverhogingExclusiefHuurharmonisatie_2="huurverhoging_zonder_harmonisatie_pct",
        ),
        staging_model="stg_cbs__huurverhoging",
        notes="Average rent increase on 1 July (%), with and without rent harmonisation (a new "
        "rent for a new tenant); Nederland, landsdelen and provinces.",
    ),
    # What gemeenten spend on youth care (Jeugdwet): budgeted and realised, per gemeente only
    # (CBS has no province rows). Total youth care, chosen by title (key unknown offline).
    CbsTable(
        table_id="83454NED",
        theme="jeugdhulp",
        title="Gemeentelijke kosten; jeugdzorg, regio",
        dimensions=("VormenVanJeugdzorg", "Regio", "Perioden"),
        measures=_measures(
            GerealiseerdeKosten_2="gerealiseerde_kosten_x1000_euro",
            GerealiseerdeKostenPer1000Inwoners_4="gerealiseerde_kosten_per_inwoner",
        ),
        staging_model="stg_cbs__jeugdzorg_kosten",
        slices=(
            Slice(
                "totaal_jeugdzorg",
                category_titles=_frozen({"VormenVanJeugdzorg": ("JZ Totaal jeugdzorg",)}),
            ),
        ),
        region_dimension="Regio",
        notes="Realised youth-care costs of each gemeente (× 1,000 euro) and per inhabitant "
        "(CBS's figure per 1,000 inhabitants in × 1,000 euro, i.e. euro per inhabitant).",
    ),
    # Nearness of services: the average road distance from inhabitants' homes to the nearest
    # facility, per region and year. The table has two hospital measures and four school
    # measures under the same name; as in CBS's other nearness tables (public clients' column
    # maps), the first hospital measure is without outpatient clinics and the first school
    # measure is primary schools — `ontcijferd check-live` lists their titles to confirm.
    CbsTable(
        table_id="80305ned",
        theme="bereikbaarheid",
        title="Nabijheid voorzieningen; afstand locatie, regionale cijfers",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            AfstandTotHuisartsenpraktijk_1="afstand_huisartsenpraktijk",
            AfstandTotZiekenhuis_7="afstand_ziekenhuis",
            AfstandTotSchool_56="afstand_basisschool",
            AfstandTotOpritHoofdverkeersweg_100="afstand_oprit_hoofdverkeersweg",
            AfstandTotTreinstationsTotaal_101="afstand_treinstation",
        ),
        staging_model="stg_cbs__nabijheid_voorzieningen",
        notes="Average distance by road (km) from inhabitants' homes to the nearest GP "
        "practice, hospital, primary school, motorway access and railway station.",
    ),
    # Travel per person per day (ODiN survey), per province: every trip, trips as car driver,
    # and commuting; inhabitants aged 6 or older, the estimate itself (not its margins).
    CbsTable(
        table_id="84710NED",
        theme="bereikbaarheid",
        title="Mobiliteit; per persoon, vervoerwijzen, motieven, regio's",
        dimensions=(
            "Reismotieven",
            "Populatie",
            "Vervoerwijzen",
            "Marges",
            "RegioS",
            "Perioden",
        ),
        measures=_measures(Verplaatsingen_1="verplaatsingen_per_dag", Afstand_2="km_per_dag"),
        staging_model="stg_cbs__mobiliteit",
        slices=tuple(
            Slice(
                name,
                category_titles=_frozen(
                    {
                        "Reismotieven": (motive,),
                        "Populatie": ("Populatie: 6 jaar of ouder",),
                        "Vervoerwijzen": (mode,),
                        "Marges": ("Waarde",),
                    }
                ),
            )
            for name, motive, mode in (
                ("alle_verplaatsingen", "Totaal", "Totaal"),
                ("als_autobestuurder", "Totaal", "Personenauto (bestuurder)"),
                ("woon_werk", "Van en naar het werk", "Totaal"),
            )
        ),
        notes="Trips and distance travelled per person per day (inhabitants aged 6 or older, "
        "Onderweg in Nederland survey): all trips, trips as car driver, commuting.",
    ),
    CbsTable(
        table_id="85235NED",
        theme="bereikbaarheid",
        title="Motorvoertuigenpark actief; inwoners, type, regio, 1 januari",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            TotaalPersonenautoS_3="personenautos",
            PersonenautoSRelatief_4="personenautos_per_1000_inwoners",
        ),
        staging_model="stg_cbs__voertuigenpark",
        notes="Active passenger cars on 1 January, and per 1,000 inhabitants; Nederland, "
        "landsdelen and provinces.",
    ),
    # The same cars by construction year, with Nederland and the provinces as columns: it
    # has 1 January 2025, which 85235NED (2019–2024 in the snapshot) does not yet have.
    CbsTable(
        table_id="85237NED",
        theme="bereikbaarheid",
        title="Personenauto's actief; voertuigkenmerken, regio's, 1 januari",
        dimensions=("Bouwjaar", "Perioden"),
        region_dimension=None,
        region_columns=MappingProxyType(_PROVINCE_COLUMNS),
        measures=MappingProxyType({key: "personenautos" for key in _PROVINCE_COLUMNS}),
        slices=(
            Slice(
                "alle_bouwjaren",
                category_titles=_frozen({"Bouwjaar": ("Totaal alle bouwjaren",)}),
            ),
        ),
        staging_model="stg_cbs__personenautos_per_provincie",
        continues=(
            SeriesLink(
                from_table="85235NED",
                same_definition=True,
                note="The same count of active passenger cars on 1 January (2019–2024 equal in "
                "both tables), for a year 85235NED does not have yet",
            ),
        ),
        notes="Active passenger cars on 1 January, all construction years, Nederland and "
        "the provinces (each a column); the table's other columns (fuel, owner, weight, "
        "colour) are national breakdowns and are not loaded.",
    ),
    # Regional accounts (nationale rekeningen): GDP, its volume growth and employment per
    # province and COROP region. CBS revises them every year (the snapshot holds the vintage
    # after the December 2024 revision); the latest two years are provisional.
    CbsTable(
        table_id="85924NED",
        theme="economie",
        title="Regionale kerncijfers; nationale rekeningen",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            BbpMarktprijzen_1="bbp_mln_euro",
            BbpPerInwoner_2="bbp_per_inwoner",
            BbpVolumemutaties_3="bbp_volumegroei_pct",
            WerkzamePersonenTotaal_10="werkzame_personen_x1000",
        ),
        staging_model="stg_cbs__regionale_rekeningen",
        notes="GDP at market prices (mln euro), GDP per inhabitant (euro), GDP volume change "
        "on the previous year (%, the economic growth) and persons in work (× 1,000), per "
        "province and COROP region; no gemeenten.",
    ),
    # Growth by sector (regional accounts): gross value added, volume change on the previous
    # year, per sector of industry. One slice per sector, chosen by its title (keys unknown
    # offline), so that marts name sectors by meaning.
    CbsTable(
        table_id="85926NED",
        theme="economie",
        title="Economische groei; bedrijfstak en regio, nationale rekeningen",
        dimensions=("BedrijfstakkenBranchesSBI2008", "RegioS", "Perioden"),
        measures=_measures(BrutoToegevoegdeWaardeVolumemutaties_2="toegevoegde_waarde_groei_pct"),
        staging_model="stg_cbs__groei_per_bedrijfstak",
        slices=tuple(
            Slice(name, category_titles=_frozen({"BedrijfstakkenBranchesSBI2008": (title,)}))
            for name, title in (
                ("alle_activiteiten", "A-U Alle economische activiteiten"),
                ("landbouw", "A Landbouw, bosbouw en visserij"),
                ("delfstoffenwinning", "B Delfstoffenwinning"),
                ("nijverheid_en_energie", "B-E Nijverheid (geen bouw) en energie"),
                ("industrie", "C Industrie"),
            )
        ),
        notes="Volume change of gross value added on the previous year (%), per sector, per "
        "province and COROP region.",
    ),
    CbsTable(
        table_id="85927NED",
        theme="economie",
        title="Inkomensrekening sector huishoudens naar regio; nationale rekeningen",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            BeschikbaarInkomenNetto_12="beschikbaar_inkomen_mln_euro",
            BeschikbaarInkomenNetto_24="beschikbaar_inkomen_per_inwoner",
        ),
        staging_model="stg_cbs__inkomensrekening_huishoudens",
        notes="Net disposable income of the household sector (mln euro and euro per "
        "inhabitant) per province; no COROP regions or gemeenten.",
    ),
    # The labour force survey (EBB) per region. Only the total of every person: the key of
    # that category is not known offline (the collected export has titles), so it is chosen by
    # title. Gemeente figures are survey estimates, rounded by CBS to thousands.
    CbsTable(
        table_id="86088NED",
        theme="arbeid",
        title="Arbeidsdeelname; regionale indeling 2024",
        dimensions=("Persoonskenmerken", "RegioS", "Perioden"),
        measures=_measures(
            Beroepsbevolking_2="beroepsbevolking_x1000",
            WerkzameBeroepsbevolking_3="werkzame_beroepsbevolking_x1000",
            WerklozeBeroepsbevolking_12="werkloze_beroepsbevolking_x1000",
            Werkloosheidspercentage_13="werkloosheid_pct",
            NettoArbeidsparticipatie_16="netto_arbeidsparticipatie_pct",
        ),
        staging_model="stg_cbs__arbeidsdeelname",
        slices=(
            Slice(
                "totaal_personen",
                category_titles=_frozen({"Persoonskenmerken": ("Totaal personen",)}),
            ),
        ),
        notes="Labour force, unemployment (% of the labour force) and net participation (% of "
        "the population aged 15–75 in work), per gemeente, COROP region, province and "
        "Nederland, from CBS's labour force survey (EBB): estimates from a sample, rounded to "
        "thousands; small gemeenten have wide margins.",
    ),
    # Dwelling stock mutations per calendar year. 84903NED (2012–2022, archived) and its
    # successor 86054NED (2020 on) overlap in 2020–2022; marts.woningvoorraad_mutaties stitches
    # them into one series, taking the successor wherever it has the year. The successor
    # renumbers four measures: the staging names keep them one series.
    CbsTable(
        table_id="84903NED",
        theme="wonen",
        title="Voorraad woningen; overige toevoegingen en onttrekkingen (detail), regio "
        "(2012-2022)",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            **_WONINGVOORRAAD_MUTATIES,
            Sloop_17="sloop",
            TotaalOverigeOnttrekkingen_18="overige_onttrekkingen",
            SaldoVoorraad_30="saldo",
            EindstandVoorraad_31="eindstand",
        ),
        staging_model="stg_cbs__woningvoorraad_mutaties",
        successor="86054NED",
        notes="Archived predecessor of 86054NED. Flows rounded to multiples of 5 by CBS.",
    ),
    CbsTable(
        table_id="86054NED",
        theme="wonen",
        title="Voorraad woningen; overige toevoegingen en onttrekkingen (detail), regio",
        dimensions=("RegioS", "Perioden"),
        measures=_measures(
            **_WONINGVOORRAAD_MUTATIES,
            Sloop_15="sloop",
            TotaalOverigeOnttrekkingen_16="overige_onttrekkingen",
            SaldoVoorraad_26="saldo",
            EindstandVoorraad_27="eindstand",
        ),
        staging_model="stg_cbs__woningvoorraad_mutaties",
        predecessor="84903NED",
        from_predecessor=Continuation(
            True,
            "Successor table with the same measures (renumbered); in the overlap 2020–2022 "
            "equal on every measure used for indicators",
        ),
        notes="New build, other additions, demolition, other withdrawals and the net change "
        "(SaldoVoorraad) per calendar year. Flows rounded to multiples of 5 by CBS.",
    ),
    CbsTable(
        table_id="82550NED",
        theme="wonen",
        title="Voorraad woningen; gemiddeld oppervlak; woningtype, bouwjaarklasse, regio",
        dimensions=("Woningtype", "Bouwjaarklasse", "RegioS", "Perioden"),
        measures=_measures(
            BeginstandWoningvoorraad_1="woningvoorraad",
            GemiddeldeOppervlakte_2="gemiddelde_oppervlakte_m2",
        ),
        staging_model="stg_cbs__woningvoorraad",
        # Totals only: T001100 = alle woningtypen, T001018 = alle bouwjaarklassen.
        slices=(
            Slice("totals", _frozen({"Woningtype": ("T001100",), "Bouwjaarklasse": ("T001018",)})),
        ),
        # The woondeal's net addition of a year 86054NED does not have yet is the change of
        # this table's stock between two 1 Januaries (marts.woondeal_voortgang).
        continues=(
            SeriesLink(
                from_table="86054NED",
                same_definition=False,
                note="A year's net addition as the change of the dwelling stock between two 1 "
                "Januaries instead of CBS's SaldoVoorraad: equal but for CBS's stock corrections "
                "(voorraadverschil) and the rounding of the flows",
            ),
        ),
        notes="Dwelling stock on 1 January of the period year (not rounded).",
    ),
    CbsTable(
        table_id="82900NED",
        theme="wonen",
        title="Voorraad woningen; eigendom, type verhuurder, bewoning, regio",
        dimensions=("StatusVanBewoning", "RegioS", "Perioden"),
        measures=_measures(
            TotaleWoningvoorraad_1="woningvoorraad",
            Koopwoningen_2="koopwoningen",
            TotaalHuurwoningen_3="huurwoningen",
            EigendomWoningcorporatie_4="corporatiewoningen",
            EigendomOverigeVerhuurders_5="overige_huurwoningen",
            EigendomOnbekend_6="eigendom_onbekend",
        ),
        staging_model="stg_cbs__woningvoorraad_eigendom",
        # T001235 = all dwellings, occupied or not.
        slices=(Slice("totals", _frozen({"StatusVanBewoning": ("T001235",)})),),
        notes="Dwelling stock on 1 January by ownership (owner-occupied, housing association, "
        "other landlords, unknown).",
    ),
    # Monthly successor of the discontinued 81955NED (which is not loaded: the collected export
    # covers dwellings and non-dwellings together). Not in the embedded snapshot — no raw file —
    # so it loads empty there; live it gives the months of the current year. Measure keys as
    # used by public clients of the live table; verify against /DataProperties when it changes.
    CbsTable(
        table_id="86098NED",
        theme="wonen",
        title="Levensloop van woningen en niet-woningen; gebruiksfunctie, regio",
        dimensions=("Gebruiksfunctie", "RegioS", "Perioden"),
        measures=_measures(
            NieuwbouwTotaal_6="nieuwbouw",
            SaldoVoorraad_21="saldo",
            EindstandVoorraad_22="eindstand",
        ),
        staging_model="stg_cbs__levensloop_woningen",
        # A045364 = woningen (dwellings).
        slices=(Slice("woningen", _frozen({"Gebruiksfunctie": ("A045364",)})),),
        period_kinds=("JJ", "MM"),
        predecessor="81955NED",
        notes="Monthly and yearly new build and stock of dwellings; live mode only.",
    ),
    # Youth care in natura, % of young people under 18, by the gemeente responsible under the
    # Jeugdwet's woonplaatsbeginsel. 82972NED (2015–2020) and 85098NED (2021 on) are separate
    # tables; marts.jeugdhulp_per_periode joins them and flags the change of table as a break.
    CbsTable(
        table_id="82972NED",
        theme="jeugdhulp",
        title="Indicatoren jeugdzorg in natura; gemeenten (2015-2020)",
        dimensions=("RegioS", "Perioden"),
        measures=_JEUGDZORG_INDICATOREN,
        staging_model="stg_cbs__jeugdhulp_indicatoren",
        # Years and half-years; the one-off "1e kwartaal 2015" is left out.
        period_kinds=("JJ", "HJ"),
        successor="85098NED",
        notes="Shares of young people (%) with youth care in natura; COROP rows are "
        "suppressed by CBS (null).",
    ),
    CbsTable(
        table_id="85098NED",
        theme="jeugdhulp",
        title="Indicatoren jeugdzorg in natura; gemeenten",
        dimensions=("RegioS", "Perioden"),
        measures=_JEUGDZORG_INDICATOREN,
        staging_model="stg_cbs__jeugdhulp_indicatoren",
        period_kinds=("JJ", "HJ"),
        predecessor="82972NED",
        from_predecessor=Continuation(
            False,
            "CBS publishes youth care in natura from 2021 in a new table with its own "
            "explanatory notes; the Jeugdwet's amended woonplaatsbeginsel (in force 1 January "
            "2022) changed which gemeente is responsible, above all for youth care with "
            "accommodation. "
            "Do not read the step from 2020 to 2021 as a trend without both tables' notes.",
        ),
        notes="Shares of young people (%) with youth care in natura, 2021 on; COROP rows are "
        "suppressed by CBS (null).",
    ),
    # Young people with youth care (count and %): 84134NED (2015–2020) and 85099NED (2021 on),
    # joined in marts.jeugdzorg_per_periode with the change of table flagged as a break.
    _jeugdzorg_kerncijfers(
        "84134NED",
        "Kerncijfers over jeugdzorg (2015-2020)",
        # The key of this table's total category is unknown offline (the export has titles).
        Slice(
            "totaal_jeugdzorg",
            category_titles=_frozen({"VormenVanJeugdzorg": ("JZ Totaal jeugdzorg",)}),
        ),
        "Young people with youth care (count and %), 2015–2020; the total category is chosen "
        "by its title 'JZ Totaal jeugdzorg'.",
        successor="85099NED",
    ),
    _jeugdzorg_kerncijfers(
        "85099NED",
        "Kerncijfers over jeugdzorg",
        # A045561 = JZ Totaal jeugdzorg (jeugdhulp + jeugdbescherming + jeugdreclassering).
        Slice("totaal_jeugdzorg", _frozen({"VormenVanJeugdzorg": ("A045561",)})),
        "Young people with youth care (count and %), 2021 on.",
        predecessor="84134NED",
        from_predecessor=Continuation(
            False,
            "CBS publishes the youth care key figures from 2021 in a new table with its own "
            "notes, as for youth care in natura (82972NED → 85098NED); the Jeugdwet's amended "
            "woonplaatsbeginsel (1 January 2022) changed which gemeente counts a young person. "
            "Do not read the step from 2020 to 2021 as a trend without both tables' notes.",
        ),
    ),
    # The low-income series (latest table of "Laag inkomen; huishoudenskenmerken, regio"): the
    # share of private households below CBS's low-income threshold for at least one year. Live
    # mode only: the raw data hold three StatLine exports of the series instead (a custom file,
    # sources/custom/laag_inkomen/). Dimensions and measure keys as documented for 86006NED;
    # its category keys are not known offline, so the exports' category titles choose them.
    CbsTable(
        table_id="86006NED",
        theme="armoede",
        title="Laag inkomen; huishoudenskenmerken, regio",
        dimensions=(
            "InkomensgrensHuishouden",
            "DuurInkomenspositie",
            "KenmerkenVanHuishoudens",
            "RegioS",
            "Perioden",
        ),
        measures=_measures(ParticuliereHuishoudensRelatief_4="laag_inkomen_huishoudens_pct"),
        staging_model="stg_cbs__laag_inkomen",
        slices=(
            Slice(
                "laag_inkomen_particuliere_huishoudens",
                category_titles=_frozen(
                    {
                        "InkomensgrensHuishouden": ("Inkomen tot lage-inkomensgrens",),
                        "DuurInkomenspositie": ("Ten minste 1 jaar",),
                        "KenmerkenVanHuishoudens": ("Particuliere huishoudens",),
                    }
                ),
            ),
        ),
        notes="Private households with an income below the low-income threshold for at least "
        "one year, % of private households; live mode only.",
    ),
    # Dutch goods trade by partner country (transfer of ownership), for national partner shares
    # beside the province's custom partner files. Live mode only: no raw file was collected, so
    # the snapshot loads it empty. Keys as used by public clients of the live table.
    CbsTable(
        table_id="85427NED",
        theme="export",
        title="Internationale goederenhandel; eigendomsoverdracht, landen, SITC",
        dimensions=("Landen", "SITC", "Perioden"),
        measures=_measures(TotaleUitvoerwaarde_2="export_goederen"),
        staging_model="stg_cbs__goederenhandel_landen",
        # T001082 = all goods (SITC total).
        slices=(Slice("alle_goederen", _frozen({"SITC": ("T001082",)}), regions="none"),),
        region_dimension=None,
        notes="Exports of goods by partner country, € million, Nederland; live mode only.",
    ),
    CbsTable(
        table_id="71486ned",
        theme="wonen",
        title="Huishoudens; samenstelling, grootte, regio, 1 januari",
        dimensions=("LeeftijdReferentiepersoon", "RegioS", "Perioden"),
        measures=_measures(
            TotaalParticuliereHuishoudens_1="huishoudens_totaal",
            Eenpersoonshuishouden_2="eenpersoonshuishoudens",
            TotaalMeerpersoonshuishoudens_3="meerpersoonshuishoudens",
        ),
        staging_model="stg_cbs__huishoudens",
        # 10000 = every age of the reference person.
        slices=(Slice("totals", _frozen({"LeeftijdReferentiepersoon": ("10000",)})),),
        notes="Private households on 1 January of the period year.",
    ),
)

REGISTRY: Mapping[str, CbsTable] = MappingProxyType({t.table_id: t for t in _TABLES})

# The edition of "Gebieden in Nederland" that defines today's regions and the region scope.
CURRENT_REGION_TABLE = "86059NED"


@dataclass(frozen=True)
class DeclaredTable:
    """A CBS table the product is to read, whose keys nobody could verify without live CBS.

    Declared by its catalog title; `ontcijferd check-live` finds it in CBS's catalog and lists
    its dimensions and the measures whose key or title holds one of `measure_words`. It is not
    loaded: a developer confirms the keys by replacing the declaration with a `CbsTable` entry
    above (the reviewed commit is the record of that confirmation), and until then the report
    and the exports say that these figures need live CBS.
    """

    table_id: str
    title_pattern: str  # regular expression the catalog title must match
    indicator_id: str  # the indicator it is to feed
    indicator: str  # in Dutch, for the report and the exports
    measure_words: tuple[str, ...]


DECLARED_LIVE_TABLES: Mapping[str, DeclaredTable] = MappingProxyType(
    {
        d.table_id: d
        for d in (
            DeclaredTable(
                "86131NED",
                r"(?i)^armoede.*personen",
                "armoede_personen_pct",
                "Personen in armoede volgens de nieuwe armoedegrens (CBS/SCP/Nibud), %",
                ("armoede",),
            ),
            DeclaredTable(
                "86132NED",
                r"(?i)^armoede.*kinderen",
                "armoede_kinderen_pct",
                "Kinderen in armoede volgens de nieuwe armoedegrens (CBS/SCP/Nibud), %",
                ("armoede",),
            ),
            DeclaredTable(
                "86165NED",
                r"^Kerncijfers wijken en buurten 2025$",
                "kwb_personen_in_armoede_pct",
                "Personen in armoede per gemeente uit Kerncijfers wijken en buurten 2025, %",
                ("PersonenInArmoede", "armoede"),
            ),
        )
    }
)


def get_table(table_id: str) -> CbsTable:
    """Look a table up by its exact CBS id (case-sensitive); the error suggests near matches."""
    try:
        return REGISTRY[table_id]
    except KeyError:
        near = [t for t in REGISTRY if t.lower() == table_id.lower()]
        hint = f" Did you mean {near[0]!r}? CBS table ids are case-sensitive." if near else ""
        raise KeyError(f"CBS table {table_id!r} is not in the registry.{hint}") from None


def tables_of(staging_model: str) -> list[CbsTable]:
    """The tables one staging view reads, oldest of a series first."""
    return [t for t in REGISTRY.values() if t.staging_model == staging_model]
