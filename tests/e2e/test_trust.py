"""Trust at a glance: an implausible change never publishes without being accepted, and the run
summary says what changed since the last publication."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from delivery.cli import EXIT_OK, EXIT_RUN_FAILED
from sources.config import REPO_ROOT
from tests.conftest import reliability_row
from tests.e2e.conftest import run_here

TYPO_RELEASE = "2024-01-synthetic-typo"


@pytest.fixture
def custom_with_a_typo(tmp_path, monkeypatch) -> Path:
    """The custom files plus a SYNTHETIC later release of the provincial export figures: a copy
    of CBS's 2023/08 release in which Overijssel's 2021 export (25,119 mln euro) is typed with a
    Dutch thousands separator, `25.119`, as someone copying from a Dutch table would."""
    folder = tmp_path / "custom"
    shutil.copytree(REPO_ROOT / "sources" / "custom", folder)
    release = folder / "export_provincies"
    csv = (release / "2023-08-cbs-nieuws.csv").read_text(encoding="utf-8")
    assert "Overijssel,2021,25119," in csv
    (release / f"{TYPO_RELEASE}.csv").write_text(
        csv.replace("Overijssel,2021,25119,", "Overijssel,2021,25.119,"), encoding="utf-8"
    )
    meta = (release / "2023-08-cbs-nieuws.yaml").read_text(encoding="utf-8")
    (release / f"{TYPO_RELEASE}.yaml").write_text(
        "# SYNTHETIC test release: 25.119 typed for 25,119.\n" + meta, encoding="utf-8"
    )
    monkeypatch.setenv("ONTCIJFERD_CUSTOM_DIR", str(folder))
    return folder


def test_a_thousands_separator_typo_is_not_published_until_accepted(
    published, custom_with_a_typo, request
):
    before = published.read_bytes()
    code, out = run_here()
    assert code == EXIT_RUN_FAILED, out
    [blocked] = [line for line in out.splitlines() if "plausible_change: " in line]
    assert "revision export_goederen PV23 (Overijssel) 2021: 25.119 → 25,12 mln euro" in blocked
    assert "-99,9 %" in blocked
    assert "--accept-change export_goederen export_goederen_aandeel_pct" in blocked
    assert not any(line.startswith("  STEP FAILED") for line in out.splitlines())
    assert published.read_bytes() == before

    # Accepted (say the figure really is 25.119): it publishes, and the summary names it.
    code, out = run_here(
        "--accept-change",
        "export_goederen",
        "export_goederen_aandeel_pct",
        "export_goederen_groei_pct",
    )
    assert code == EXIT_OK, out
    lines = out.splitlines()
    at = lines.index("changes since the last publication:")
    summary = lines[at : at + 9]
    assert summary[1] == "  CBS tables loaded: 0"
    assert summary[2].startswith("  values revised since the last publication: ")
    assert any("export_goederen PV23 (Overijssel) 2021: 25.119 → 25,12" in s for s in summary)
    reliability_row(
        request,
        side="bad values",
        fault="a Dutch thousands separator in a new release (25.119 for 25,119)",
        injected="SYNTHETIC later release of the provincial export CSV with Overijssel 2021 typed "
        "25.119",
        expected="exit 1, nothing published, the check names indicator, region, period, old and "
        "new value and the accept command; `--accept-change` publishes it",
        seen=blocked.strip()[:300] + "…",
    )


def test_a_value_gone_from_the_build_is_kept_in_the_history_as_verdwenen(warehouse_path, tmp_path):
    """dbt's incremental history on a copy of the published warehouse whose build lost one value
    (Zwolle's dwelling stock 2015, deleted from marts.indicator_values as a release without that
    row leaves it): the history gets a row with status 'verdwenen' and no value, and
    marts.indicator_revisions lists it with the value it had."""
    import duckdb

    from tests.conftest import run_dbt

    warehouse = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, warehouse)
    gone = ("woningvoorraad", "GM0193", "2015")
    con = duckdb.connect(str(warehouse))
    [(published,)] = con.execute(
        "select value from marts.indicator_values where indicator_id = ? and region_code = ? "
        "and period = ? and period_type = 'jaar' and categorie is null",
        list(gone),
    ).fetchall()
    con.execute(
        "delete from marts.indicator_values where indicator_id = ? and region_code = ? "
        "and period = ? and period_type = 'jaar' and categorie is null",
        list(gone),
    )
    con.close()
    run_dbt(
        ["run", "--select", "indicator_value_history", "indicator_revisions"], tmp_path, warehouse
    )
    con = duckdb.connect(str(warehouse))  # as dbt, in this process, opened it
    try:
        history = con.execute(
            "select value, status from marts.indicator_value_history where indicator_id = ? "
            "and region_code = ? and period = ? order by recorded_at",
            list(gone),
        ).fetchall()
        revisions = con.execute(
            "select old_value, new_value, new_status from marts.indicator_revisions "
            "where indicator_id = ? and region_code = ? and period = ?",
            list(gone),
        ).fetchall()
        others = con.execute(
            "select count(*) from marts.indicator_value_history where status = 'verdwenen'"
        ).fetchone()[0]
    finally:
        con.close()
    assert history[-1] == (None, "verdwenen") and history[-2][0] == published
    assert revisions == [(published, None, "verdwenen")]
    assert others == 1
