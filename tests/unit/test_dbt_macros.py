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


# SYNTHETIC series (indicator, previous source → source) and declared links (van → naar,
# same definition), for the rule of macros/series.sql.
LINKS = [("A", "B", True), ("B", "C", False), ("K1", "K2", True)]
CHANGES = {
    "continued": ("A", "B", False),
    "a break": ("B", "C", True),
    "undeclared": ("A", "C", None),
    # a total since the start that adds this year's table to last year's (woondeal 2024)
    "a table added, declared as a break": ("B", "B, C", True),
    "a table added, undeclared": ("A", "A, X", None),
    # KWB editions beside another table: the part that stays is no change
    "one of two tables continued": ("K1, H", "K2, H", False),
    "a table gone without a successor": ("K1, H", "H", None),
    "one table continued, the other undeclared": ("A, X", "B, Y", None),
    # another source beside the tables (the Woondeal's target) stays whole
    "beside a policy target": ("B, Woondeal (2025)", "C, Woondeal (2025)", True),
    "reordered": ("A, H", "H, A", False),  # the same tables: no change
}


def test_a_change_of_source_is_a_break_only_as_declared(dbt_manifest, tmp_path):
    changes = " union all ".join(
        f"select '{name}' as indicator_id, 'PV23' as region_code, null as categorie, "
        f"'jaar' as period_type, '2024' as period, '{old}' as previous_source, "
        f"'{new}' as source_table"
        for name, (old, new, _) in CHANGES.items()
    )
    links = " union all ".join(
        f"select '{van}' as van_tabel, '{naar}' as naar_tabel, {same} as zelfde_definitie"
        for van, naar, same in LINKS
    )
    sql = (
        f"with changes as ({changes}), links as ({links}) select indicator_id, method_break "
        "from ({{ source_change_breaks('changes', 'links') }})"
    )
    result = run_dbt(["compile", "--inline", sql], tmp_path, tmp_path / "series.duckdb")
    rows = dict(duckdb.sql(result.result.results[0].node.compiled_code).fetchall())
    assert rows == {name: expected for name, (_, _, expected) in CHANGES.items()}


def test_a_figure_from_several_tables_carries_the_newest_release_or_none(dbt_manifest, tmp_path):
    """macros/cbs.sql: across columns and across rows; SYNTHETIC dates, one of them unknown."""
    sql = (
        "select {{ cbs_release_of_parts(['a', 'b']) }} as across, g from (values "
        "(date '2025-03-01', date '2025-04-22', 1), (date '2025-03-01', null, 2)) t(a, b, g)"
        " union all select {{ cbs_release_of_rows('a') }}, g from (values "
        "(date '2025-03-01', 3), (date '2025-04-22', 3), (date '2025-03-01', 4), (null, 4)) "
        "t(a, g) group by g"
    )
    result = run_dbt(["compile", "--inline", sql], tmp_path, tmp_path / "releases.duckdb")
    rows = duckdb.sql(result.result.results[0].node.compiled_code).fetchall()
    assert sorted((g, str(d) if d else None) for d, g in rows) == [
        (1, "2025-04-22"),
        (2, None),
        (3, "2025-04-22"),
        (4, None),
    ]
