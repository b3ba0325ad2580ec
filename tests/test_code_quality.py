"""The code stays as STYLE asks: lint-clean, typed, and with a core that never loads Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


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
