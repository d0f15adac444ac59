"""The CBS table registry: the one place where a CBS StatLine table is added to the warehouse.

Each entry says which table (exact id — CBS ids are case-sensitive), what it is for, which
dimensions and measures we use, how it is limited to the region scope, and how it relates to
predecessor or successor tables. Ingestion (snapshot or live), the pandera contracts, the
Dagster assets and the dbt sources are all derived from these entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

RegionSelection = Literal["scope", "focus_province", "none"]


@dataclass(frozen=True)
class Slice:
    """One filtered download of a table: the categories kept per (non-region) dimension.

    A table may need more than one slice, e.g. totals for every region in scope plus the
    sex × age detail for the focus province only (a full 03759ned download is ~98 million cells).
    """

    name: str
    dimension_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Categories chosen by their CBS title, for tables whose category keys could not be
    # verified offline (the collected exports carry titles only). Resolved to keys against the
    # table's own category list at every load (sources/tabledata.py: resolve_slice).
    category_titles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    regions: RegionSelection = "scope"


@dataclass(frozen=True)
class CbsTable:
    table_id: str
    theme: str
    title: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    # Measures holding text (codes, names) rather than numbers.
    text_measures: tuple[str, ...] = ()
    slices: tuple[Slice, ...] = (Slice("all"),)
    region_dimension: str | None = "RegioS"
    period_dimension: str | None = "Perioden"
    # Period key kinds kept ("JJ" years, "KW" quarters, "MM" months, "HJ" half-years); None = all.
    period_kinds: tuple[str, ...] | None = ("JJ",)
    # Tables without a period dimension (KWB, Gebieden in Nederland) describe one fixed moment.
    reference_period: str | None = None
    # Some tables key Nederland differently (KWB uses NL00); map our NL01 onto it.
    region_key_aliases: Mapping[str, str] = field(default_factory=dict)
    predecessor: str | None = None
    successor: str | None = None
    measure_renames: Mapping[str, str] = field(default_factory=dict)
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


def _frozen(mapping: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(mapping))


# "Gebieden in Nederland": one row per gemeente with its COROP, landsdeel and provincie codes.
# The latest edition defines the region scope and dim_region; earlier ones keep history visible.
_GEBIEDEN_MEASURES = (
    "Code_1",
    "Naam_2",
    "Code_10",
    "Naam_11",
    "Code_26",
    "Naam_27",
    "Code_28",
    "Naam_29",
    "Inwonertal_56",
)


def _gebieden(table_id: str, year: int, predecessor: str | None, successor: str | None):
    return CbsTable(
        table_id=table_id,
        theme="regio",
        title=f"Gebieden in Nederland {year}",
        dimensions=("RegioS",),
        measures=_GEBIEDEN_MEASURES,
        text_measures=tuple(m for m in _GEBIEDEN_MEASURES if not m.startswith("Inwonertal")),
        slices=(Slice("gemeenten", regions="none"),),
        period_dimension=None,
        period_kinds=None,
        reference_period=str(year),
        predecessor=predecessor,
        successor=successor,
        notes="Gemeente classification of 1 January of the edition year.",
    )


# Kerncijfers wijken en buurten (KWB): one edition per year, gemeente and Land rows only. The
# population columns keep their keys in 2021–2024; the household columns move up one position
# from the 2023 edition, so each edition lists its own keys (stg_cbs__kwb maps them to names).
_KWB_POPULATION = (
    "AantalInwoners_5",
    "k_0Tot15Jaar_8",
    "k_15Tot25Jaar_9",
    "k_25Tot45Jaar_10",
    "k_45Tot65Jaar_11",
    "k_65JaarOfOuder_12",
)
_KWB_HOUSEHOLDS_2021 = ("HuishoudensTotaal_28", "Eenpersoonshuishoudens_29")
_KWB_HOUSEHOLDS_2023 = ("HuishoudensTotaal_29", "Eenpersoonshuishoudens_30")
# % households with an income at or around the social minimum: income over the edition year,
# added by CBS about two years after the edition's first release (the 2024 edition is still
# empty in the snapshot).
_KWB_SOCIAAL_MINIMUM = {
    2021: "HuishOnderOfRondSociaalMinimum_79",
    2022: "HuishOnderOfRondSociaalMinimum_79",
    2023: "HuishOnderOfRondSociaalMinimum_85",
    2024: "HuishOnderOfRondSociaalMinimum_90",
}


def _kwb(
    table_id: str,
    year: int,
    predecessor: str | None,
    successor: str | None,
    household_measures: tuple[str, ...],
):
    return CbsTable(
        table_id=table_id,
        theme="kerncijfers",
        title=f"Kerncijfers wijken en buurten {year}",
        dimensions=("WijkenEnBuurten",),
        measures=_KWB_POPULATION + household_measures + (_KWB_SOCIAAL_MINIMUM[year],),
        region_dimension="WijkenEnBuurten",
        period_dimension=None,
        period_kinds=None,
        reference_period=str(year),
        region_key_aliases=MappingProxyType({"NL01": "NL00"}),
        predecessor=predecessor,
        successor=successor,
        notes="Population and private households on 1 January of the edition year, and the "
        "share of households at or around the social minimum (income over the edition year), "
        "per gemeente (KWB).",
    )


_JEUGDZORG_INDICATOREN = (
    "JongerenMetJeugdhulpInNatura_1",
    "JongerenMetJeugdhMetVerblInNat_2",
    "JongerenMetJeugdbescherming_3",
    "JeugdbeschEnJeugdhMetVerblInNat_4",
    "JongerenMetJeugdreclassering_5",
)

# Kerncijfers over jeugdzorg (84134NED, 85099NED): young people with youth care, count and %.
_JEUGDZORG_KERNCIJFERS = ("JongerenMetJeugdzorg_1", "JongerenMetJeugdzorgRelatief_2")


def _jeugdzorg_kerncijfers(
    table_id: str, title: str, slice_: Slice, notes: str, **lifecycle: str
) -> CbsTable:
    return CbsTable(
        table_id=table_id,
        theme="jeugdhulp",
        title=title,
        dimensions=("VormenVanJeugdzorg", "RegioS", "Perioden"),
        measures=_JEUGDZORG_KERNCIJFERS,
        slices=(slice_,),
        period_kinds=("JJ", "HJ"),
        notes=notes,
        **lifecycle,
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
        measures=("BevolkingOp1Januari_1", "GemiddeldeBevolking_2"),
        slices=(
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
            # The population pyramid: men and women by single year of age, focus province only.
            Slice(
                "pyramid",
                _frozen({"Geslacht": ("3000", "4000"), "BurgerlijkeStaat": ("T001019",)}),
                regions="focus_province",
            ),
        ),
        notes="Statistical population (not the legal population used for elections).",
    ),
    CbsTable(
        table_id="37230ned",
        theme="bevolking",
        title="Bevolkingsontwikkeling; regio per maand",
        dimensions=("RegioS", "Perioden"),
        measures=(
            "BevolkingAanHetBeginVanDePeriode_1",
            "LevendGeborenKinderen_2",
            "Overledenen_3",
            "VestigingVanuitEenAndereGemeente_5",
            "Immigratie_6",
            "VertrekNaarAndereGemeente_8",
            "EmigratieInclusiefAdmCorrecties_9",
            "OverigeCorrecties_10",
            "Bevolkingsgroei_11",
            "BevolkingAanHetEindeVanDePeriode_15",
        ),
        notes="Components of population change; only the yearly periods are used.",
    ),
    CbsTable(
        table_id="70072ned",
        theme="bevolking",
        title="Regionale kerncijfers Nederland",
        dimensions=("RegioS", "Perioden"),
        measures=(
            "TotaleBevolking_1",
            "Mannen_2",
            "Vrouwen_3",
            "JongerDan5Jaar_4",
            "k_5Tot10Jaar_5",
            "k_10Tot15Jaar_6",
            "k_15Tot20Jaar_7",
            "k_20Tot25Jaar_8",
            "k_25Tot45Jaar_9",
            "k_45Tot65Jaar_10",
            "k_65Tot80Jaar_11",
            "k_80JaarOfOuder_12",
        ),
        notes="Wide table (~300 measures); only population by sex and age band is used.",
    ),
    _kwb("85039NED", 2021, None, "85318NED", _KWB_HOUSEHOLDS_2021),
    _kwb("85318NED", 2022, "85039NED", "85618NED", _KWB_HOUSEHOLDS_2021),
    _kwb("85618NED", 2023, "85318NED", "85984NED", _KWB_HOUSEHOLDS_2023),
    _kwb("85984NED", 2024, "85618NED", None, _KWB_HOUSEHOLDS_2023),
    # Dwelling stock mutations per calendar year. 84903NED (2012–2022, archived) and its
    # successor 86054NED (2020 on) overlap in 2020–2022; stg_cbs__woningvoorraad_mutaties
    # stitches them into one series, taking the successor wherever it has the year.
    CbsTable(
        table_id="84903NED",
        theme="wonen",
        title="Voorraad woningen; overige toevoegingen en onttrekkingen (detail), regio "
        "(2012-2022)",
        dimensions=("RegioS", "Perioden"),
        measures=(
            "BeginstandVoorraad_1",
            "Nieuwbouw_2",
            "TotaalOverigeToevoegingen_3",
            "Transformatie_6",
            "Woningsplitsing_8",
            "Sloop_17",
            "TotaalOverigeOnttrekkingen_18",
            "SaldoVoorraad_30",
            "EindstandVoorraad_31",
        ),
        successor="86054NED",
        # Same measures, renumbered in the successor.
        measure_renames=MappingProxyType(
            {
                "Sloop_17": "Sloop_15",
                "TotaalOverigeOnttrekkingen_18": "TotaalOverigeOnttrekkingen_16",
                "SaldoVoorraad_30": "SaldoVoorraad_26",
                "EindstandVoorraad_31": "EindstandVoorraad_27",
            }
        ),
        notes="Archived predecessor of 86054NED. Flows rounded to multiples of 5 by CBS.",
    ),
    CbsTable(
        table_id="86054NED",
        theme="wonen",
        title="Voorraad woningen; overige toevoegingen en onttrekkingen (detail), regio",
        dimensions=("RegioS", "Perioden"),
        measures=(
            "BeginstandVoorraad_1",
            "Nieuwbouw_2",
            "TotaalOverigeToevoegingen_3",
            "Transformatie_6",
            "Woningsplitsing_8",
            "Sloop_15",
            "TotaalOverigeOnttrekkingen_16",
            "SaldoVoorraad_26",
            "EindstandVoorraad_27",
        ),
        predecessor="84903NED",
        notes="New build, other additions, demolition, other withdrawals and the net change "
        "(SaldoVoorraad) per calendar year. Flows rounded to multiples of 5 by CBS.",
    ),
    CbsTable(
        table_id="82550NED",
        theme="wonen",
        title="Voorraad woningen; gemiddeld oppervlak; woningtype, bouwjaarklasse, regio",
        dimensions=("Woningtype", "Bouwjaarklasse", "RegioS", "Perioden"),
        measures=("BeginstandWoningvoorraad_1", "GemiddeldeOppervlakte_2"),
        # Totals only: T001100 = alle woningtypen, T001018 = alle bouwjaarklassen.
        slices=(
            Slice("totals", _frozen({"Woningtype": ("T001100",), "Bouwjaarklasse": ("T001018",)})),
        ),
        notes="Dwelling stock on 1 January of the period year (not rounded).",
    ),
    CbsTable(
        table_id="82900NED",
        theme="wonen",
        title="Voorraad woningen; eigendom, type verhuurder, bewoning, regio",
        dimensions=("StatusVanBewoning", "RegioS", "Perioden"),
        measures=(
            "TotaleWoningvoorraad_1",
            "Koopwoningen_2",
            "TotaalHuurwoningen_3",
            "EigendomWoningcorporatie_4",
            "EigendomOverigeVerhuurders_5",
            "EigendomOnbekend_6",
        ),
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
        measures=("NieuwbouwTotaal_6", "SaldoVoorraad_21", "EindstandVoorraad_22"),
        # A045364 = woningen (dwellings).
        slices=(Slice("woningen", _frozen({"Gebruiksfunctie": ("A045364",)})),),
        period_kinds=("JJ", "MM"),
        predecessor="81955NED",
        notes="Monthly and yearly new build and stock of dwellings; live mode only.",
    ),
    # Youth care in natura, % of young people under 18, by the gemeente responsible under the
    # Jeugdwet's woonplaatsbeginsel. 82972NED (2015–2020) and 85098NED (2021 on) are separate
    # tables; marts.jeugdhulp_indicatoren joins them and flags the change of table as a break.
    CbsTable(
        table_id="82972NED",
        theme="jeugdhulp",
        title="Indicatoren jeugdzorg in natura; gemeenten (2015-2020)",
        dimensions=("RegioS", "Perioden"),
        measures=_JEUGDZORG_INDICATOREN,
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
        period_kinds=("JJ", "HJ"),
        predecessor="82972NED",
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
        measures=("ParticuliereHuishoudensRelatief_4",),
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
        measures=("TotaleUitvoerwaarde_2",),
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
        measures=(
            "TotaalParticuliereHuishoudens_1",
            "Eenpersoonshuishouden_2",
            "TotaalMeerpersoonshuishoudens_3",
        ),
        # 10000 = every age of the reference person.
        slices=(Slice("totals", _frozen({"LeeftijdReferentiepersoon": ("10000",)})),),
        notes="Private households on 1 January of the period year.",
    ),
)

REGISTRY: Mapping[str, CbsTable] = MappingProxyType({t.table_id: t for t in _TABLES})

# The edition of "Gebieden in Nederland" that defines today's regions and the region scope.
CURRENT_REGION_TABLE = "86059NED"


def get_table(table_id: str) -> CbsTable:
    """Look a table up by its exact CBS id (case-sensitive); the error suggests near matches."""
    try:
        return REGISTRY[table_id]
    except KeyError:
        near = [t for t in REGISTRY if t.lower() == table_id.lower()]
        hint = f" Did you mean {near[0]!r}? CBS table ids are case-sensitive." if near else ""
        raise KeyError(f"CBS table {table_id!r} is not in the registry.{hint}") from None
