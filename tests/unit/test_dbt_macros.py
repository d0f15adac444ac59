"""The dbt macros that parse CBS codes, compiled by dbt and executed by DuckDB."""

import duckdb
from dbt.cli.main import dbtRunner

from tests.conftest import REPO_ROOT

CASES = {
    "2024JJ00": ("2024", "jaar"),
    "2024HJ02": ("2024H2", "halfjaar"),
    "2024KW01": ("2024Q1", "kwartaal"),
    "2024MM01": ("2024M01", "maand"),
    "2024X000": ("2024X000", "onbekend"),
}


def test_period_and_region_macros(dbt_manifest, tmp_path):
    selects = [
        f"select '{key}' as k, {{{{ cbs_period(\"'{key}'\") }}}} as period, "
        f"{{{{ cbs_period_type(\"'{key}'\") }}}} as period_type"
        for key in CASES
    ]
    sql = " union all ".join(selects) + (
        " union all select 'region', {{ cbs_region_code(\"'NL00      '\") }}, "
        "{{ cbs_status(\"' Nader voorlopig'\") }}"
    )
    project = str(REPO_ROOT / "dbt_project")
    result = dbtRunner().invoke(
        [
            "compile",
            "--inline",
            sql,
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--target-path",
            str(tmp_path / "target"),
            "--quiet",
            "--vars",
            f"{{warehouse_path: '{tmp_path / 'macros.duckdb'}'}}",
        ]
    )
    assert result.success, result.exception
    rows = dict(
        (k, (p, t))
        for k, p, t in duckdb.sql(result.result.results[0].node.compiled_code).fetchall()
    )
    assert rows.pop("region") == ("NL01", "nader voorlopig")
    assert rows == CASES
