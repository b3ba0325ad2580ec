"""A database that can only be read (a read-only mount, a folder made immutable): exports,
check, schedules, prefs and dry runs work; every write says the database is read-only, in
one line; nothing is written beside the file (issue 10)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.conftest import needs_root, tmpfs

CLI = Path(sys.executable).parent / "backorder-desktop"

READS = {
    "export": ["export", "stock"],
    "export-json": ["export", "shipments", "--format", "json"],
    "check": ["check"],
    "schedules": ["schedules"],
    "prefs": ["prefs"],
    "init": ["init"],
}
WRITES = {
    "prefs": ["prefs", "--disable"],
    "schedules": ["schedules", "set", "7792", "--on"],
    "import": ["import", "adjustments", "{adjustments}"],
    "run": ["run", "primary"],
    "ship": ["ship", "{pending}"],
}


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "--db", str(db), *args], capture_output=True, text=True, timeout=120)


def made_with_demo(folder: Path) -> Path:
    db = folder / "shop.sqlite3"
    assert cli(db, "demo").returncode == 0
    assert cli(db, "prefs", "--enable").returncode == 0
    return db


@pytest.fixture(params=["read-only mount", "immutable folder"])
def read_only_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A demo database (backorder management on) that can only be read."""
    if request.param == "read-only mount":
        with tmpfs(tmp_path / "disk") as mount:
            db = made_with_demo(mount)
            remount = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True)
            if remount.returncode != 0:
                pytest.skip(f"cannot make the mount read-only: {remount.stderr.decode().strip()}")
            yield db
        return
    if not shutil.which("chattr"):
        pytest.skip("needs chattr")
    folder = tmp_path / "locked"
    folder.mkdir()
    db = made_with_demo(folder)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("this file system does not support immutable folders")
    try:
        yield db
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def side_files(db: Path) -> set[str]:
    return {p.name for p in db.parent.iterdir()}


@needs_root
def test_a_read_only_database_can_be_read_and_refuses_every_write_in_one_line(
    read_only_db: Path, tmp_path: Path
) -> None:
    db = read_only_db
    before, files = db.read_bytes(), side_files(db)
    for name, argv in READS.items():
        done = cli(db, *argv)
        assert done.returncode == 0, f"{name}: {done.stderr}"
        assert "Traceback" not in done.stderr
    assert len(cli(db, "export", "stock").stdout.splitlines()) == 78
    out = tmp_path / "stock.csv"
    assert cli(db, "export", "stock", "-o", str(out)).returncode == 0 and out.exists()

    pending = next(
        line.split(",")[0]
        for line in cli(db, "export", "shipments").stdout.splitlines()
        if ",pending," in line
    )
    adjustments = tmp_path / "adjustments.csv"
    adjustments.write_text("sku,qty,reason\nNW-001,5,found\n", encoding="utf-8")
    for name, argv in WRITES.items():
        done = cli(db, *[a.format(adjustments=adjustments, pending=pending) for a in argv])
        assert done.returncode == 1, f"{name}: {done.stdout} {done.stderr}"
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "the database is read-only" in lines[0], f"{name}: {done.stderr}"
    assert db.read_bytes() == before and side_files(db) == files, "something was written"


@needs_root
def test_a_dry_run_on_a_read_only_database_reports_and_says_its_record_was_not_kept(
    read_only_db: Path,
) -> None:
    done = cli(read_only_db, "run", "primary", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "outcome: dry-run" in done.stdout
    units = next(line for line in done.stdout.splitlines() if line.startswith("units: "))
    assert int(units.split(": ")[1]) > 0, done.stdout
    assert done.stderr.strip() == "note: the database is read-only: this dry run's record was not kept"
    assert "dry-run" not in cli(read_only_db, "export", "runs").stdout
