"""Rebuilds the embedded snapshot (`sources/snapshot/`) from the collected raw CBS files.

    python -m tools.snapshot_builder --raw-dir PATH/TO/cbs_raw

The raw files (see their PROVENANCE.md) stay outside the repository; the snapshot is committed.
Several raw files are label-resolved exports (titles instead of codes): titles are mapped back
to CBS keys here, using the "Gebieden in Nederland" tables (region codes) and the 03759ned
metadata export (dimension keys). Nothing is interpolated or filled in: a value the raw file
lacks stays absent, and facts the raw files do not carry (CBS release date, period status) stay
null and are listed as gaps in PROVENANCE.md.

The snapshot keeps the regions of today's classification (Nederland, landsdelen, provinces,
COROP regions and the gemeenten of 2025) and only the registered columns; the region scope is
applied at load time, exactly as for live CBS.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from sources.custom import CUSTOM_DIR
from sources.registry import REGISTRY, CbsTable, tables_of
from sources.snapshot import SNAPSHOT_DIR

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]

# The raw files come from public repositories; PROVENANCE.md of the raw folder documents them.
SOURCE_S1 = (
    "dertje/cbs_datasets, output_files/all_datasets, commit 388b47d2 "
    "(StatLine ODataFeed TypedDataSet, label-resolved by the repository author)"
)
S1_RETRIEVED = "2025-04-22"
SOURCE_S2 = "IJHidding/Programming1Project, Data/ (StatLine CSV download with codes)"
SOURCE_S3 = (
    "GqtHqb/Bevolkingskarakteristiek, cbs_tabellen/, commit 05e2837d "
    "(cbsodata.get_data output, labels, column subset)"
)

# Total categories: title in the raw file → CBS key of the live table (from the live tables'
# category lists as used by public clients of the API; the raw exports carry titles only).
TOTAL_CATEGORY_KEYS = {
    "Woningtype": {"Totaal": "T001100"},
    "Bouwjaarklasse": {"Totaal": "T001018"},
    "StatusVanBewoning": {"Totaal": "T001235"},
    "LeeftijdReferentiepersoon": {"Totaal": "10000"},
    "VormenVanJeugdzorg": {"JZ Totaal jeugdzorg": "A045561"},
}

# (table id, raw folder, gaps) of label-resolved S1 exports with one file per table.
LABEL_RESOLVED_FILES = (
    (
        "80860ned",
        "bevolking",
        [
            "Only TotaleBevolking_2 (the age, sex, origin and benefit columns are not read); "
            "1999–2009 on the boundaries of 2009, rounded to tens"
        ],
    ),
    (
        "84910NED",
        "bevolking",
        [
            "Only the totals of sex, age, migration background and generation (the raw export "
            "is truncated in the other categories); 2010–2022"
        ],
    ),
    (
        "85644NED",
        "bevolking",
        [
            "Only the totals of sex, age and nationality (the raw export is truncated in the "
            "other categories); 2014–2024"
        ],
    ),
    ("84903NED", "woningvoorraad", []),
    (
        "86054NED",
        "woningvoorraad",
        [
            "2020–2023 only (April 2025 vintage; CBS added 2024 later); the raw provenance "
            "calls these periods nader voorlopig, but the file carries no per-period status"
        ],
    ),
    (
        "82550NED",
        "woningvoorraad",
        ["Only Woningtype and Bouwjaarklasse totals (the raw export is truncated after them)"],
    ),
    (
        "82900NED",
        "woningvoorraad",
        ["Only StatusVanBewoning = totaal (occupied dwellings are truncated in the raw export)"],
    ),
    (
        "71486ned",
        "huishoudens",
        [
            "Truncated export: gemeenten only alphabetically up to 'Moerdijk' (13 of the 25 "
            "Overijssel gemeenten); the others take KWB households in 2021–2024",
            "Only LeeftijdReferentiepersoon = totaal",
        ],
    ),
    ("82972NED", "jeugdhulp", []),
    (
        "85098NED",
        "jeugdhulp",
        ["2021–2023 and the first half of 2024 (the vintage of the raw export)"],
    ),
    (
        "84134NED",
        "jeugdhulp",
        [
            "Truncated export: 'JZ Totaal jeugdzorg' is complete, 'JZ Totaal jeugdzorg in "
            "natura' only in part; only 'JZ Totaal jeugdzorg' is kept"
        ],
    ),
    (
        "37201",
        "bevolking",
        [
            "Truncated export: Nederland, landsdelen, provinces and COROP regions complete, "
            "gemeenten only alphabetically up to 'Geleen' (6 of the 25 Overijssel gemeenten)"
        ],
    ),
    (
        "85171NED",
        "bevolking",
        ["Only the totals of age and sex; gemeenten: the 88 larger ones CBS forecasts"],
    ),
    (
        "85173NED",
        "bevolking",
        [
            "Truncated export: Nederland, provinces and COROP regions complete, gemeenten only "
            "alphabetically up to 'Delft' (3 of the 25 Overijssel gemeenten); only the interval "
            "bounds are kept (the forecast itself is 85171NED)"
        ],
    ),
    ("85792NED", "woningmarkt", ["1995 Q1 – 2025 Q1"]),
    ("85819NED", "woningmarkt", ["1995 Q1 – 2025 Q1, quarters only"]),
    (
        "85036NED",
        "woningmarkt",
        ["Only Eigendom = 'Totaal' (every dwelling); 2019–2024"],
    ),
    ("83162NED", "woningmarkt", []),
    (
        "83625NED",
        "woningmarkt",
        [
            "Truncated export: Nederland, landsdelen and provinces complete, gemeenten only "
            "alphabetically up to 'Kerkwijk' (12 of the 25 Overijssel gemeenten: Zwolle, "
            "Oldenzaal, Losser, Raalte and 9 more are missing); no COROP regions; 1995–2024"
        ],
    ),
    (
        "83454NED",
        "jeugdhulp",
        [
            "Only VormenVanJeugdzorg = 'JZ Totaal jeugdzorg' (the raw export is truncated in "
            "the other forms of youth care); gemeenten only, no province or Nederland rows"
        ],
    ),
    (
        "80305ned",
        "mobiliteit",
        [
            "Truncated export: Nederland, landsdelen, provinces and COROP regions complete, "
            "gemeenten alphabetically up to 'Zwartewaterland': Zwolle is missing (24 of the 25 "
            "Overijssel gemeenten)"
        ],
    ),
    (
        "84710NED",
        "mobiliteit",
        [
            "Truncated export: only the motives 'Totaal' and 'Van en naar het werk' survive; "
            "Nederland, landsdelen, provinces (no COROP regions or gemeenten); 2018–2023"
        ],
    ),
    ("85235NED", "mobiliteit", []),
    (
        "85237NED",
        "mobiliteit",
        [
            "Only Bouwjaar = 'Totaal alle bouwjaren' and the columns of Nederland and the "
            "provinces (the other columns are national breakdowns)"
        ],
    ),
    (
        "85924NED",
        "economie",
        [
            "1995–2023 (the vintage after CBS's December 2024 revision; CBS added 2024 later); "
            "the file carries no per-period status (CBS calls the latest years provisional)"
        ],
    ),
    (
        "85926NED",
        "economie",
        [
            "Truncated export (sector is the leading dimension): all economic activities, "
            "agriculture, mining and industry-and-energy (B-E) complete; manufacturing (C) only "
            "for the regions before 'Overig Zeeland (CR)' in CBS's order (every Overijssel "
            "region included); the other sectors (F-U) are missing"
        ],
    ),
    ("85927NED", "economie", ["2015–2022; provinces, landsdelen and Nederland only"]),
    (
        "86088NED",
        "arbeid",
        [
            "Only Persoonskenmerken = 'Totaal personen' (the raw export is truncated in the "
            "other person groups); 2013–2024; the labour market regions (AM) are left out"
        ],
    ),
    (
        "85099NED",
        "jeugdhulp",
        [
            "Truncated export: only the totals of jeugdzorg, jeugdzorg in natura and jeugdhulp "
            "survive; only 'JZ Totaal jeugdzorg' is kept"
        ],
    ),
)

# Registered for live mode, no raw file collected: written as empty folders.
LIVE_ONLY_TABLES = ("86098NED", "85427NED", "86006NED")

# KWB editions before 2024 title GM0164 plain "Hengelo"; the region tables use "Hengelo (O.)".
# Hengelo (Gld.) has not been a gemeente since 2005, so in 2021–2023 "Hengelo" is unambiguous.
KWB_GEMEENTE_TITLE_ALIASES = {"Hengelo": "GM0164"}
# Older StatLine exports title the province by its former Dutch name.
PROVINCE_TITLE_ALIASES = {"Friesland (PV)": "Fryslân (PV)"}

# 37230ned's raw file is the April 2025 vintage: the months of 2025 were provisional then.
PROVISIONAL_37230NED_YEAR = "2025"

# The low-income exports (S4): the selection every row must have, and the column kept.
LAAG_INKOMEN_SELECTION = {
    "Inkomensgrens huishouden": "Inkomen tot lage-inkomensgrens",
    "Duur inkomenspositie": "Ten minste 1 jaar",
    "Kenmerken van huishoudens": "Particuliere huishoudens",
}
LAAG_INKOMEN_VALUE = "Particuliere huishoudens relatief (%)"
LAAG_INKOMEN_RELEASE = "2025-06-03-statline-export"

# The Eurostat extract (S5): population on 1 January by sex and five-year age group.
EUROSTAT_PYRAMID_FILE = Path("bevolking") / "eurostat_demo_r_pjangroup_NL_NL21.tsv"
EUROSTAT_PYRAMID_RELEASE = "2025-08-eurostat-demo_r_pjangroup"
EUROSTAT_SEXES = {"M": "mannen", "F": "vrouwen"}


def eurostat_age_group(code: str) -> str:
    """Eurostat's age code → our label: Y_LT5 → 0-4, Y5-9 → 5-9, Y_GE85 → 85+."""
    if code == "Y_LT5":
        return "0-4"
    m = re.fullmatch(r"Y(\d+)-(\d+)", code)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = re.fullmatch(r"Y_GE(\d+)", code)
    if m:
        return f"{m.group(1)}+"
    raise ValueError(f"unknown Eurostat age code {code!r}")


