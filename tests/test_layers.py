"""The layers hold: no arrow from the core to the doors, none from domain/ to scheduling/.

docs/import_graph.py prints the graph; this test runs it as a reader would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_import_runs_against_the_layers() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "import_graph.py")], capture_output=True, text=True, timeout=60
    )
    assert "arrows against the layers: 0" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


def test_the_graph_sees_late_imports_too() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "import_graph.py"), "--modules"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # __main__ loads the window only when there is no command: an import inside a function.
    assert "backorder_desktop.__main__ -> backorder_desktop.ui.app" in result.stdout.splitlines()
