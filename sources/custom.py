"""Custom CBS files ("maatwerk", news tables): the second kind of source, next to StatLine.

CBS publishes some figures — goods export per province — only as news or custom tables, so the
data team receives them as files. Each release is one CSV file in the repository,
`sources/custom/<source id>/<release>.csv`, with a metadata file `<release>.yaml` beside it
(title, publisher, source URL, publication date). The registry below says per source which
columns a file has, its unit and how regions and periods are coded; `read_release` checks a
file against that with a pandera contract and names file, row and column for anything wrong.
Every release is kept (raw.custom_<source id> has a `release` column); the marts use the
latest. How to add a release: README, "Adding a CBS export release".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

CUSTOM_DIR = Path(__file__).parent / "custom"
METADATA_KEYS = ("title", "publisher", "source_url", "published")
SECRET = "geheim"  # CBS withholds the figure (confidentiality): the value stays empty
# NUTS regions (Eurostat) that are exactly a CBS region: NUTS-2 NL21 has the boundary of the
# province of Overijssel, NUTS-0 NL is Nederland. Only regions checked to be the same area are
# listed; any other NUTS code in a file is refused, never matched by name.
NUTS_REGIONS = {"NL": "NL01", "NL21": "PV23"}
# The sexes and age groups of a file with a population by sex and age group: five-year groups
# "0-4" … "80-84" and an open top group such as "85+".
SEXES = ("mannen", "vrouwen")
AGE_GROUP_PATTERN = r"\d{1,3}-\d{1,3}|\d{1,3}\+"
# A `published` that is meant as a date (year-month-day in digits), valid or not.
ISO_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# A file's problems are one line for the data team: the first few, then how many more (a file
# saved in another format fails on every row alike).
PROBLEMS_SHOWN = 5
# What another program (Dutch Excel: ';') may have separated a file's columns with.
OTHER_SEPARATORS = (";", "\t", "|")


class CustomFileError(ValueError):
    """A custom file that does not match its registration; the message names file/row/column."""


@dataclass(frozen=True)
class CustomSource:
    source_id: str
    title: str
    unit: str
    # Columns of a release file, in order. `regio` holds region names as CBS writes them today
    # (provinces only for `provincie_naam`; Nederland, provinces and gemeenten for
    # `regio_naam`) or a NUTS code (`nuts`, see NUTS_REGIONS), `jaar` the calendar year,
    # `waarde` the number (empty when `status` is "geheim").
    columns: tuple[str, ...]
    key_columns: tuple[str, ...]
    region_coding: str = "provincie_naam"
    period_coding: str = "jaar"
    notes: str = ""

    @property
    def asset_name(self) -> str:
        return f"custom_{self.source_id}"

    @property
    def folder_name(self) -> str:
        return self.source_id


CUSTOM_SOURCES: Mapping[str, CustomSource] = {
    s.source_id: s
    for s in (
        CustomSource(
            source_id="export_provincies",
            title="Uitvoer van goederen per provincie",
            unit="mln euro",
            columns=("regio", "jaar", "waarde", "eenheid", "status"),
            key_columns=("regio", "jaar"),
            notes="Goods export by the establishments in each province (CBS attributes trade "
            "of firms with several establishments by employees).",
        ),
        CustomSource(
            source_id="export_partnerlanden",
            title="Uitvoer van goederen per provincie en partnerland",
            unit="mln euro",
            columns=("regio", "partnerland", "jaar", "waarde", "eenheid", "status"),
            key_columns=("regio", "partnerland", "jaar"),
            notes="Goods export per province to each partner country, for CBS custom partner "
            "tables the data team drops in; one row per province × partner country × year, "
            "including a partner 'Totaal' row per province and year (the base of the shares).",
        ),
        CustomSource(
            source_id="bevolking_leeftijdsgroepen",
            title="Bevolking op 1 januari naar geslacht en vijfjaarsleeftijdsgroep",
            unit="personen",
            columns=("regio", "jaar", "geslacht", "leeftijdsgroep", "waarde", "eenheid", "status"),
            key_columns=("regio", "jaar", "geslacht", "leeftijdsgroep"),
            region_coding="nuts",
            notes="Population on 1 January by sex and five-year age group (open top group "
            "85+) from Eurostat's data set demo_r_pjangroup: CBS's figures as CBS supplies them "
            "to Eurostat (the totals equal CBS 03759ned to the person). NUTS-2 NL21 is the "
            "province of Overijssel (PV23), NL is Nederland (NL01). Where CBS 03759ned has the "
            "sex × age detail of a region and year, marts.bevolking_piramide uses CBS instead.",
        ),
        CustomSource(
            source_id="laag_inkomen",
            title="Laag inkomen; huishoudenskenmerken, regio",
            unit="%",
            columns=("regio", "jaar", "waarde", "eenheid", "status"),
            key_columns=("regio", "jaar"),
            region_coding="regio_naam",
            notes="Share of private households with an income below CBS's low-income threshold "
            "(at least one year), from StatLine exports of the table 'Laag inkomen; "
            "huishoudenskenmerken, regio' (table id not stated in the export).",
        ),
    )
}


@dataclass(frozen=True)
class Release:
    source: CustomSource
    release_id: str  # the file name without extension, e.g. "2023-08-cbs-nieuws"
    path: Path
    metadata: Mapping[str, str]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def releases(source: CustomSource, root: Path = CUSTOM_DIR) -> list[Release]:
    """Every release file of a source, oldest first (release ids sort by publication date)."""
    folder = root / source.folder_name
    found = []
    for path in sorted(folder.glob("*.csv")):
        meta_path = path.with_suffix(".yaml")
        if not meta_path.is_file():
            raise CustomFileError(f"file {path}: metadata file {meta_path.name} is missing")
        metadata = _metadata(meta_path)
        missing = [k for k in METADATA_KEYS if not metadata.get(k)]
        if missing:
            raise CustomFileError(f"file {meta_path}: missing {', '.join(missing)}")
        release = Release(source, path.stem, path, {k: str(v) for k, v in metadata.items()})
        release_date(release)  # a date that cannot be is said now, not read as no date
        found.append(release)
    return found


def _metadata(meta_path: Path) -> dict:
    """A release's metadata file: YAML `key: value` lines (METADATA_KEYS and notes), every value
    read as the text it is (a date is checked by `release_date`)."""
    try:
        metadata = yaml.load(meta_path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        reason = " ".join(str(err).split())
        raise CustomFileError(f"file {meta_path}: not readable UTF-8 YAML ({reason})") from err
    if not isinstance(metadata, dict):
        raise CustomFileError(
            f"file {meta_path}: not 'key: value' lines ({', '.join(METADATA_KEYS)})"
        )
    return metadata


def region_codes_from_gebieden(rows: list[dict]) -> dict[str, str]:
    """Region names as CBS writes them today (and the codes themselves) → code: Nederland, the
    provinces and the gemeenten of a "Gebieden in Nederland" table."""
    codes = {"Nederland": "NL01", "NL01": "NL01"}
    for row in rows:
        for code_column, name_column in (("Code_28", "Naam_29"), ("Code_1", "Naam_2")):
            code = str(row[code_column]).strip()
            codes[str(row[name_column]).strip()] = code
            codes[code] = code
    return codes


def _codes_for(source: CustomSource, region_codes: Mapping[str, str]) -> dict[str, str]:
    """The names a source may use: provinces only, or every region level."""
    if source.region_coding == "regio_naam":
        return dict(region_codes)
    if source.region_coding == "nuts":
        return dict(NUTS_REGIONS)
    return {name: code for name, code in region_codes.items() if code.startswith("PV")}


def release_date(release: Release) -> str | None:
    """The publication date as release date, only when the metadata gives a full date (text such
    as "augustus 2023 (dag onbekend)" is no date); a date that cannot be (2025-13-45) is refused."""
    published = release.metadata["published"].strip()
    try:
        return dt.date.fromisoformat(published).isoformat()
    except ValueError as err:
        if ISO_DATE_LIKE.match(published):
            raise CustomFileError(
                f"file {release.path.with_suffix('.yaml')}: published {published!r} is not a "
                f"date ({err})"
            ) from err
        return None


def _contract(source: CustomSource, province_names: list[str]) -> pa.DataFrameSchema:
    columns = {
        "regio": pa.Column(str, pa.Check.isin(province_names), nullable=False),
        "jaar": pa.Column("Int64", pa.Check.in_range(1900, 2100), nullable=False),
        "waarde": pa.Column(float, pa.Check.ge(0), nullable=True),
        "eenheid": pa.Column(str, pa.Check.isin([source.unit]), nullable=False),
        "status": pa.Column(str, pa.Check.isin(["", SECRET]), nullable=False),
        "partnerland": pa.Column(str, pa.Check.str_length(1, 100), nullable=False),
        "geslacht": pa.Column(str, pa.Check.isin(list(SEXES)), nullable=False),
        "leeftijdsgroep": pa.Column(
            str, pa.Check.str_matches(f"^({AGE_GROUP_PATTERN})$"), nullable=False
        ),
    }
    return pa.DataFrameSchema(
        {c: columns[c] for c in source.columns},
        strict=True,
        unique=list(source.key_columns),
        report_duplicates="all",
        name=source.source_id,
    )


def _parse_numbers(path: Path, frame: pd.DataFrame) -> list[str]:
    """Turn `jaar` and `waarde` into numbers; a cell that is text is reported, not guessed."""
    problems = []
    for column, whole in (("jaar", True), ("waarde", False)):
        text = frame[column]
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
        # "inf" and "1e400" are numbers to pandas, not figures; a year is a whole number.
        fits = (numbers.abs() < math.inf) & (numbers % 1 == 0 if whole else True)
        for row in frame.index[((text != "") | whole) & ~fits]:  # a row without a year too
            shown = text[row] if len(text[row]) <= 40 else f"{text[row][:40]}…"
            problems.append(
                f"file {path}, row {row + 2}, column {column}: {shown!r} is not a "
                + (
                    "year"
                    if whole
                    else "number (write digits with '.' as decimal separator, no "
                    "thousands separator)"
                )
            )
        numbers = numbers.where(fits)
        frame[column] = numbers.astype("Int64") if whole else numbers
    return problems


def _contract_messages(
    source: CustomSource, path: Path, err: pa.errors.SchemaErrors, province_codes
) -> list[str]:
    messages = []
    cases = err.failure_cases
    for case in cases[cases["index"].notna()].itertuples():
        row = int(case.index) + 2  # line in the file: line 1 is the header
        if case.column == "jaar" and case.check == "not_nullable":
            continue  # said by _parse_numbers, with what the cell held
        if case.check == "multiple_fields_uniqueness" or not isinstance(case.column, str):
            messages.append(f"file {path}, row {row}: duplicate row (same key as another row)")
        elif case.column == "eenheid":
            messages.append(
                f"file {path}, row {row}, column eenheid: {case.failure_case!r}, but "
                f"{source.source_id} is registered in {source.unit!r} (a changed unit needs a "
                "changed registration, never a silent conversion)"
            )
        elif case.column == "regio" and case.check.startswith("isin"):
            near = difflib.get_close_matches(str(case.failure_case), list(province_codes), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            kind = {"regio_naam": "region", "nuts": "NUTS region"}.get(
                source.region_coding, "province"
            )
            messages.append(
                f"file {path}, row {row}, column regio: unknown {kind} {case.failure_case!r}{hint}"
            )
        else:
            value = case.failure_case
            value = value.item() if hasattr(value, "item") else value  # 21, not np.int64(21)
            messages.append(
                f"file {path}, row {row}, column {case.column}: {value!r} fails {case.check}"
            )
    for case in cases[cases["index"].isna()].itertuples():
        if case.check == "column_in_schema":
            messages.append(f"file {path}: column {case.failure_case!r} is not expected")
    return sorted(set(messages), key=messages.index)


def _in_one_line(problems: list[str]) -> str:
    """The first PROBLEMS_SHOWN problems, and how many more there are."""
    more = len(problems) - PROBLEMS_SHOWN
    return "; ".join(problems[:PROBLEMS_SHOWN]) + (
        f"; and {more} more problem{'s' if more > 1 else ''} in the file" if more > 0 else ""
    )


def read_release(release: Release, region_codes: Mapping[str, str]) -> pd.DataFrame:
    """Validate one release file and return its rows with `region_code` and `release` added.

    `region_codes` maps region names as CBS writes them (and their codes) to codes; a source
    coded by province name may only use provinces.
    Raises CustomFileError naming file, row and column of the problems found (the first
    PROBLEMS_SHOWN of them, and how many more).
    """
    source, path = release.source, release.path
    province_codes = _codes_for(source, region_codes)
    content = path.read_bytes().removeprefix(codecs.BOM_UTF8)  # Excel's "CSV UTF-8" has one
    try:
        lines = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    except UnicodeDecodeError as err:
        row = content[: err.start].count(b"\n") + 1
        raise CustomFileError(
            f"file {path}, row {row}: not UTF-8 (byte 0x{content[err.start]:02x}); save it as "
            "CSV UTF-8 (Excel: 'CSV UTF-8 (comma delimited)')"
        ) from err
    except csv.Error as err:
        raise CustomFileError(f"file {path}: not a readable CSV file ({err})") from err
    if not any(lines[1:]):  # a release without rows would leave the marts without figures
        raise CustomFileError(f"file {path}: empty" + (" but for its header" if lines else ""))
    header = lines[0]
    other = [sep for sep in OTHER_SEPARATORS if sep in header[0]] if len(header) == 1 else []
    if other:
        raise CustomFileError(
            f"file {path}: its header {header[0]!r} is one column, separated by {other[0]!r} "
            f"(as Dutch Excel saves CSV); a {source.source_id} file separates its columns "
            f"{','.join(source.columns)} by ',' and writes '.' as decimal separator"
        )
    ragged = [
        f"file {path}, row {n}: {len(fields)} fields where the header has {len(header)} "
        "(a ',' inside a number? use '.' as decimal separator)"
        for n, fields in enumerate(lines[1:], start=2)
        if fields and len(fields) != len(header)
    ]
    if ragged:
        raise CustomFileError(_in_one_line(ragged))
    frame = pd.DataFrame([f for f in lines[1:] if f], columns=lines[0], dtype="string")
    missing = [c for c in source.columns if c not in frame.columns]
    if missing:
        raise CustomFileError(
            f"file {path}: column(s) {', '.join(missing)} missing; a {source.source_id} file "
            f"has the columns {', '.join(source.columns)}"
        )
    frame = frame.apply(lambda column: column.str.strip())
    empty_value = frame["waarde"] == ""
    problems = _parse_numbers(path, frame)
    try:
        checked = _contract(source, sorted(province_codes)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += _contract_messages(source, path, err, province_codes)
        checked = frame
    secret = checked["status"] == SECRET
    problems += (
        [
            f"file {path}, row {row + 2}, column waarde: status is {SECRET!r} but a value is given"
            for row in checked.index[secret & checked["waarde"].notna()]
        ]
        + [
            f"file {path}, row {row + 2}, column waarde: empty without status {SECRET!r} (a "
            "missing figure must say why; it is never read as zero)"
            for row in checked.index[~secret & empty_value]
        ]
        if "waarde" in checked
        else []
    )
    if problems:
        raise CustomFileError(_in_one_line(problems))
    checked["region_code"] = checked["regio"].map(province_codes)
    checked["release"] = release.release_id
    return checked


def read_releases(
    source: CustomSource, region_codes: Mapping[str, str], root: Path = CUSTOM_DIR
) -> list[tuple[Release, pd.DataFrame]]:
    """Every release of a source, validated; all problems of all files in one error."""
    loaded, problems = [], []
    for release in releases(source, root):
        try:
            loaded.append((release, read_release(release, region_codes)))
        except CustomFileError as err:
            problems.append(str(err))
    if problems:
        raise CustomFileError("\n".join(problems))
    return loaded
