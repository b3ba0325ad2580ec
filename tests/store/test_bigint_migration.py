"""Schema step 2 (issue 10): a database made by version 1 is upgraded so that every quantity,
total and count is 64-bit, on SQLite (nothing to change, the step is recorded) and on
PostgreSQL (the columns become BIGINT), keeping every row; new databases get it too."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from backorder_desktop.domain import inventory
from backorder_desktop.store import database, schema
from backorder_desktop.store.database import is_postgres, query
from backorder_desktop.store.schema import open_database

BILLION = 1_000_000_000
STEPS = schema.MIGRATIONS  # the program's own steps (a test may point schema at others)


def _step_two_columns() -> dict[str, tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location("bigint", STEPS / "0002_bigint.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.COLUMNS


def _types(target: str) -> dict[tuple[str, str], str]:
    """(table, column) -> the column's type as the database declares it."""
    if is_postgres(target):
        rows = query(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public'"
        )
        return {(table, column): kind for table, column, kind in rows}
    found = {}
    for table in _step_two_columns():
        for row in query(f'PRAGMA table_info("{table}")'):
            found[(table, row[1])] = row[2].lower()
    return found


def _quantity_types(target: str) -> set[str]:
    types = _types(target)
    return {types[(table, column)] for table, columns in _step_two_columns().items() for column in columns}


@pytest.fixture
def version_one(target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """TARGET as the first release left it: schema 1, with a product, stock and a receipt."""
    ladder = tmp_path / "version-1"
    ladder.mkdir()
    shutil.copy(STEPS / "0001_initial.py", ladder)
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", ladder)
        open_database(target, create=True)
        assert schema.database_version() == 1
        # Written as version 1 wrote them: today's domain also logs each change, in a later table.
        with database.write():
            database.executemany(
                "INSERT INTO product (sku, name, discontinued, on_hand, committed, backordered)"
                " VALUES ('BULK', 'Gravel', ?, ?, 0, 0)",
                [(False, BILLION)],
            )
            database.executemany(
                "INSERT INTO receipt (number, received_at) VALUES ('R-1', ?)", [(datetime(2026, 11, 20, 8),)]
            )
        if is_postgres(target):
            assert _quantity_types(target) == {"integer"}, "version 1 had 32-bit columns"
        database.close()
    return target


def test_a_version_one_database_is_upgraded_and_keeps_its_rows(version_one: str) -> None:
    open_database(version_one)
    try:
        assert schema.database_version() == schema.program_version()
        assert [name for (name,) in query("SELECT name FROM schema_migration ORDER BY id")][:3] == [
            "0001_initial",
            "0002_bigint",
            "0003_run_slot",
        ]
        assert _quantity_types(version_one) == {"bigint" if is_postgres(version_one) else "integer"}
        assert query("SELECT sku, on_hand FROM product") == [("BULK", BILLION)]
        inventory.receive(
            [
                inventory.ReceiptInput(
                    f"R-{n}", datetime(2026, 11, 21, 8), [inventory.ReceiptLineInput("BULK", BILLION)]
                )
                for n in (2, 3)
            ]
        )
        assert query("SELECT on_hand FROM product") == [(3 * BILLION,)]
    finally:
        database.close()


def test_a_new_database_has_64_bit_quantities(store: str) -> None:
    assert schema.database_version() == schema.program_version()
    assert _quantity_types(store) == {"bigint" if is_postgres(store) else "integer"}
