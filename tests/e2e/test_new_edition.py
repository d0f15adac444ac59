"""Adding a CBS edition is one registry entry plus its data files — no SQL, no YAML, no seed.

The test copies the project, adds a SYNTHETIC Kerncijfers wijken en buurten edition "2025" the
way a developer would (one `_kwb(...)` entry in sources/registry.py, the previous edition's
`successor`, a snapshot folder), runs `ontcijferd prepare` and `ontcijferd run` in the copy and
finds the synthetic figures in marts.indicator_values. The folder is SYNTHETIC: made from the
real 2024 edition with changed figures and a moved column key, never published.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.e2e

SYNTHETIC_ID = "SYNTHETIC_KWB_2025"
# A moved column key, as CBS does between editions (2024 has _90).
SYNTHETIC_KEY = "HuishOnderOfRondSociaalMinimum_95"
# SYNTHETIC social-minimum shares for two gemeenten (the real 2024 edition has no income yet).
SYNTHETIC_SHARES = {"GM0193": 7.7, "GM0153": 11.1}  # Zwolle, Enschede
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "target", ".dagster_home", "*.duckdb", "__pycache__", "site", "test-output"
)

# The last line of _KWB_EDITIONS in sources/registry.py, and the one line the test adds.
LAST_EDITION = (
    '    ("85984NED", 2024, _KWB_HOUSEHOLDS_2023, "HuishOnderOfRondSociaalMinimum_90", '
    "_KWB_THEMES_2024),\n"
)
NEW_EDITION = (
    f'    ("{SYNTHETIC_ID}", 2025, _KWB_HOUSEHOLDS_2023, "{SYNTHETIC_KEY}", _KWB_THEMES_2024),\n'
)


def synthetic_snapshot_folder(project: Path) -> None:
    """sources/snapshot/SYNTHETIC_KWB_2025/: the 2024 edition with SYNTHETIC figures."""
    real, folder = (
        project / "sources/snapshot/85984NED",
        project / f"sources/snapshot/{SYNTHETIC_ID}",
    )
    shutil.copytree(real, folder)
    rows = json.loads((real / "TypedDataSet.json").read_text())
    for row in rows:
        row[SYNTHETIC_KEY] = SYNTHETIC_SHARES.get(row["WijkenEnBuurten"].strip())
        del row["HuishOnderOfRondSociaalMinimum_90"]
        # No population: 2024's count under 2025 would contradict the real 1 January 2025
        # (37230ned, Gebieden 2025), which the parts-sum test rightly blocks.
        row["AantalInwoners_5"] = None
    (folder / "TypedDataSet.json").write_text(json.dumps(rows))
    properties = json.loads((real / "DataProperties.json").read_text())
    for p in properties:
        if p["Key"] == "HuishOnderOfRondSociaalMinimum_90":
            p["Key"] = SYNTHETIC_KEY
    (folder / "DataProperties.json").write_text(json.dumps(properties))
    info = [{"Identifier": SYNTHETIC_ID, "Title": "SYNTHETIC Kerncijfers wijken en buurten 2025"}]
    (folder / "TableInfos.json").write_text(json.dumps(info))


def changed_files(original: Path, copy: Path) -> set[str]:
    """Files of the project (not build outputs) that differ between original and copy."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=original,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    changed = {
        f
        for f in listed
        if (original / f).is_file()
        and (copy / f).is_file()
        and (original / f).read_bytes() != (copy / f).read_bytes()
    }
    return changed


def run_in_copy(project: Path, warehouse: Path, commands: list[list[str]]) -> None:
    """`ontcijferd <command>` for each command, in the copy of the project, publishing to
    `warehouse`; each must succeed (its output's end is the failure message)."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "DAGSTER_HOME": str(project),
        "ONTCIJFERD_WAREHOUSE": str(warehouse),
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "delivery.cli", *command],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_a_new_kwb_edition_reaches_the_indicators_with_one_registry_entry(tmp_path, dbt_manifest):
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT, project, ignore=IGNORED)
    registry = project / "sources/registry.py"
    text = registry.read_text()
    assert text.count(LAST_EDITION) == 1
    registry.write_text(text.replace(LAST_EDITION, LAST_EDITION + NEW_EDITION))
    synthetic_snapshot_folder(project)
    assert changed_files(REPO_ROOT, project) == {"sources/registry.py"}

    warehouse = tmp_path / "warehouse" / "ontcijferd.duckdb"
    run_in_copy(project, warehouse, [["prepare"], ["run"]])

    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "select region_code, value, source_table, method_break from marts.indicator_values "
        "where indicator_id = 'huishoudens_rond_sociaal_minimum_pct' and period = '2025'"
    ).fetchall()
    assert {r[0]: r[1] for r in rows if r[1] is not None} == SYNTHETIC_SHARES
    assert {r[2] for r in rows} == {SYNTHETIC_ID}
    # The change of edition is a declared continuation (the registry's link), not a break.
    assert {r[3] for r in rows} == {False}
    population = con.execute(
        "select value from marts.indicator_values where indicator_id = 'bevolking_totaal' "
        "and region_code = 'GM0193' and period = '2025' and source_table = ?",
        [SYNTHETIC_ID],
    ).fetchall()
    # Zwolle's 2025 population comes from the synthetic edition wherever 03759ned lacks it.
    real_2024 = con.execute(
        "select value from marts.indicator_values where indicator_id = 'bevolking_totaal' "
        "and region_code = 'GM0193' and period = '2024'"
    ).fetchone()[0]
    assert population in ([], [(real_2024,)])
    con.close()
