"""Schema versions: steps applied once each, a copy kept before migrating, newer databases refused;
and the tables every step together makes are the ones the program uses."""

from __future__ import annotations

import re
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
ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_new_database_gets_every_step_and_reopening_applies_nothing(db_path: Path) -> None:
    open_database(str(db_path), create=True)
    assert schema.database_version() == schema.program_version() == 8
    database.close()
    open_database(str(db_path))
    assert schema.migrate(str(db_path)) == []
    assert query("SELECT name FROM schema_migration ORDER BY id") == [
        ("0001_initial",),
        ("0002_bigint",),
        ("0003_run_slot",),
        ("0004_activity",),
        ("0005_roles",),
        ("0006_customers",),
        ("0007_orders_list",),
        ("0008_waiting_lines_covered",),
    ]
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


# The tables after every step, as the program's SQL uses them (the steps in store/migrations are
# their history, and the one place they are made). "column?" may be NULL; every other column may
# not; an indented line goes on with the table above. That each quantity is 64-bit is
# tests/store/test_bigint_migration.py's story.
TABLES = """
counter: name value
preferences: id backorders_enabled allocation_order
product: id sku name discontinued on_hand committed backordered
orders: id number customer ordered_at priority ship_complete status
order_line: id order_id line product_id ordered committed shipped backordered cancelled
run: id process trigger started_at finished_at? outcome ledger_rows products shipments units error
  waiting? slot?
shipment: id order_id created_at created_by run_id? status closed_at? created_user? closed_user?
shipment_line: id shipment_id order_line_id product_id qty
receipt: id number received_at
receipt_line: id receipt_id product_id qty
adjustment: id product_id qty reason created_at
customer_return: id order_id product_id qty created_at
ledger: id kind product_id on_hand_delta committed_delta at document
watermark: process ledger_id
schedule: code name enabled every unit days start end saved_at?
schema_migration: id name applied
activity: id at login host action subject details
team: database_oid admin_role staff_role
customer: id name address city region postal_code country
"""
SERVER_ONLY = {"team"}  # the names of the groups of administrators and staff (SPEC 8)
# Indexes besides primary keys: name -> (table, unique, columns, partial). The unique ones keep
# numbers and SKUs unique; the partial one finds waiting lines, ledger_kind a process's new rows;
# run_slot gives a schedule's slot one run in the whole team; customer_name, one address a customer.
INDEXES = {
    "product_sku": ("product", True, ("sku",), False),
    "orders_number": ("orders", True, ("number",), False),
    "orders_status": ("orders", False, ("status",), False),
    "orders_ordered_at": ("orders", False, ("ordered_at",), False),
    "orders_customer": ("orders", False, ("customer",), False),
    "order_line_order_id": ("order_line", False, ("order_id",), False),
    "order_line_order_id_line": ("order_line", True, ("order_id", "line"), False),
    "order_line_waiting": ("order_line", False, ("product_id", "order_id", "line", "backordered"), True),
    "shipment_order_id": ("shipment", False, ("order_id",), False),
    "shipment_created_at": ("shipment", False, ("created_at",), False),
    "shipment_run_id": ("shipment", False, ("run_id",), False),
    "shipment_status": ("shipment", False, ("status",), False),
    "shipment_line_shipment_id": ("shipment_line", False, ("shipment_id",), False),
    "shipment_line_order_line_id": ("shipment_line", False, ("order_line_id",), False),
    "receipt_number": ("receipt", True, ("number",), False),
    "receipt_line_receipt_id": ("receipt_line", False, ("receipt_id",), False),
    "adjustment_product_id": ("adjustment", False, ("product_id",), False),
    "customer_return_order_id": ("customer_return", False, ("order_id",), False),
    "customer_return_product_id": ("customer_return", False, ("product_id",), False),
    "ledger_kind": ("ledger", False, ("kind", "id"), False),
    "run_slot": ("run", True, ("process", "slot"), True),
    "schema_migration_name": ("schema_migration", True, ("name",), False),
    "activity_at": ("activity", False, ("at",), False),
    "customer_name": ("customer", True, ("name",), False),
}
# Names in the program's SQL that are not tables of ours: a common table expression, catalogues.
NOT_TABLES = {"held", "information_schema", "sqlite_master"} | {
    f"pg_{catalogue}"
    for catalogue in (
        "roles",
        "tables",
        "class",
        "database",
        "default_acl",
        "namespace",
        "proc",
        "auth_members",
    )
}


def _expected_columns() -> dict[str, list[str]]:
    lines = TABLES.strip().replace("\n  ", " ").splitlines()
    tables = (line.split(":") for line in lines)
    return {table.strip(): columns.split() for table, columns in tables}


def _columns(target: str) -> dict[str, list[str]]:
    """table -> its columns in order, each marked "?" where it may be NULL."""
    found: dict[str, list[str]] = {}
    if database.is_postgres(target):
        rows = query(
            "SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
    else:
        rows = [
            (table, column, not not_null)
            for (table,) in query("SELECT name FROM sqlite_master WHERE type = 'table'")
            for _cid, column, _type, not_null, _default, _pk in query(f'PRAGMA table_info("{table}")')
        ]
    for table, column, nullable in rows:
        found.setdefault(str(table), []).append(f"{column}?" if nullable else str(column))
    return found


def _indexes(target: str) -> dict[str, tuple[str, bool, tuple[str, ...], bool]]:
    """Indexes besides primary keys: name -> (table, unique, columns, partial)."""
    if database.is_postgres(target):
        rows = query(
            "SELECT i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL,"
            " array_agg(a.attname ORDER BY k.n)"
            " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            " WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisprimary"
            " GROUP BY i.relname, t.relname, x.indisunique, x.indpred"
        )
        return {
            name: (table, unique, tuple(columns), partial) for name, table, unique, partial, columns in rows
        }
    found = {}
    for (table,) in query("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for _seq, name, unique, origin, partial in query(f'PRAGMA index_list("{table}")'):
            if origin != "pk":
                columns = tuple(row[2] for row in query(f'PRAGMA index_info("{name}")'))
                found[name] = (table, bool(unique), columns, bool(partial))
    return found


def test_every_step_makes_the_tables_the_program_uses(store: str) -> None:
    expected = _expected_columns()
    if not database.is_postgres(store):
        expected = {table: columns for table, columns in expected.items() if table not in SERVER_ONLY}
    found = _columns(store)
    found.pop("sqlite_sequence", None)  # SQLite's own: where the activity log's ids have reached
    assert found == expected
    assert _indexes(store) == INDEXES
    # The rows the program counts on finding: id counters, one preferences row, a watermark
    # per process and the two schedules.
    assert {name for (name,) in query("SELECT name FROM counter")} == {
        "orders",
        "order_line",
        "shipment",
        "ledger",
    }
    assert query("SELECT id FROM preferences") == [(1,)]
    assert query("SELECT process FROM watermark ORDER BY process") == [("primary",), ("secondary",)]
    assert query("SELECT code FROM schedule ORDER BY code") == [(7792,), (8050,)]


def test_every_table_the_program_names_in_sql_is_one_of_the_tables() -> None:
    named = {
        match.group(1)
        for path in (ROOT / "backorder_desktop").rglob("*.py")
        for match in re.finditer(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?([a-z_]+)\b', path.read_text())
    }
    assert named - NOT_TABLES <= set(_expected_columns()), named - NOT_TABLES - set(_expected_columns())
