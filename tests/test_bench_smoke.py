"""The everyday benchmark completes and writes its JSON (no timing is asserted in tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_small_benchmark_completes_and_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--scale",
            "small",
            "--repeat",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    scenarios = {row["scenario"] for row in figures["results"]}
    assert {
        "primary run",
        "floor: sqlite3 executemany",
        "growth exponent",
        "run with nothing new",
        "check",
        "secondary, nothing available",
        "import orders",
    } <= scenarios
    primary = next(row for row in figures["results"] if row["scenario"] == "primary run")
    assert primary["units"] > 0 and primary["ratio_to_floor"] > 0
    assert "ratio to floor" in result.stdout
