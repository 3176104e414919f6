"""The import table of DESIGN.md, enforced: arrows only point down.

    domain    the standard library only        nlu       domain
    routing   domain (solver, distances, SVG)   storage   domain
    services  domain, storage, nlu, routing     handlers  domain, services, nlu
    jobs      domain, services, storage, nlu, routing, bot.channels
    bot       everything                        testing   everything (tests and `khaacho replay` only)

Imports inside `if TYPE_CHECKING:` count too: a type is a dependency. (tests/domain/test_purity.py
checks that domain imports nothing installed either.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "nlu", "routing", "storage", "services", "handlers", "jobs", "bot", "testing")
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "domain": (),
    "nlu": ("domain",),
    "routing": ("domain",),
    "storage": ("domain",),
    "services": ("domain", "storage", "nlu", "routing"),
    "handlers": ("domain", "services", "nlu"),
    "jobs": ("domain", "services", "storage", "nlu", "routing", "bot.channels"),
    "bot": PACKAGES,
    "testing": PACKAGES,
}


def all_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a project package in `path`."""
    return [(line, module) for line, module in all_imports(path) if module.split(".")[0] in PACKAGES]


def allowed(package: str, module: str) -> bool:
    return any(module == target or module.startswith(target + ".") for target in (package, *MAY_IMPORT[package]))


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", [p for p in PACKAGES if (ROOT / p).is_dir()])
def test_arrows_point_down(package: str) -> None:
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {module}"
             for path in modules(package) for line, module in imports(path) if not allowed(package, module)]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from storage.uow import UnitOfWork\nimport bot.app\nfrom domain.orders import Order\n")
    assert [m for _, m in imports(bad) if not allowed("handlers", m)] == ["storage.uow", "bot.app"]
    assert allowed("jobs", "bot.channels.twilio") and not allowed("jobs", "bot.dispatcher")


def _uow_attributes(path: Path) -> list[tuple[int, str]]:
    return [(node.lineno, node.attr) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "uow"]


def test_handlers_only_pass_the_unit_of_work_on() -> None:
    """A handler hands `uow` to services (or records an event on it); it never reaches a repository."""
    wrong = [f"{path.relative_to(ROOT)}:{line} uses uow.{attr}" for path in modules("handlers")
             for line, attr in _uow_attributes(path) if attr != "record"]
    assert not wrong, "\n".join(wrong)


def test_no_sql_and_no_connection_above_storage() -> None:
    wrong = []
    for package in ("services", "handlers", "jobs"):
        for path in modules(package):
            source = path.read_text(encoding="utf-8")
            wrong += [f"{path.relative_to(ROOT)}:{line} uses uow.conn" for line, attr in _uow_attributes(path)
                      if attr == "conn"]
            if package != "jobs" and "asyncpg" in {m.split(".")[0] for _, m in all_imports(path)}:
                wrong.append(f"{path.relative_to(ROOT)} imports asyncpg")
            for word in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"):
                if f'"{word}' in source or f"'{word}" in source:
                    wrong.append(f"{path.relative_to(ROOT)} holds SQL ({word.strip()})")
    assert not wrong, "\n".join(wrong)
