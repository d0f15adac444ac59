"""Custom CBS files: the real export release validates; every kind of bad file is rejected with
a message naming file, row and column. The bad files are SYNTHETIC variations of the real one."""

import codecs
import json
import shutil
from pathlib import Path

import pytest

from sources.custom import (
    CUSTOM_DIR,
    CUSTOM_SOURCES,
    PROBLEMS_SHOWN,
    CustomFileError,
    read_release,
    region_codes_from_gebieden,
    release_date,
    releases,
)
from sources.snapshot import SNAPSHOT_DIR

EXPORT = CUSTOM_SOURCES["export_provincies"]
REAL = CUSTOM_DIR / "export_provincies" / "2023-08-cbs-nieuws.csv"
CODES = region_codes_from_gebieden(
    json.loads((SNAPSHOT_DIR / "86059NED" / "TypedDataSet.json").read_text())
)


def release_with(tmp_path: Path, lines: list[str], published: str = "2025-01-15"):
    folder = tmp_path / "export_provincies"
    folder.mkdir()
    (folder / "2025-01-15-test.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "2025-01-15-test.yaml").write_text(
        f"title: test\npublisher: CBS\nsource_url: https://example.org\npublished: '{published}'\n"
    )
    [release] = releases(EXPORT, tmp_path)
    return release


def real_lines() -> list[str]:
    return REAL.read_text(encoding="utf-8").splitlines()


def test_the_real_release_reads_with_codes_and_secret_flevoland():
    [release] = releases(EXPORT)
    rows = read_release(release, CODES).set_index(["region_code", "jaar"])
    assert rows.loc[("PV23", 2019), "waarde"] == 22_598
    assert rows.loc[("PV23", 2021), "waarde"] == 25_119
    assert rows.loc[("PV28", 2021), "waarde"] == 100_174
    assert rows.loc[("PV24", 2020), "status"] == "geheim"
    assert rows.loc[("PV24", 2020), "waarde"] != rows.loc[("PV24", 2020), "waarde"]  # NaN
    assert len(rows) == 36
    assert release_date(release) is None  # the release's day is not known: not claimed


def test_a_full_publication_date_becomes_the_release_date(tmp_path):
    assert release_date(release_with(tmp_path, real_lines())) == "2025-01-15"


def rows_changed(*changes: tuple[str, str]):
    """A change of the file: the first data rows, one (old, new) replacement each."""
    return lambda lines: [
        lines[0],
        *(
            line.replace(*change)
            for line, change in zip(lines[1 : 1 + len(changes)], changes, strict=True)
        ),
        *lines[1 + len(changes) :],
    ]


