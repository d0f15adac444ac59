"""The dbt macros that parse CBS codes, compiled by dbt and executed by DuckDB."""

import duckdb

from tests.conftest import run_dbt

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
        " union all select 'region', {{ cbs_region_code(\"'NL00      '\", {'NL00': 'NL01'}) }}, "
        "{{ cbs_status(\"' Nader voorlopig'\") }}"
    )
    result = run_dbt(["compile", "--inline", sql], tmp_path, tmp_path / "macros.duckdb")
    rows = dict(
        (k, (p, t))
        for k, p, t in duckdb.sql(result.result.results[0].node.compiled_code).fetchall()
    )
    assert rows.pop("region") == ("NL01", "nader voorlopig")
    assert rows == CASES


# Perioden.Status as real CBS responses spell it (CBS OData v3 metadata: "Definitief",
# "Voorlopig", "NaderVoorlopig"), the spaced form older exports use, and anything else.
STATUSES = {
    "Definitief": "definitief",
    "Voorlopig": "voorlopig",
    "NaderVoorlopig": "nader voorlopig",
    " Nader voorlopig ": "nader voorlopig",
    "Herzien": "onbekend",
}


def test_every_cbs_status_string_maps_to_a_project_status(dbt_manifest, tmp_path):
    sql = " union all ".join(
        f"select '{raw}' as raw, {{{{ cbs_status(\"'{raw}'\") }}}} as status" for raw in STATUSES
    )
    result = run_dbt(["compile", "--inline", sql], tmp_path, tmp_path / "statuses.duckdb")
    rows = duckdb.sql(result.result.results[0].node.compiled_code).fetchall()
    assert dict(rows) == STATUSES
