"""The code stays as STYLE asks: lint-clean, typed, and with a core that never loads Qt."""

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
