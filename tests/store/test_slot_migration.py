"""Schema step 3 (issue 12): a database made by the program at schema 2 is upgraded keeping every
row; its old runs have no slot, and the runs after the upgrade claim theirs.

The databases were made by the program itself at schema 2 (commit 3317de3) with
tests/store/saved/make.sh: a SQLite file as it left it, and a PostgreSQL database saved by
pg_dump as text.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backorder_desktop.domain import allocation, slots
from backorder_desktop.domain.check import check
from backorder_desktop.store import database, schema
from backorder_desktop.store.database import is_postgres, query
from backorder_desktop.store.schema import open_database
from tests.places import table_rows

SAVED = Path(__file__).resolve().parent / "saved"
SLOT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def schema_two(target: str) -> str:
    """TARGET holding the database the program made at schema 2."""
    if is_postgres(target):
        import psycopg

        with psycopg.connect(target, autocommit=True) as connection:
            connection.execute((SAVED / "schema-2.sql").read_text(encoding="utf-8"))
    else:
        shutil.copyfile(SAVED / "schema-2.sqlite3", target)
    return target


def test_a_schema_2_database_is_upgraded_and_keeps_every_row(schema_two: str) -> None:
    before = table_rows(schema_two)
    assert len(before["run"]) == 4 and len(before["shipment"]) == 4, "the saved database has history"
    assert open_database(schema_two) == "upgraded"
    try:
        assert schema.database_version() == schema.program_version()
        assert check().ok
    finally:
        database.close()
    after = table_rows(schema_two)
    assert [row[1] for row in after.pop("schema_migration")][:3] == [
        "0001_initial",
        "0002_bigint",
        "0003_run_slot",
    ]
    assert [row[1] for row in before.pop("schema_migration")] == ["0001_initial", "0002_bigint"]
    runs_before, runs_after = before.pop("run"), after.pop("run")
    assert [row[:-1] for row in runs_after] == runs_before, "every old run kept, column for column"
    assert [row[-1] for row in runs_after] == [None] * 4, "an old run has no slot"
    # Later steps' additions (tests/store/test_activity_migration.py): who made and closed each
    # shipment, the activity log, on PostgreSQL the names of the groups; the customers' addresses.
    after["shipment"] = [row[:-2] for row in after["shipment"]]
    for added in ("activity", "team", "sqlite_sequence", "customer"):
        after.pop(added, None)
    assert after == before, "every other row of every other table kept"


def test_after_the_upgrade_a_slot_has_one_run(schema_two: str) -> None:
    open_database(schema_two)
    try:
        first = allocation.run_process("primary", "schedule", slot=SLOT)
        second = allocation.run_process("primary", "schedule", slot=SLOT)
        assert (first.record.outcome, second.record.outcome) == ("ok", slots.TAKEN)
        assert allocation.run_process("primary", "cli").record.outcome == "ok"
        assert query("SELECT COUNT(*) FROM run")[0][0] == 4 + 2
    finally:
        database.close()


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_the_sqlite_file_is_copied_before_the_upgrade_and_marked_with_its_new_version(
    schema_two: str,
) -> None:
    open_database(schema_two)
    database.close()
    (copy,) = Path(schema_two).parent.glob(f"{Path(schema_two).name}.v2-*.bak")
    assert copy.read_bytes() == (SAVED / "schema-2.sqlite3").read_bytes()
    with sqlite3.connect(schema_two) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == schema.program_version()
