"""domain/ imports the standard library and itself only, and never reads the clock."""

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_there_are_modules_to_check():
    assert len(MODULES) >= 10


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_stdlib_and_domain_imports(path):
    roots = imported_roots(ast.parse(path.read_text()))
    foreign = {r for r in roots if r not in sys.stdlib_module_names and r not in {"domain", "__future__"}}
    assert not foreign, f"{path.name} imports {foreign}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_clock_reads(path):
    source = path.read_text()
    for forbidden in ("datetime.now", "datetime.utcnow", "date.today", "time.time(", "time.monotonic"):
        assert forbidden not in source, f"{path.name} reads the clock via {forbidden}"
