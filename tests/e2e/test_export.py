"""End to end, export: the real CBS export figures through to marts.indicator_values; a bad
custom file stops the run and leaves the published warehouse as it was; a new release (with a
SYNTHETIC partner file) is picked up with its publication date."""

import shutil

import duckdb
import pytest

from orchestration.launcher import step_failure_message
from sources.custom import CUSTOM_DIR
from tests.e2e.conftest import run_nightly, value
from tests.unit.test_custom_files import BAD_FILES


def test_overijssel_goods_export_2019_to_2021(warehouse):
    assert value(warehouse, "export_goederen", "PV23", "2019") == 22_598
    assert value(warehouse, "export_goederen", "PV23", "2020") == 23_371
    assert value(warehouse, "export_goederen", "PV23", "2021") == 25_119
    unit = warehouse.execute(
        "select distinct unit from marts.indicator_values where indicator_id = 'export_goederen'"
    ).fetchall()
    assert unit == [("mln euro",)]


def test_overijssel_grew_least_of_all_provinces_in_2021(warehouse):
    growth = dict(
        warehouse.execute(
            "select region_code, value from marts.indicator_values "
            "where indicator_id = 'export_goederen_groei_pct' and period = '2021'"
        ).fetchall()
    )
    assert growth["PV23"] == pytest.approx(100 * (25_119 / 23_371 - 1))  # 7.5%
    assert min(growth, key=growth.get) == "PV23"
    assert len(growth) == 11  # Flevoland withheld: no growth figure


def test_flevoland_is_secret_null_never_zero_and_missing_from_the_share_base(warehouse):
    row = warehouse.execute(
        "select value, status from marts.indicator_values "
        "where indicator_id = 'export_goederen' and region_code = 'PV24' and period = '2021'"
    ).fetchone()
    assert row == (None, "geheim")
    total = 25_119 + 33_209 + 7_305 + 21_427 + 78_359 + 89_518 + 5_318 + 35_136 + 8_202
    total += 100_174 + 17_069
    assert value(warehouse, "export_goederen_aandeel_pct", "PV23", "2021") == pytest.approx(
        100 * 25_119 / total
    )
    rank = warehouse.execute(
        "select rang from marts.export_per_provincie where region_code = 'PV23' and period = '2021'"
    ).fetchone()[0]
    assert rank == 6


def copy_custom_dir(tmp_path):
    custom = tmp_path / "custom"
    shutil.copytree(CUSTOM_DIR, custom)
    return custom


def test_bad_releases_stop_the_run_and_change_nothing(warehouse_path, tmp_path):
    """One SYNTHETIC bad release of each kind (from tests/unit/test_custom_files.py) at once:
    every problem is reported by file, row and column, and the published file is unchanged."""
    published = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, published)
    before = published.read_bytes()
    custom = copy_custom_dir(tmp_path)
    real = custom / "export_provincies" / "2023-08-cbs-nieuws"
    lines = real.with_suffix(".csv").read_text(encoding="utf-8").splitlines()
    for n, (change, _) in enumerate(BAD_FILES.values()):
        bad = custom / "export_provincies" / f"2024-06-{n + 1:02d}-bad"
        bad.with_suffix(".csv").write_text("\n".join(change(lines)) + "\n")
        shutil.copy(real.with_suffix(".yaml"), bad.with_suffix(".yaml"))
    result = run_nightly(
        {"ONTCIJFERD_WAREHOUSE": str(published), "ONTCIJFERD_CUSTOM_DIR": str(custom)}
    )
    assert not result.success
    [failure] = [e.event_specific_data for e in result.all_events if e.is_step_failure]
    # The Dagster UI leads with our message and metadata, not a stack trace.
    told = failure.user_failure_data
    assert told.metadata["step"].value == "custom file custom_export_provincies"
    assert told.metadata["error"].value == "CustomFileError"
    error = step_failure_message(failure)
    assert error == told.description
    per_file = error.splitlines()
    for n, (_, expected) in enumerate(BAD_FILES.values()):
        [message] = [m for m in per_file if f"2024-06-{n + 1:02d}-bad.csv" in m]
        for part in expected:
            assert part in message
    assert published.read_bytes() == before


def test_a_new_release_and_a_partner_file_are_published(tmp_path):
    """SYNTHETIC release and partner figures (not CBS data), to prove the drop-in path."""
    custom = copy_custom_dir(tmp_path)
    folder = custom / "export_provincies"
    lines = (folder / "2023-08-cbs-nieuws.csv").read_text(encoding="utf-8").splitlines()
    (folder / "2025-03-10-synthetisch.csv").write_text(
        "\n".join([*lines, "Overijssel,2022,30000,mln euro,"]) + "\n"
    )
    (folder / "2025-03-10-synthetisch.yaml").write_text(
        "title: synthetic test release\npublisher: CBS\nsource_url: https://example.org\n"
        "published: '2025-03-10'\n"
    )
    partners = custom / "export_partnerlanden"
    (partners / "2025-03-10-synthetisch.csv").write_text(
        "regio,partnerland,jaar,waarde,eenheid,status\n"
        "Overijssel,Totaal,2022,30000,mln euro,\n"
        "Overijssel,Duitsland,2022,7500,mln euro,\n"
        "Overijssel,Verenigde Staten,2022,,mln euro,geheim\n"
    )
    (partners / "2025-03-10-synthetisch.yaml").write_text(
        "title: synthetic partners\npublisher: CBS\nsource_url: https://example.org\n"
        "published: '2025-03-10'\n"
    )
    path = tmp_path / "ontcijferd.duckdb"
    result = run_nightly({"ONTCIJFERD_WAREHOUSE": str(path), "ONTCIJFERD_CUSTOM_DIR": str(custom)})
    assert result.success
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(
            "select value, release_date, source_table from marts.indicator_values "
            "where indicator_id = 'export_goederen' and region_code = 'PV23' and period = '2022'"
        ).fetchone()
        assert row[0] == 30_000 and str(row[1]) == "2025-03-10"
        assert "synthetic test release" in row[2]
        releases = con.execute(
            "select count(*) from raw.custom_releases where source_id = 'export_provincies'"
        ).fetchone()[0]
        assert releases == 2  # every release is kept in raw
        shares = con.execute(
            "select categorie, value from marts.indicator_values "
            "where indicator_id = 'export_aandeel_partner_pct' and region_code = 'PV23'"
        ).fetchall()
        assert shares == [("Duitsland", 25.0)]  # the withheld partner has no share
    finally:
        con.close()