def read_eurostat_tsv(path: Path) -> dict[tuple[str, str, str, int], int]:
    """Eurostat's TSV (first column `freq,unit,sex,age,geo`, one column per year, cells
    `"<value> <flags>"`) → {(geo, sex, age code, year): persons}. A flagged or missing cell is
    refused rather than read: no flags occur in the collected rows, and what a flag means
    (provisional, estimated, break) would have to become a status, not be dropped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    years = [int(y.strip()) for y in lines[0].split("\t")[1:]]
    values = {}
    for number, line in enumerate(lines[1:], start=2):
        first, *cells = line.split("\t")
        freq, unit, sex, age, geo = first.split(",")
        if (freq, unit) != ("A", "NR"):
            raise ValueError(f"{path}, line {number}: freq/unit {freq},{unit}, expected A,NR")
        for year, cell in zip(years, cells, strict=True):
            value, _, flags = cell.strip().partition(" ")
            if flags or not value.isdigit():
                raise ValueError(
                    f"{path}, line {number}, {year}: cell {cell!r} is flagged or not a count"
                )
            values[(geo, sex, age, year)] = int(value)
    return values


def build_eurostat_pyramid(raw_dir: Path, custom_dir: Path = CUSTOM_DIR) -> Path:
    """The Eurostat extract of demo_r_pjangroup as a custom-file release (sources/custom.py:
    bevolking_leeftijdsgroepen): one row per region × year × sex × five-year group.

    Before anything is written, every year's groups must sum to the sex's total and men plus
    women to the total: the guard against a copying error in the extract (PROVENANCE.md).
    """
    path = raw_dir / EUROSTAT_PYRAMID_FILE
    values = read_eurostat_tsv(path)
    rows = []
    for geo, year in sorted({(g, y) for g, _, _, y in values}):
        for sex, geslacht in EUROSTAT_SEXES.items():
            groups = {
                age: n
                for (g, s, age, y), n in values.items()
                if (g, s, y) == (geo, sex, year) and age != "TOTAL"
            }
            if sum(groups.values()) != values[(geo, sex, "TOTAL", year)]:
                raise ValueError(f"{path}: {geo} {sex} {year}: age groups do not sum to TOTAL")
            rows += [
                [geo, year, geslacht, eurostat_age_group(age), n, "personen", ""]
                for age, n in groups.items()
            ]
        if (
            values[(geo, "M", "TOTAL", year)] + values[(geo, "F", "TOTAL", year)]
            != values[(geo, "T", "TOTAL", year)]
        ):
            raise ValueError(f"{path}: {geo} {year}: men + women is not the total")
    rows.sort(key=lambda r: (r[1], r[0], r[2], int(re.match(r"\d+", r[3]).group())))
    folder = custom_dir / "bevolking_leeftijdsgroepen"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{EUROSTAT_PYRAMID_RELEASE}.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["regio", "jaar", "geslacht", "leeftijdsgroep", "waarde", "eenheid", "status"]
        )
        writer.writerows(rows)
    years = sorted({r[1] for r in rows})
    metadata = {
        "title": "Bevolking op 1 januari naar geslacht en vijfjaarsleeftijdsgroep (Eurostat "
        "demo_r_pjangroup, cijfers van CBS)",
        "publisher": "Eurostat",
        "source_url": "https://ec.europa.eu/eurostat/databrowser/view/demo_r_pjangroup/default/"
        "table",
        "published": "Eurostat-download van ongeveer augustus 2025 (exacte datum onbekend)",
        "notes": (
            "Eurostat data set demo_r_pjangroup, 'Population on 1 January by age group, sex "
            "and NUTS 2 region': the figures CBS supplies to Eurostat (the totals equal CBS "
            "03759ned to the person). NUTS-2 NL21 = the province of Overijssel (PV23), NUTS-0 "
            f"NL = Nederland (NL01). {years[0]}–{years[-1]}, men and women, five-year age "
            "groups with the open top group 85+. Built by tools/snapshot_builder.py from the "
            "extract of github.com/MatasKirstukas/estat-analysis (commit 24242318), which kept "
            "only the NL and NL21 rows; checked before writing: the groups sum to each sex's "
            "total and men plus women to the total, in every year and region."
        ),
        "raw_files": [
            f"{EUROSTAT_PYRAMID_FILE} sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
        ],
    }
    target.with_suffix(".yaml").write_text(
        yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    return target


def pad(code: str, width: int) -> str:
    return code.strip().ljust(width)


def period_key(title: str) -> str:
    """A StatLine period title as resolved by the raw exports → its CBS key."""
    t = title.strip().rstrip("*").strip()
    if re.fullmatch(r"\d{4}", t):
        return f"{t}JJ00"
    m = re.fullmatch(r"(\d{4}) (\w+)", t)
    if m and m.group(2) in MONTHS:
        return f"{m.group(1)}MM{MONTHS.index(m.group(2)) + 1:02d}"
    m = re.fullmatch(r"(\d{4}) ([1-4])e kwartaal", t)
    if m:
        return f"{m.group(1)}KW0{m.group(2)}"
    m = re.fullmatch(r"([1-4])e kwartaal (\d{4})", t)
    if m:
        return f"{m.group(2)}KW0{m.group(1)}"
    m = re.fullmatch(r"([12])e half ?jaar (\d{4})", t)  # 85098NED writes "1e half jaar 2024"
    if m:
        return f"{m.group(2)}HJ0{m.group(1)}"
    raise ValueError(f"unknown StatLine period title {title!r}")


def typed_number(text: str | float | None):
    """A raw numeric cell → int when integral (pandas wrote `14714948.0`), float otherwise."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    s = str(text).strip()
    if s in ("", ".", "x", "-"):
        return None
    value = float(s)
    return int(value) if value.is_integer() else value


