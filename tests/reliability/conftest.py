"""Helpers for the reliability harnesses: prepared databases copied per trial, the console
script run as a subprocess where a process is what is tested (killed, timed, four at once) and
in process to build and to check, exports compared, a summary printed and saved.

BACKORDER_FULL=1 selects the long versions (hundreds of kills, many rounds).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ALL_IN_SUBPROCESSES, PROGRAM, in_process
from tests.places import copy_database, drop_postgres_database, postgres_database
from tests.places import is_postgres as is_pg

FULL = os.environ.get("BACKORDER_FULL") == "1"
needs_full = pytest.mark.skipif(not FULL, reason="long version: set BACKORDER_FULL=1")
TIMEOUT = 300


def program_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["BACKORDER_DESKTOP_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("PYTHONWARNINGS", None)
    return env


def command(target: str, *args: str | Path) -> list[str]:
    return [PROGRAM, "--db", target, *map(str, args)]


def run(
    target: str, home: Path, *args: str | Path, timeout: float = TIMEOUT, own_process: bool = False
) -> subprocess.CompletedProcess[str]:
    """`backorder-desktop --db TARGET ARGS...` with HOME, in this process (as tests/cli/conftest.py
    runs it: exports of tens of thousands of rows to compare take half the time there), or with
    OWN_PROCESS the installed script, for what a process must show: how long it lives, and
    several programs at once. BACKORDER_TEST_SUBPROCESS=1 starts every one."""
    if not own_process and not ALL_IN_SUBPROCESSES:
        env = {"BACKORDER_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        return in_process(command(target, *args), Path.cwd(), env)
    return subprocess.run(
        command(target, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=program_env(home),
        check=False,
    )


def ok(target: str, home: Path, *args: str | Path, own_process: bool = False) -> str:
    done = run(target, home, *args, own_process=own_process)
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} on {target} exited {done.returncode}\n"
        f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
    )
    return done.stdout


def export_rows(target: str, home: Path, kind: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ok(target, home, "export", kind), newline="")))


def outcome(target: str, home: Path) -> dict[str, list[dict[str, str]]]:
    """What a command left: shipments (without created_at and run), stock and backorders."""
    shipments = [
        {k: v for k, v in row.items() if k not in ("created_at", "run")}
        for row in export_rows(target, home, "shipments")
    ]
    return {
        "shipments": shipments,
        "stock": export_rows(target, home, "stock"),
        "backorders": export_rows(target, home, "backorders"),
    }


def scalar(target: str, sql: str) -> Any:
    """One value read straight from the database (to classify a killed attempt)."""
    if is_pg(target):
        import psycopg

        with psycopg.connect(target) as conn:
            return conn.execute(sql).fetchone()[0]
    conn = sqlite3.connect(target, timeout=30)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def copy_target(prepared: str, where: Path, name: str) -> str:
    """A private copy of the prepared database: a file copy, or CREATE DATABASE ... TEMPLATE."""
    if is_pg(prepared):
        return postgres_database(prepared, template=prepared)
    return str(copy_database(Path(prepared), where / f"{name}.sqlite3"))


def discard(target: str) -> None:
    if is_pg(target):
        drop_postgres_database(target)
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def report(name: str, summary: dict[str, Any]) -> None:
    """Print one summary line; merge it into the JSON file named by BACKORDER_RELIABILITY_REPORT."""
    print(f"\n[reliability] {name}: {json.dumps(summary, sort_keys=True)}")
    path = os.environ.get("BACKORDER_RELIABILITY_REPORT")
    if not path:
        return
    file = Path(path)
    data: dict[str, Any] = {}
    if file.exists():
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
    data[name] = summary
    file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir(exist_ok=True)
    return path
