"""Schema versions: steps applied once each, a copy kept before migrating, newer databases refused."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from backorder_desktop.store import database, schema
from backorder_desktop.store.database import DatabaseProblem, query
from backorder_desktop.store.schema import open_database

CLI = Path(sys.executable).parent / "backorder-desktop"


def test_a_new_database_gets_every_step_and_reopening_applies_nothing(db_path: Path) -> None:
    open_database(str(db_path), create=True)
    assert schema.database_version() == schema.program_version() == 2
    database.close()
    open_database(str(db_path))
    assert schema.migrate(str(db_path)) == []
    assert query("SELECT name FROM schema_migration ORDER BY id") == [("0001_initial",), ("0002_bigint",)]
    assert query("PRAGMA journal_mode")[0][0] == "wal"
    assert query("PRAGMA foreign_keys")[0][0] == 1
    database.close()


def test_a_database_from_a_newer_program_is_refused_with_a_clear_message(db_path: Path) -> None:
    open_database(str(db_path), create=True)
    database.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('0003_from_the_future', '2027-01-01')"
        )
    with pytest.raises(DatabaseProblem, match="newer version of Backorder Desktop"):
        open_database(str(db_path))
    database.close()
    result = subprocess.run([CLI, "--db", str(db_path), "check"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "newer version of Backorder Desktop" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_upgrade_keeps_a_copy_of_the_old_file_and_runs_the_new_step_once(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(str(db_path), create=True)
    current = schema.database_version()
    applied = query("SELECT name FROM schema_migration ORDER BY id")
    database.close()
    ladder = tmp_path / "migrations"
    ladder.mkdir()
    for step in schema.MIGRATIONS.glob("[0-9]*.py"):
        shutil.copy(step, ladder)
    (ladder / f"{current + 1:04d}_note_on_product.py").write_text(
        "import peewee as pw\n\n"
        "def up(migrator, db):\n"
        "    migrator.migrate(migrator.add_column('product', 'note', pw.TextField(default='')))\n"
    )
    monkeypatch.setattr(schema, "MIGRATIONS", ladder)
    open_database(str(db_path))
    assert schema.database_version() == current + 1
    assert "note" in [row[1] for row in query("PRAGMA table_info(product)")]
    database.close()
    copies = list(tmp_path.glob(f"backorders.sqlite3.v{current}-*.bak"))
    assert len(copies) == 1
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600, "the copy is its owner's alone"
    with sqlite3.connect(copies[0]) as old:
        assert old.execute("SELECT name FROM schema_migration ORDER BY id").fetchall() == applied
    open_database(str(db_path))  # nothing left to apply, no second copy
    database.close()
    assert len(list(tmp_path.glob(f"backorders.sqlite3.v{current}-*.bak"))) == 1


def test_a_file_that_is_not_a_database_is_a_clear_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("these are my notes, not a database\n" * 100)
    result = subprocess.run([CLI, "--db", str(bogus), "export", "stock"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not a Backorder Desktop database" in result.stderr
    assert "Traceback" not in result.stderr
