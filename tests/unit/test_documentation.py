"""Every public table and column is described in Dutch for the report's warehouse page
(`meta.omschrijving` beside the English `description` in the dbt YAML)."""

import yaml

from tests.conftest import REPO_ROOT

PUBLIC = ("dbt_project/models/marts/_marts.yml", "dbt_project/seeds/_seeds.yml")


def test_every_public_table_and_column_has_a_dutch_description():
    missing = []
    for file in PUBLIC:
        document = yaml.safe_load((REPO_ROOT / file).read_text(encoding="utf-8"))
        for node in document.get("models", []) + document.get("seeds", []):
            for item in [node, *node.get("columns", [])]:
                dutch = (item.get("meta") or {}).get("omschrijving", "")
                if item.get("description") and not dutch.strip():
                    missing.append(f"{file}: {node['name']}.{item['name']}")
    assert missing == []


def test_the_themes_the_catalog_documents_are_the_themes_indicators_have():
    from lifecycle.indicators import indicators

    themes = sorted({i.theme for i in indicators().values()})
    documented = []
    for file in PUBLIC:
        document = yaml.safe_load((REPO_ROOT / file).read_text(encoding="utf-8"))
        for node in document.get("models", []) + document.get("seeds", []):
            for column in node.get("columns", []):
                if column["name"] == "theme":
                    said = column["meta"]["omschrijving"]
                    assert said == f"Thema: {', '.join(themes[:-1])} of {themes[-1]}.", file
                    documented.append(node["name"])
    assert documented == ["indicator_catalog", "indicator_definitions"]
