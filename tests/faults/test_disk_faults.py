"""A full disk and a read-only database file: a clear message, nothing half-written, and the
program works again once the fault ends. Both need root here (a small tmpfs, an immutable file)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import fill_up, needs_root, write_big_orders

CLI = Path(sys.executable).parent / "backorder-desktop"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "--db", str(db), *args], capture_output=True, text=True, timeout=120)


def exports(db: Path) -> list[str]:
    return [cli(db, "export", kind).stdout for kind in ("shipments", "backorders", "stock", "runs")]


@needs_root
def test_a_full_disk_is_a_clear_message_and_nothing_is_half_written(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "shop.sqlite3"
    assert cli(db, "demo").returncode == 0
    before = exports(db)
    big = write_big_orders(tmp_path / "orders.csv")
    filler = fill_up(small_disk)

    refused = cli(db, "import", "orders", str(big))
    assert refused.returncode == 1, refused.stderr
    assert "disk is full" in refused.stderr and "Traceback" not in refused.stderr
    assert exports(db) == before, "nothing of the import was kept"

    filler.unlink()  # the fault ends
    assert cli(db, "import", "orders", str(big)).returncode == 0
    assert cli(db, "check").returncode == 0


@needs_root
@pytest.mark.skipif(not shutil.which("chattr"), reason="needs chattr")
def test_a_read_only_database_is_a_clear_message_and_stays_intact(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite3"
    assert cli(db, "demo").returncode == 0
    before = exports(db)
    files = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    if subprocess.run(["chattr", "+i", *map(str, files)], capture_output=True).returncode != 0:
        pytest.skip("this file system does not support immutable files")
    try:
        refused = cli(db, "prefs", "--disable")
        assert refused.returncode == 1, refused.stderr
        assert "read-only" in refused.stderr or "cannot be opened" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        subprocess.run(["chattr", "-i", *map(str, files)], capture_output=True)
    assert exports(db) == before
    assert cli(db, "prefs", "--disable").returncode == 0  # writable again: it works
    assert cli(db, "check").returncode == 0


@needs_root
@pytest.mark.skipif(not shutil.which("chattr"), reason="needs chattr")
def test_a_program_that_stays_open_writes_again_once_the_file_is_writable(tmp_path: Path) -> None:
    """SQLite opens a file it may not write for reading only, and that connection stays so:
    the window keeps its connections, so the next write must open the file again."""
    import peewee

    from backorder_desktop.domain import preferences
    from backorder_desktop.store import database
    from backorder_desktop.store.schema import open_database

    db = tmp_path / "shop.sqlite3"
    assert cli(db, "demo").returncode == 0
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("this file system does not support immutable files")
    try:
        open_database(str(db))
        assert preferences.load().backorders_enabled, "it can be read"
        with pytest.raises(peewee.OperationalError, match="readonly"):
            preferences.save(backorders_enabled=False)
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)
    try:
        preferences.save(backorders_enabled=False)  # the same thread, without opening it again
        assert not preferences.load().backorders_enabled
    finally:
        database.close()
