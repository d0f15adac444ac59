"""Imports go one way: sources → lifecycle → orchestration → delivery; tools stay offline.

The README's layout table names these folders; this test keeps them what the table says.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

ORDER = ["sources", "lifecycle", "orchestration", "delivery"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def modules(package: str) -> list[Path]:
    return sorted((REPO_ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ORDER)
def test_a_layer_imports_no_higher_layer_and_no_offline_tool(package):
    higher = set(ORDER[ORDER.index(package) + 1 :]) | {"tools", "tests", "bench"}
    offending = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_modules(path) & higher)
        for path in modules(package)
    }
    assert {k: v for k, v in offending.items() if v} == {}


@pytest.mark.parametrize("package", ["sources", "lifecycle", "delivery"])
def test_only_the_dagster_layer_imports_dagster(package):
    # delivery/ starts runs through orchestration/launcher.py, never through Dagster itself.
    users = [
        str(p.relative_to(REPO_ROOT)) for p in modules(package) if "dagster" in imported_modules(p)
    ]
    assert users == []


# A module past this many lines does several things: split it (delivery/report/ is the example).
MOST_LINES = 450


@pytest.mark.parametrize("package", ["delivery"])
def test_no_module_of_the_layer_is_too_long_to_read(package):
    long = {
        str(p.relative_to(REPO_ROOT)): n
        for p in modules(package)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert long == {}


def test_every_module_of_the_dagster_layer_is_dagster_code():
    plain = [
        p.name
        for p in modules("orchestration")
        if p.name != "__init__.py" and "dagster" not in imported_modules(p)
    ]
    assert plain == []


def test_no_private_dagster_or_dbt_module_is_imported():
    """`dagster._*` and dbt's internals change without notice between versions."""
    private = {}
    for path in REPO_ROOT.glob("**/*.py"):
        if {".venv", "target"} & set(path.relative_to(REPO_ROOT).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.startswith(("dagster._", "dagster_dbt._")) or (
                    name.startswith("dbt.")
                    and name not in ("dbt.cli.main", "dbt.cli.main.dbtRunner")
                ):
                    private.setdefault(str(path.relative_to(REPO_ROOT)), []).append(name)
    assert private == {}
