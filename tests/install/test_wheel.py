"""The program as a user installs it: a wheel built from this tree, installed into a fresh
virtual environment outside it, runs `demo`, a run and an export from a scratch folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.cli.conftest import COLUMNS, assert_record, parse_csv

pytestmark = pytest.mark.long  # real programs and their waits: handed out first (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")
STEP_TIMEOUT = 300  # pip may fetch the dependencies on a machine that has not seen them


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy: setuptools reuses a build/ folder, which could hold files no longer in the tree.
    source = tmp_path_factory.mktemp("source") / "backorder-desktop"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(dist)],
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("backorder_desktop-*.whl")
    return found


def test_the_wheel_holds_every_module_and_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "backorder_desktop").rglob("*.py")}
    resources = {
        "backorder_desktop/resources/" + p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert "backorder_desktop/resources/northwind/products.csv" in resources
    assert sorted(modules - names) == [], "modules missing from the wheel (pyproject's package list?)"
    assert sorted(resources - names) == [], "resources missing from the wheel"


@pytest.mark.skipif(
    bool(os.environ.get("BACKORDER_INSTALL_CHECKED")), reason="done by .ci/installed.sh in this CI run"
)
def test_a_wheel_in_a_fresh_environment_runs_demo_a_run_and_an_export(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=STEP_TIMEOUT)
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(BACKORDER_DESKTOP_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")

    def program(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(venv / "bin" / "backorder-desktop"), *args, "--db", "x.sqlite3"]
        done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}: {done.stderr}"
        return done

    program("demo")
    assert_record(program("run", "primary").stdout, "primary", "ok")
    program("export", "shipments", "-o", "shipments.csv")
    rows = parse_csv("shipments", (scratch / "shipments.csv").read_text(encoding="utf-8"))
    assert rows, "the demo's shipments export is empty"
    assert list(rows[0]) == COLUMNS["shipments"]
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import backorder_desktop; print(backorder_desktop.__file__)"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), "the program ran from the source tree"
