"""The everyday benchmark completes and writes its JSON, naming the commit it measured; and
its figures stay within generous bounds, as ratios measured in the same invocation where they
can be (the run against its floor, the growth of a run with its size), so that a regression
of the run cannot land silently. Each figure is the fastest of its repeats: the least noise
a busy machine adds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import fitted_exponent

pytestmark = pytest.mark.long  # real programs and their waits: handed out first (tests/conftest.py)

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
            "2",
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

    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    assert figures["commit"] == (head.stdout.strip() if head.returncode == 0 else None)
    assert isinstance(figures["dirty"], bool) or figures["commit"] is None

    rows = {row["scenario"]: row for row in figures["results"] if "min_s" in row}
    floor = rows["floor: sqlite3 executemany"]["min_s"]
    assert primary["min_s"] <= 3 * floor, f"the run took {primary['min_s'] / floor:.2f}× its floor"
    idle = rows["run with nothing new"]["min_s"]
    assert idle <= 0.050, f"a run with nothing new took {idle * 1000:.0f} ms"
    growth = [row for row in figures["results"] if row["scenario"] == "primary run (growth)"]
    exponent = fitted_exponent([row["size"] for row in growth], [row["min_s"] for row in growth])
    assert exponent <= 1.2, f"a run's time grows as lines^{exponent:.2f}"
