"""Schema steps 4 and 5 (issue 13): a database made by the program at schema 3 is upgraded
keeping every row; its activity log starts with one row saying so, its shipments gain who made
and closed them (unknown for the old ones), and on PostgreSQL it gets its groups and privileges.

The databases were made by the program itself at schema 3 (commit 067c8df) with
tests/store/saved/make.sh: a SQLite file as it left it, and a PostgreSQL database saved by
pg_dump as text.
"""

from __future__ import annotations

import getpass
import shutil
import socket
from pathlib import Path

import pytest

from backorder_desktop.domain import shipments, team
from backorder_desktop.domain.check import check
from backorder_desktop.files import exports
from backorder_desktop.store import database, schema
from backorder_desktop.store.database import is_postgres, query
from backorder_desktop.store.schema import open_database
from tests.places import table_rows

SAVED = Path(__file__).resolve().parent / "saved"


@pytest.fixture
def schema_three(target: str) -> str:
    """TARGET holding the database the program made at schema 3."""
    if is_postgres(target):
        import psycopg

        with psycopg.connect(target, autocommit=True) as connection:
            connection.execute((SAVED / "schema-3.sql").read_text(encoding="utf-8"))
    else:
        shutil.copyfile(SAVED / "schema-3.sqlite3", target)
    return target


def test_a_schema_3_database_is_upgraded_and_keeps_every_row(schema_three: str) -> None:
    before = table_rows(schema_three)
    assert len(before["shipment"]) == 4 and len(before["run"]) == 4, "the saved database has history"
    assert open_database(schema_three) == "upgraded"
    try:
        assert schema.database_version() == schema.program_version() == 8
        assert check().ok
    finally:
        database.close()
    after = table_rows(schema_three)
    assert [row[1] for row in after.pop("schema_migration")] == [
        "0001_initial",
        "0002_bigint",
        "0003_run_slot",
        "0004_activity",
        "0005_roles",
        "0006_customers",
        "0007_orders_list",
        "0008_waiting_lines_covered",
    ]
    before.pop("schema_migration")
    shipments_before, shipments_after = before.pop("shipment"), after.pop("shipment")
    assert [row[:-2] for row in shipments_after] == shipments_before, "every old shipment kept"
    assert [row[-2:] for row in shipments_after] == [(None, None)] * 4, "who is unknown for old ones"
    (upgraded,) = after.pop("activity")
    after.pop("team", None)  # PostgreSQL: the names of the groups
    assert after.pop("customer") == [], "no address on file yet"
    after.pop("sqlite_sequence", None)  # SQLite: where the activity log's ids have reached
    assert after == before, "every other row of every other table kept"
    _id, _at, user, host, action, subject, details = upgraded
    expected_user = "postgres" if is_postgres(schema_three) else getpass.getuser()
    assert (user, host, action, subject) == (expected_user, socket.gethostname(), "upgrade", "schema 8")
    assert details.startswith("schema: 3 -> 8")


def test_after_the_upgrade_changes_are_logged_after_the_upgrade_row(schema_three: str) -> None:
    open_database(schema_three)
    try:
        shipments.void(shipments.parse_numbers(["S0000003"]))
        written = [row[4:6] for row in exports.rows("activity")]
        assert written == [("upgrade", "schema 8"), ("void-shipment", "S0000003")]
        assert query("SELECT closed_user FROM shipment WHERE id = 3") == [(team.who().user,)]
    finally:
        database.close()


def test_opening_an_upgraded_database_again_adds_no_row(schema_three: str) -> None:
    open_database(schema_three)
    database.close()
    assert open_database(schema_three) == "opened"
    try:
        assert query("SELECT COUNT(*) FROM activity")[0][0] == 1
    finally:
        database.close()