BAD_FILES = {
    "missing column": (
        lambda lines: [line.rsplit(",", 1)[0] for line in lines],
        ["column(s) status missing"],
    ),
    "text in a number": (
        rows_changed(("11654", "elfduizend")),
        ["row 2, column waarde: 'elfduizend' is not a number"],
    ),
    "decimal comma": (
        rows_changed(("11654", "11654,5")),
        ["row 2: 6 fields where the header has 5"],
    ),
    "columns separated by ';' (Dutch Excel)": (
        lambda lines: [line.replace(",", ";") for line in lines],
        [
            ".csv: its header 'regio;jaar;waarde;eenheid;status' is one column, separated by ';'"
            " (as Dutch Excel saves CSV); a export_provincies file separates its columns "
            "regio,jaar,waarde,eenheid,status by ','"
        ],
    ),
    "duplicate row": (
        lambda lines: [*lines, lines[10]],
        ["row 11: duplicate row", "row 38: duplicate row"],
    ),
    "unknown province": (
        rows_changed(("Groningen", "Groningn")),
        ["row 2, column regio: unknown province 'Groningn'; did you mean 'Groningen'?"],
    ),
    "changed unit": (
        lambda lines: [lines[0], *[line.replace("mln euro", "mld euro") for line in lines[1:]]],
        ["row 2, column eenheid: 'mld euro', but export_provincies is registered in 'mln euro'"],
    ),
    "secret given a value": (
        lambda lines: [line.replace(",,mln euro,geheim", ",0,mln euro,geheim") for line in lines],
        ["row 14, column waarde: status is 'geheim' but a value is given"],
    ),
    "an infinite value": (
        rows_changed(("11654", "inf"), ("10210", "1e400")),
        ["row 2, column waarde: 'inf' is not a number", "row 3, column waarde: '1e400' is not a"],
    ),
    "a year with a fraction, and none": (
        rows_changed((",2019,", ",2019.5,"), (",2020,", ",,")),
        ["row 2, column jaar: '2019.5' is not a year", "row 3, column jaar: '' is not a year"],
    ),
    "a header and no rows": (
        lambda lines: lines[:1],
        [".csv: empty but for its header"],
    ),
    "empty without a reason": (
        lambda lines: [line.replace(",,mln euro,geheim", ",,mln euro,") for line in lines],
        ["row 14, column waarde: empty without status 'geheim'"],
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_is_rejected_naming_file_row_and_column(tmp_path, kind):
    change, expected = BAD_FILES[kind]
    release = release_with(tmp_path, change(real_lines()))
    with pytest.raises(CustomFileError) as err:
        read_release(release, CODES)
    message = str(err.value)
    assert str(release.path) in message
    for part in expected:
        assert part in message


def test_a_file_wrong_on_every_row_is_one_line_naming_the_first_rows(tmp_path):
    """A file saved in another shape fails on every row alike: the first PROBLEMS_SHOWN rows
    are named, then how many more, not a line as long as the file."""
    lines = real_lines()
    release = release_with(tmp_path, [lines[0], *(line + ",x" for line in lines[1:])])
    with pytest.raises(CustomFileError) as err:
        read_release(release, CODES)
    message = str(err.value)
    assert message.count("6 fields where the header has 5") == PROBLEMS_SHOWN == 5
    assert "row 6: 6 fields" in message and "row 7:" not in message
    assert message.endswith("; and 31 more problems in the file")


def test_a_file_not_in_utf8_names_the_row_and_how_to_save_it(tmp_path):
    """Excel's plain "CSV" is Windows-1252: the first non-ASCII letter (Fryslân) is named."""
    release = release_with(tmp_path, real_lines())
    for bom in (b"", codecs.BOM_UTF8):  # a BOM before Windows-1252 text: a file pieced together
        release.path.write_bytes(bom + "\r\n".join(real_lines()).encode("cp1252"))
        with pytest.raises(CustomFileError) as err:
            read_release(release, CODES)
        assert str(err.value) == (
            f"file {release.path}, row 5: not UTF-8 (byte 0xe2); save it as CSV UTF-8 (Excel: "
            "'CSV UTF-8 (comma delimited)')"
        )


def test_a_release_without_its_metadata_file_is_rejected(tmp_path):
    folder = tmp_path / "export_provincies"
    folder.mkdir()
    shutil.copy(REAL, folder / "2025-01-15-test.csv")
    with pytest.raises(CustomFileError, match="metadata file 2025-01-15-test.yaml is missing"):
        releases(EXPORT, tmp_path)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("title: [unclosed\n", "not readable UTF-8 YAML (while parsing a flow sequence"),
        ("- title\n- publisher\n", "not 'key: value' lines (title, publisher"),
        (
            "title: t\npublisher: CBS\nsource_url: https://example.org\npublished: 2025-13-45\n",
            "published '2025-13-45' is not a date (month must be in 1..12)",
        ),
    ],
    ids=["broken YAML", "a list", "a date that cannot be"],
)
def test_a_bad_metadata_file_is_named(tmp_path, metadata, expected):
    folder = tmp_path / "export_provincies"
    folder.mkdir()
    shutil.copy(REAL, folder / "2025-01-15-test.csv")
    (folder / "2025-01-15-test.yaml").write_text(metadata, encoding="utf-8")
    with pytest.raises(CustomFileError) as err:
        releases(EXPORT, tmp_path)
    assert str(err.value).startswith(f"file {folder / '2025-01-15-test.yaml'}: ")
    assert expected in str(err.value) and "\n" not in str(err.value)


PYRAMID = CUSTOM_SOURCES["bevolking_leeftijdsgroepen"]
PYRAMID_FILE = CUSTOM_DIR / "bevolking_leeftijdsgroepen" / "2025-08-eurostat-demo_r_pjangroup.csv"


def test_the_eurostat_pyramid_file_reads_with_nuts_regions_as_cbs_codes():
    [release] = releases(PYRAMID)
    assert release.metadata["publisher"] == "Eurostat"
    assert "demo_r_pjangroup" in release.metadata["title"]
    assert "NL21" in release.metadata["notes"] and "PV23" in release.metadata["notes"]
    rows = read_release(release, CODES)
    assert set(rows["region_code"]) == {"PV23", "NL01"}  # NUTS NL21, NL
    pv23_2024 = rows[(rows["region_code"] == "PV23") & (rows["jaar"] == 2024)]
    assert pv23_2024["waarde"].sum() == 1_189_033 and len(pv23_2024) == 36


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # SYNTHETIC: a NUTS region that is not checked to be a CBS region is refused, not
        # matched by name (NL22 is Gelderland, not registered).
        (
            ("NL21,2024,mannen,0-4", "NL22,2024,mannen,0-4"),
            "column regio: unknown NUTS region 'NL22'",
        ),
        (
            ("NL21,2024,mannen,85+", "NL21,2024,mannen,85 en ouder"),
            "column leeftijdsgroep: '85 en ouder'",
        ),
        (("NL21,2024,vrouwen,0-4", "NL21,2024,V,0-4"), "column geslacht: 'V'"),
    ],
)
def test_a_bad_pyramid_row_is_named(tmp_path, change, expected):
    folder = tmp_path / "bevolking_leeftijdsgroepen"
    folder.mkdir()
    text = PYRAMID_FILE.read_text(encoding="utf-8")
    assert change[0] in text
    (folder / "2025-08-test.csv").write_text(
        text.replace(change[0], change[1], 1), encoding="utf-8"
    )
    shutil.copy(PYRAMID_FILE.with_suffix(".yaml"), folder / "2025-08-test.yaml")
    [release] = releases(PYRAMID, tmp_path)
    with pytest.raises(CustomFileError) as err:
        read_release(release, CODES)
    assert expected in str(err.value) and "2025-08-test.csv, row " in str(err.value)