def read_semicolon_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


@dataclass
class SnapshotTable:
    table: CbsTable
    raw_files: list[Path]
    origin: str
    retrieved: str | None
    rows: list[dict] = field(default_factory=list)
    dimensions: dict[str, list[dict]] = field(default_factory=dict)
    data_properties: list[dict] | None = None
    derived: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


class RegionTitles:
    """Title → CBS region key, for today's regions, from the Gebieden in Nederland tables."""

    def __init__(self, gebieden: list[pd.DataFrame]) -> None:
        self.by_title: dict[str, str] = {"Nederland": "NL01"}
        for frame in gebieden:  # oldest first: newer titles overwrite
            for _, r in frame.iterrows():
                self.by_title[r["Naam_2"].strip()] = r["Code_1"].strip()
                self.by_title[f"{r['Naam_11'].strip()} (CR)"] = r["Code_10"].strip()
                self.by_title[f"{r['Naam_27'].strip()} (LD)"] = r["Code_26"].strip()
                self.by_title[f"{r['Naam_29'].strip()} (PV)"] = r["Code_28"].strip()
                self.by_title[r["RegioS"].strip()] = r["Code_1"].strip()
        self.current = set(self.by_title.values())

    def code(self, title: str) -> str | None:
        return self.by_title.get(title.strip())


