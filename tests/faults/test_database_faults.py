"""Database faults give a clear message, lose nothing committed, and the program recovers after."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CLI = Path(sys.executable).parent / "backorder-desktop"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    db = tmp_path / "shop.sqlite3"
    assert cli("--db", str(db), "demo").returncode == 0
    return db


def test_a_database_locked_by_another_writer_past_the_timeout_is_a_clear_message(shop: Path) -> None:
    before = cli("--db", str(shop), "export", "stock").stdout
    holder = sqlite3.connect(shop, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock and does not let go
    try:
        refused = cli("--db", str(shop), "run", "primary", env={"BACKORDER_BUSY_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.returncode == 1
    assert "busy" in refused.stderr and "Traceback" not in refused.stderr
    assert cli("--db", str(shop), "export", "stock").stdout == before
    # The lock gone, the same command works and check passes: nothing was half-done.
    recovered = cli("--db", str(shop), "run", "primary")
    assert recovered.returncode == 0 and "outcome: ok" in recovered.stdout
    assert cli("--db", str(shop), "check").returncode == 0


def test_a_damaged_file_is_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    result = cli("--db", str(broken), "check")
    assert result.returncode == 1
    assert "not a Backorder Desktop database" in result.stderr or "damaged" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
