"""Adding an indicator is one entry in lifecycle/indicators.yaml — no SQL, no seed, no unit list.

The test copies the project, appends a SYNTHETIC indicator (the employed labour force, a column
of marts.arbeid_per_jaar that is no indicator yet, under a name and title that say it is a test)
the way a developer would, runs `ontcijferd prepare`, `run`, `export` and `report` in the copy
and finds it in marts.indicator_values with the mart's figures, in the catalog with its source
table taken from the figures, in the export and on its theme page.
"""

import shutil

import duckdb
import pandas as pd
import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.test_new_edition import IGNORED, changed_files, run_in_copy

pytestmark = pytest.mark.e2e

SYNTHETIC_ID = "synthetisch_werkzame_beroepsbevolking"
ENTRY = f"""
- id: {SYNTHETIC_ID}
  title: SYNTHETISCH testindicator (werkzame beroepsbevolking)
  theme: arbeid
  unit: personen
  kind: aantal
  source_kind: cbs
  peildatum: jaargemiddelde
  mart: arbeid_per_jaar
  column: werkzame_beroepsbevolking
  definitie: SYNTHETISCHE testindicator uit tests/e2e/test_new_indicator.py.
  toelichting: Alleen in de kopie van het project die de test maakt.
  definition: SYNTHETIC test indicator from tests/e2e/test_new_indicator.py.
  method_notes: Only in the copy of the project the test makes.
"""


def test_a_new_indicator_is_one_entry(tmp_path, dbt_manifest):
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT, project, ignore=IGNORED)
    with (project / "lifecycle" / "indicators.yaml").open("a", encoding="utf-8") as file:
        file.write(ENTRY)
    assert changed_files(REPO_ROOT, project) == {"lifecycle/indicators.yaml"}

    warehouse = tmp_path / "warehouse" / "ontcijferd.duckdb"
    exports, site = tmp_path / "exports", tmp_path / "site"
    run_in_copy(
        project,
        warehouse,
        [
            ["prepare"],
            ["run"],
            ["export", SYNTHETIC_ID, "--regions", "PV23", "--out", str(exports)],
            ["report", "--out", str(site)],
        ],
    )

    con = duckdb.connect(str(warehouse), read_only=True)
    published = con.execute(
        "select period, value, unit from marts.indicator_values "
        "where indicator_id = ? and region_code = 'PV23' order by period",
        [SYNTHETIC_ID],
    ).fetchall()
    mart = con.execute(
        "select period, werkzame_beroepsbevolking from marts.arbeid_per_jaar "
        "where region_code = 'PV23' and werkzame_beroepsbevolking is not null order by period"
    ).fetchall()
    assert [(p, v) for p, v, _ in published] == [(p, float(v)) for p, v in mart]
    assert len(published) >= 10 and {u for *_, u in published} == {"personen"}
    catalog = con.execute(
        "select title, theme, source_tables from marts.indicator_catalog where indicator_id = ?",
        [SYNTHETIC_ID],
    ).fetchone()
    con.close()
    # The source table comes from the figures (86088NED), never typed in the entry.
    assert catalog == (
        "SYNTHETISCH testindicator (werkzame beroepsbevolking)",
        "arbeid",
        "86088NED",
    )
    exported = pd.read_csv(exports / f"{SYNTHETIC_ID}_PV23.csv", dtype={"period": str})
    assert list(zip(exported["period"], exported["value"], strict=True)) == [
        (p, v) for p, v, _ in published
    ]
    page = (site / "arbeid.html").read_text(encoding="utf-8")
    assert "SYNTHETISCH testindicator (werkzame beroepsbevolking)" in page
    assert f"cijfers/{SYNTHETIC_ID}.csv" in page