def metadata_sections(path: Path) -> dict[str, list[dict]]:
    """Split a StatLine metadata CSV export (one section per entity set) into row dicts."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in rows:
        if len(row) == 1 and row[0] and " " not in row[0]:
            current = row[0]
            sections[current] = []
        elif current is not None and row:
            sections[current].append(row)
    return {
        name: [dict(zip(body[0], r, strict=False)) for r in body[1:]]
        for name, body in sections.items()
        if body
    }


def structural_data_properties(table: CbsTable) -> list[dict]:
    """DataProperties as far as the header tells: keys and kinds, no titles or units."""
    kinds = {table.region_dimension: "GeoDimension", table.period_dimension: "TimeDimension"}
    props = [
        {"Position": i, "Key": d, "Type": kinds.get(d, "Dimension"), "Title": None, "Unit": None}
        for i, d in enumerate(table.dimensions)
    ]
    props += [
        {"Position": len(props) + i, "Key": m, "Type": "Topic", "Title": None, "Unit": None}
        for i, m in enumerate(table.measures)
    ]
    return props


def build_label_resolved(
    table: CbsTable,
    frame: pd.DataFrame,
    regions: RegionTitles,
    region_width: int,
    snap: SnapshotTable,
    codes_by_dimension: dict[str, dict[str, str]],
) -> None:
    """Turn a label-resolved S1 file back into TypedDataSet rows with CBS keys."""
    dropped_regions: set[str] = set()
    titles: dict[str, dict[str, str]] = {d: {} for d in table.dimensions}
    for _, r in frame.iterrows():
        row = {}
        for dim in table.dimensions:
            title = r[dim]
            if dim == table.region_dimension:
                code = regions.code(title)
                if code is None:
                    dropped_regions.add(title)
                    break
                key = pad(code, region_width)
            elif dim == table.period_dimension:
                key = period_key(title)
            else:
                key = codes_by_dimension[dim][title]
            row[dim] = key
            titles[dim][key] = title.strip()
        else:
            row.update({m: typed_number(r[m]) for m in table.measures})
            snap.rows.append(row)
    for dim in table.dimensions:
        snap.dimensions[dim] = [
            {
                "Key": k,
                "Title": t,
                "Description": None,
                **({"Status": None} if dim == table.period_dimension else {}),
            }
            for k, t in sorted(titles[dim].items())
        ]
    if dropped_regions:
        snap.derived.append(
            f"{len(dropped_regions)} region titles outside today's classification dropped "
            "(former gemeenten; in some tables also size classes or youth-care regions), "
            f"e.g. {', '.join(sorted(dropped_regions)[:3])}"
        )


def build(raw_dir: Path, out_dir: Path = SNAPSHOT_DIR) -> list[SnapshotTable]:
    gebieden_files = {"85385NED": 2023, "85755NED": 2024, "86059NED": 2025}
    gebieden_frames = {
        t: read_semicolon_csv(raw_dir / "regio" / f"{t}.csv") for t in gebieden_files
    }
    regions = RegionTitles(list(gebieden_frames.values()))
    snapshots: list[SnapshotTable] = []

    # Gebieden in Nederland: RegioS titles → the gemeente code in Code_1.
    for table_id, frame in gebieden_frames.items():
        table = REGISTRY[table_id]
        snap = SnapshotTable(
            table, [raw_dir / "regio" / f"{table_id}.csv"], SOURCE_S1, S1_RETRIEVED
        )
        snap.rows = [
            {
                "RegioS": pad(r["Code_1"], 6),
                **{
                    m: (typed_number(r[m]) if m.startswith("Inwonertal") else r[m])
                    for m in table.measures
                },
            }
            for _, r in frame.iterrows()
        ]
        snap.dimensions["RegioS"] = [
            {"Key": pad(r["Code_1"], 6), "Title": r["RegioS"], "Description": None}
            for _, r in frame.iterrows()
        ]
        snap.derived.append("RegioS keys taken from the Code_1 column (the raw file has titles)")
        snapshots.append(snap)

    meta = metadata_sections(raw_dir / "bevolking" / "03759ned_metadata.csv")
    dim_codes = {
        d: {r["Title"]: r["Key"] for r in meta[d]}
        for d in ("Geslacht", "Leeftijd", "BurgerlijkeStaat")
    }

    # 03759ned: first ODataFeed page only (truncated): totals for all regions up to "Ga…".
    table = REGISTRY["03759ned"]
    path = raw_dir / "bevolking" / "03759ned.csv"
    snap = SnapshotTable(
        table, [path, raw_dir / "bevolking" / "03759ned_metadata.csv"], SOURCE_S1, S1_RETRIEVED
    )
    build_label_resolved(table, read_semicolon_csv(path), regions, 6, snap, dim_codes)
    # CBS's whole category lists, as the live feed serves them, not only the totals the file
    # holds: the live client checks that CBS lists every category the registry selects.
    for dimension in dim_codes:
        snap.dimensions[dimension] = [
            {"Key": r["Key"], "Title": r["Title"], "Description": r["Description"] or None}
            for r in meta[dimension]
        ]
    snap.data_properties = [
        {k: (v if v != "" else None) for k, v in r.items() if k != "ID"}
        for r in meta["DataProperties"]
    ]
    snap.derived.append(
        "Geslacht/Leeftijd/BurgerlijkeStaat keys, their whole category lists and DataProperties "
        "from the 03759ned metadata export of the 2019-05-17 release"
    )
    snap.gaps.append(
        "Only the totals slice (Geslacht, Leeftijd and BurgerlijkeStaat = totaal): no sex × "
        "age detail; the population pyramid comes from the Eurostat extract instead "
        "(sources/custom/bevolking_leeftijdsgroepen/, CBS's figures as supplied to Eurostat)"
    )
    snap.gaps.append("Gemeenten only alphabetically up to 'Gaasterlân-Sleat' (first page)")
    snapshots.append(snap)

    # 37230ned: truncated (regions up to 'Utrecht (CR)'); the years, and of the months only
    # January (its opening population is 1 January of the year).
    table = REGISTRY["37230ned"]
    path = raw_dir / "bevolking" / "37230ned.csv"
    snap = SnapshotTable(table, [path], SOURCE_S1, S1_RETRIEVED)
    frame = read_semicolon_csv(path)
    frame = frame[frame["Perioden"].str.fullmatch(r"\d{4}( januari)?")]
    build_label_resolved(table, frame, regions, 6, snap, {})
    snap.derived.append(
        "Months other than January and the quarters left out: of the months only the "
        "population at the start of January is used"
    )
    provisional = PROVISIONAL_37230NED_YEAR
    for category in snap.dimensions["Perioden"]:
        if category["Key"].startswith(provisional):
            category["Status"] = "Voorlopig"
    snap.derived.append(
        f"Period status Voorlopig for the months of {provisional}: the raw file carries no "
        f"status, but it was downloaded in April {provisional}, while CBS publishes the months "
        "of the running year as provisional figures (they become definitive with the "
        "year's definitive figures)"
    )
    snap.gaps.append("No gemeenten; COROP regions only up to 'Utrecht (CR)' (first page)")
    snapshots.append(snap)

    # 70072ned: a StatLine CSV download with codes, provinces only, 1995–2019.
    table = REGISTRY["70072ned"]
    path = raw_dir / "bevolking" / "70072ned_UntypedDataSet_29122019_191739.csv"
    snap = SnapshotTable(table, [path], SOURCE_S2, "2019-12-29")
    frame = read_semicolon_csv(path)
    snap.rows = [
        {
            "RegioS": r["RegioS"],
            "Perioden": r["Perioden"],
            **{m: typed_number(r[m]) for m in table.measures},
        }
        for _, r in frame.iterrows()
    ]
    snap.dimensions["RegioS"] = [
        {"Key": k, "Title": None, "Description": None} for k in sorted(frame["RegioS"].unique())
    ]
    snap.dimensions["Perioden"] = [
        {"Key": k, "Title": k[:4], "Description": None, "Status": None}
        for k in sorted(frame["Perioden"].unique())
    ]
    snap.derived.append("Untyped values (padded text) converted to numbers")
    snap.gaps.append("Provinces only (PV20–PV31), 1995–2019; region titles not in the download")
    snapshots.append(snap)

    # Label-resolved S1 files. Dimension keys of the total categories are the ones the live
    # tables use (TOTAL_CATEGORY_KEYS); other categories and period kinds are not registered.
    for table_id, folder, gaps in LABEL_RESOLVED_FILES:
        table = REGISTRY[table_id]
        path = raw_dir / folder / f"{table_id}.csv"
        snap = SnapshotTable(table, [path], SOURCE_S1, S1_RETRIEVED)
        frame = read_semicolon_csv(path)
        # A dimension the registry chooses by title has no key known offline: the title
        # stands in for it here, padded to one width as CBS pads a dimension's keys; live mode
        # loads CBS's own key, chosen by the same title.
        stand_ins = {
            d: {t: t.ljust(max(map(len, titles))) for t in titles}
            for d, titles in table.categories_by_title.items()
        }
        codes = {
            d: TOTAL_CATEGORY_KEYS[d]
            for d in table.dimensions
            if d in TOTAL_CATEGORY_KEYS and d not in stand_ins
        } | stand_ins
        for dim, keys in codes.items():
            frame = frame[frame[dim].isin(list(keys))]
        kinds = frame["Perioden"].map(lambda title: period_key(title)[4:6])
        if table.period_kinds is not None and not kinds.isin(table.period_kinds).all():
            left_out = sorted(frame.loc[~kinds.isin(table.period_kinds), "Perioden"].unique())
            snap.derived.append(f"Periods of unregistered kinds left out: {', '.join(left_out)}")
            frame = frame[kinds.isin(table.period_kinds)]
        build_label_resolved(table, frame, regions, 6, snap, codes)
        known = {d: m for d, m in codes.items() if d not in stand_ins}
        if known:
            snap.derived.append(
                "Category keys of the totals: "
                + ", ".join(f"{d} {t!r} = {k}" for d, m in known.items() for t, k in m.items())
                + " (the raw file has titles)"
            )
        for dim, titles in stand_ins.items():
            snap.derived.append(
                f"{dim}: the key of {', '.join(map(repr, titles))} in this table is unknown "
                "offline (the raw file has titles), so the title stands in for the key; live "
                "mode loads CBS's key, chosen by the same title"
            )
        snap.gaps += gaps
        snapshots.append(snap)

    # Tables without a raw file: an empty folder, so snapshot mode loads them empty.
    for table_id in LIVE_ONLY_TABLES:
        snap = SnapshotTable(REGISTRY[table_id], [], "none (no raw file collected)", None)
        snap.gaps.append("No data in the snapshot: the table is loaded empty; live mode fills it")
        snapshots.append(snap)

    # KWB editions: gemeente and Land rows of the label-resolved parquet subsets.
    for table in tables_of("stg_cbs__kwb"):
        table_id, year = table.table_id, table.reference_period
        path = raw_dir / "kwb" / f"WijkenEnBuurten_{year}_{table_id}.parquet"
        snap = SnapshotTable(table, [path], SOURCE_S3, "2025-03-05")
        frame = pd.read_parquet(path)
        kind = frame["SoortRegio_2"].str.strip()
        unmapped = []
        for _, r in frame[kind.isin(["Land", "Gemeente"])].iterrows():
            name = r["WijkenEnBuurten"].strip()
            if r["SoortRegio_2"].strip() == "Land":
                code = "NL00"
            else:
                code = KWB_GEMEENTE_TITLE_ALIASES.get(name) or regions.code(name)
            if code is None:
                unmapped.append(name)
                continue
            key = pad(code, 10)
            snap.rows.append(
                {"WijkenEnBuurten": key, **{m: typed_number(r[m]) for m in table.measures}}
            )
            snap.dimensions.setdefault("WijkenEnBuurten", []).append(
                {"Key": key, "Title": name, "Description": None}
            )
        snap.derived.append("WijkenEnBuurten keys (GM codes, NL00) mapped from gemeente titles")
        if unmapped:
            snap.derived.append(
                f"{len(unmapped)} gemeenten not in the 2023–2025 classification "
                f"dropped: {', '.join(sorted(unmapped))}"
            )
        snap.gaps.append(
            "Wijken and buurten left out; only the registered columns are kept (population, "
            "households, social minimum and the gemeente themes)"
        )
        empty = [m for m in table.measures if all(row[m] is None for row in snap.rows)]
        if empty:
            snap.gaps.append(
                f"{', '.join(empty)} empty in this vintage: CBS adds a KWB edition's income "
                "figures (income over the edition year) about two years after its first release, "
                "and some other columns later too"
            )
        snapshots.append(snap)

    for snap in snapshots:
        write_table(snap, out_dir)
    write_provenance(snapshots, raw_dir, out_dir)
    build_laag_inkomen(raw_dir, regions)
    build_eurostat_pyramid(raw_dir)
    return snapshots


def build_laag_inkomen(raw_dir: Path, regions: RegionTitles, custom_dir: Path = CUSTOM_DIR) -> Path:
    """The low-income StatLine exports (2011, 2014, 2017) as one custom-file release.

    They are web exports with titles and without a table id, so they enter as a custom CBS
    file (sources/custom.py), not as a registered StatLine table: regions become codes, every
    row must carry the one selection the exports were made with, and a region without a code
    in today's Gebieden tables is left out and listed.
    """
    rows, dropped, files = [], [], sorted((raw_dir / "armoede").glob("Laag_inkomen__*.csv"))
    for path in files:
        frame = read_semicolon_csv(path)
        for column, wanted in LAAG_INKOMEN_SELECTION.items():
            other = set(frame[column]) - {wanted}
            if other:
                raise ValueError(f"{path}: column {column!r} has {sorted(other)}, not {wanted!r}")
        for _, r in frame.iterrows():
            title = r["Regio's"].strip()
            code = regions.code(PROVINCE_TITLE_ALIASES.get(title, title))
            if code is None:
                dropped.append(f"{title} ({r['Perioden']})")
                continue
            rows.append([code, int(r["Perioden"]), float(r[LAAG_INKOMEN_VALUE]), "%", ""])
    folder = custom_dir / "laag_inkomen"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{LAAG_INKOMEN_RELEASE}.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["regio", "jaar", "waarde", "eenheid", "status"])
        writer.writerows(sorted(rows, key=lambda r: (r[1], r[0])))
    metadata = {
        "title": "Laag inkomen; huishoudenskenmerken, regio — particuliere huishoudens met een "
        "inkomen tot de lage-inkomensgrens (ten minste 1 jaar), %",
        "publisher": "CBS",
        "source_url": "https://opendata.cbs.nl/statline/ (StatLine web export; the table id is "
        "not stated in the export)",
        # Shown to researchers in every source line: Dutch.
        "published": "gedownload van StatLine op 3-6-2025 (de publicatiedatum van de tabel staat "
        "niet in de export)",
        "notes": (
            f"Built by tools/snapshot_builder.py from {', '.join(p.name for p in files)} "
            "(github.com/FidellC/Armoede-in-Nederland, commit ffb48593). Regions are CBS codes "
            "mapped from the export's titles ('Friesland (PV)' is today's Fryslân). "
            + (
                f"Left out, no code in the 2023–2025 Gebieden tables: {', '.join(dropped)}."
                if dropped
                else ""
            )
        ).strip(),
        "raw_files": [
            f"{path.relative_to(raw_dir)} sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
            for path in files
        ],
    }
    target.with_suffix(".yaml").write_text(
        yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    return target


def _dump(rows: list[dict], path: Path) -> None:
    """One JSON list like cbsodata writes, one row per line so diffs stay readable."""
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    path.write_text(f"[\n{body}\n]\n" if rows else "[]\n", encoding="utf-8")


def write_table(snap: SnapshotTable, out_dir: Path) -> None:
    table = snap.table
    folder = out_dir / table.table_id
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    _dump([{"ID": i, **r} for i, r in enumerate(snap.rows)], folder / "TypedDataSet.json")
    for dim in table.dimensions:
        _dump(snap.dimensions.get(dim, []), folder / f"{dim}.json")
    _dump(snap.data_properties or structural_data_properties(table), folder / "DataProperties.json")
    # Release date (Modified) and status are not in the raw files: left null, never guessed.
    _dump(
        [
            {
                "Identifier": table.table_id,
                "Title": table.title,
                "Modified": None,
                "ReasonDelivery": None,
                "Status": None,
                "Frequency": None,
                "Period": None,
            }
        ],
        folder / "TableInfos.json",
    )


def _coverage(snap: SnapshotTable) -> tuple[str, str]:
    table = snap.table
    if table.period_dimension:
        periods = sorted({r[table.period_dimension][:4] for r in snap.rows})
        period_text = f"{periods[0]}–{periods[-1]}" if periods else "none"
    else:
        period_text = f"{table.reference_period} (edition)"
    if table.region_columns:
        levels = sorted({code[:2] for code in table.region_columns.values()})
        counts = {
            lvl: sum(1 for code in table.region_columns.values() if code.startswith(lvl))
            for lvl in levels
        }
        return period_text, ", ".join(f"{lvl} {n}" for lvl, n in counts.items()) + " (columns)"
    codes = {str(r[table.region_dimension]).strip()[:2] for r in snap.rows}
    counts = {
        lvl: sum(1 for r in snap.rows if str(r[table.region_dimension]).startswith(lvl))
        for lvl in sorted(codes)
    }
    n_regions = {
        lvl: len(
            {
                r[table.region_dimension]
                for r in snap.rows
                if str(r[table.region_dimension]).startswith(lvl)
            }
        )
        for lvl in counts
    }
    return period_text, ", ".join(f"{lvl} {n}" for lvl, n in n_regions.items())


def write_provenance(snapshots: list[SnapshotTable], raw_dir: Path, out_dir: Path) -> None:
    records = []
    for snap in snapshots:
        periods, regions = _coverage(snap)
        records.append(
            {
                "table_id": snap.table.table_id,
                "title": snap.table.title,
                "origin": snap.origin,
                "raw_files": [
                    {
                        "path": str(p.relative_to(raw_dir)),
                        "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                    }
                    for p in snap.raw_files
                ],
                "retrieved": snap.retrieved,
                "cbs_release_date": None,
                "period_status": None,
                "rows": len(snap.rows),
                "periods": periods,
                "regions": regions,
                "derived": snap.derived,
                "gaps": snap.gaps,
            }
        )
    (out_dir / "provenance.json").write_text(
        json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    lines = [
        "# Embedded CBS snapshot — provenance",
        "",
        "Generated by `python -m tools.snapshot_builder --raw-dir <cbs_raw>`; do not edit by "
        "hand. Every figure is a real CBS StatLine figure copied from the raw files listed "
        '(CC BY 4.0, "Bron: CBS"). Each folder holds the entity sets that '
        "`cbsodata.download_data` writes; the region scope is applied at load time. The "
        "StatLine low-income exports (armoede/Laag_inkomen__*.csv) carry no table id: they "
        "become the custom CBS file `sources/custom/laag_inkomen/` (its YAML lists the raw files "
        "and their checksums). The Eurostat extract of demo_r_pjangroup (bevolking/"
        "eurostat_demo_r_pjangroup_NL_NL21.tsv: CBS's population by sex and five-year age group "
        "as supplied to Eurostat, Overijssel = NUTS-2 NL21 and Nederland) is not a StatLine "
        "table either: it becomes the custom file `sources/custom/bevolking_leeftijdsgroepen/`, "
        "publisher Eurostat, checked to sum to its totals before it is written.",
        "",
        "**Release date and period status.** The raw files do not carry CBS's `Modified` "
        "release date or the `Status` of the periods. Both are left null (shown as "
        '`onbekend`) unless a table\'s "derived" lines below give a status and its reason; '
        "`retrieved` is the date the file was downloaded from StatLine by the repository it "
        "comes from, not a CBS release date.",
        "",
        "| table | title | rows | periods | regions (level: count) | retrieved | origin |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in records:
        lines.append(
            f"| {r['table_id']} | {r['title']} | {r['rows']} | {r['periods']} | "
            f"{r['regions']} | {r['retrieved']} | {r['origin']} |"
        )
    lines.append("")
    for r in records:
        lines.append(f"## {r['table_id']} — {r['title']}")
        lines.append("")
        for f in r["raw_files"]:
            lines.append(f"- raw file: `{f['path']}` (sha256 `{f['sha256'][:16]}…`)")
        lines += [f"- derived: {d}" for d in r["derived"]]
        lines += [f"- **gap**: {g}" for g in r["gaps"]]
        lines.append("")
    (out_dir / "PROVENANCE.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--raw-dir",
        type=Path,
        required=True,
        help="folder with the collected raw CBS files (regio/, bevolking/, kwb/…)",
    )
    args = parser.parse_args()
    if not args.raw_dir.is_dir():
        sys.exit(f"snapshot: --raw-dir {args.raw_dir} is not a folder")
    try:
        snapshots = build(args.raw_dir)
    except (OSError, ValueError, KeyError) as err:
        # A missing or changed raw file. Every CBS table is read before any is written; the
        # custom files are built after them, so a fault there leaves the tables rewritten.
        named = isinstance(err, OSError) and err.filename
        reason = f"{err.filename}: {err.strerror}" if named else f"{type(err).__name__}: {err}"
        sys.exit(
            f"snapshot: {' '.join(reason.split())} (`git status sources/` shows what was "
            "rewritten before it)"
        )
    for snap in snapshots:
        print(f"{snap.table.table_id}: {len(snap.rows)} rows")


if __name__ == "__main__":
    main()
