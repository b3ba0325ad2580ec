"""The code stays as STYLE asks: lint-clean, typed, with a core that never loads Qt, a domain
that never reaches up into scheduling, and the `schedule` library behind the engine."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UI = ROOT / "backorder_desktop" / "ui"
# The store's means of issuing SQL. The window asks the domain instead (opening a database,
# its errors and is_postgres are no SQL, and stay allowed).
SQL_HELPERS = {"db", "query", "executemany", "write", "reserve_ids", "param", "stamp", "binary_text"}
SQL_WORDS = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA)\b")
PACKAGE = ROOT / "backorder_desktop"
# The doors that build the engine (and so load the `schedule` library through it); every other
# module of the command line and the window reads the clock and the planner from domain/.
ENGINE_BUILDERS = {"ui/app.py", "ui/main_window.py"}


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([BIN / "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    result = subprocess.run([BIN / "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_and_command_line_never_import_qt() -> None:
    code = (
        "import sys, backorder_desktop.cli, backorder_desktop.demo, backorder_desktop.domain.check;"
        "import backorder_desktop.domain.allocation;"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def sql_in(path: Path) -> list[str]:
    """Where the module at PATH reaches for the store's SQL helpers or holds SQL text."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and node.module == "backorder_desktop.store.database":
            found += [f"{where}: imports {a.name}" for a in node.names if a.name in SQL_HELPERS]
        elif isinstance(node, ast.ImportFrom) and node.module == "backorder_desktop.store":
            found += [f"{where}: imports the store's database" for a in node.names if a.name == "database"]
        elif isinstance(node, ast.Import):
            found += [f"{where}: imports {a.name}" for a in node.names if a.name.endswith("store.database")]
        elif isinstance(node, ast.Attribute) and node.attr in ("execute_sql", "executemany", "cursor"):
            found.append(f"{where}: calls {node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_WORDS.search(node.value):
            found.append(f"{where}: SQL text {node.value[:40]!r}")
    return found


def test_the_window_issues_no_sql_and_asks_the_domain() -> None:
    found = [problem for path in sorted(UI.glob("*.py")) for problem in sql_in(path)]
    assert not found, found


def _imports(path: Path) -> set[str]:
    """Every module PATH imports, at its top or inside a function, by its full name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _importers(prefix: str, paths: list[Path]) -> set[str]:
    """Those of PATHS (relative to the package) that import PREFIX or a module inside it."""
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in paths
        if any(name == prefix or name.startswith(f"{prefix}.") for name in _imports(path))
    }


def test_the_domain_never_imports_scheduling() -> None:
    domain = sorted((PACKAGE / "domain").rglob("*.py"))
    assert len(domain) > 10
    assert _importers("backorder_desktop.scheduling", domain) == set()


def test_only_the_engine_uses_the_schedule_library_and_only_the_doors_that_build_it_import_it() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert _importers("schedule", modules) == {"scheduling/engine.py"}
    doors = [PACKAGE / "cli.py", *sorted((PACKAGE / "ui").rglob("*.py"))]
    assert _importers("backorder_desktop.scheduling.engine", doors) <= ENGINE_BUILDERS
    code = (
        "import sys, backorder_desktop.cli, backorder_desktop.ui.schedule_tab;"
        "bad = sorted(m for m in sys.modules if m.startswith(('schedule', 'backorder_desktop.scheduling')));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
