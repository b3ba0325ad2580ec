"""The activity log through the command line (SPEC 7 and 8, issue 13): a scripted day of work
is logged row for row, with who, where and old -> new values; what changes nothing logs
nothing; and the database itself refuses to change or delete a row."""

from __future__ import annotations

import csv
import getpass
import json
import os
import socket
import sqlite3

import pytest

from tests.cli.conftest import ISO_SECONDS, ORDERS_CSV, PRODUCTS_CSV, RECEIPTS_CSV, Cli
from tests.places import is_postgres

ACTIVITY_COLUMNS = ["id", "at", "user", "host", "action", "subject", "details"]


def activity(cli: Cli) -> list[dict[str, str]]:
    """The activity export as dicts, after checking its header against SPEC 7."""
    lines = cli.ok("export", "activity").splitlines()
    assert lines[0] == ",".join(ACTIVITY_COLUMNS)
    return list(csv.DictReader(lines))


def the_user(cli: Cli) -> str:
    """Who the log names: the database role on PostgreSQL, the login on SQLite."""
    if is_postgres(cli.db):
        return cli.db.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]
    return getpass.getuser()


def test_a_day_of_work_is_logged_row_for_row_with_who_and_old_and_new_values(cli: Cli) -> None:
    cli.ok("run", "primary", "--dry-run")  # skipped (management off), and a dry run: no row
    cli.import_ok("products", "products.csv", PRODUCTS_CSV)
    cli.import_ok("receipts", "receipts.csv", RECEIPTS_CSV)
    cli.import_ok("orders", "orders.csv", ORDERS_CSV)
    cli.ok("prefs", "--enable", "--order-by", "date")
    cli.ok("prefs", "--enable")  # already so: changes nothing, logs nothing
    cli.ok("schedules", "set", "7792", "--on", "--every", "15", "--days", "mon-sat")
    cli.ok("schedules", "set", "7792", "--every", "15")  # the same: nothing
    cli.ok("ship", "S0000001")
    cli.import_ok("receipts", "more.csv", "receipt,received_at,sku,qty\nR-2,2026-11-22T08:00:00,A-100,4\n")
    cli.ok("run", "primary")
    cli.ok("run", "secondary", "--dry-run")  # changes nothing: no row
    cli.ok("void-shipment", "S0000003")
    cli.import_ok("adjustments", "count.csv", "sku,qty,reason\nC-300,5,count correction\n")
    cli.import_ok("returns", "back.csv", "order,sku,qty\n1001,B-200,1\n")
    cli.ok("void-order", "1003")
    assert cli.run("schedules", "set", "7792", "--every", "0").returncode == 2  # refused: nothing
    assert cli.run("ship", "S0000001").returncode == 1  # already shipped: nothing

    rows = activity(cli)
    said = [(row["action"], row["subject"], row["details"]) for row in rows]
    assert said == [
        ("import", "products.csv", "products: 4 added, 0 updated"),
        ("import", "receipts.csv", "receipts: 1 receipt, 2 lines, 14 units received"),
        (
            "import",
            "orders.csv",
            "orders: 3 orders, 4 lines, 14 units committed in 2 shipments, 8 units backordered",
        ),
        (
            "prefs",
            "Order Entry",
            "back order management: disabled -> enabled; allocation order: priority -> date",
        ),
        ("schedule", "7792", "on: off -> on; every: 30 -> 15; days: mon-fri -> mon-sat"),
        ("ship", "S0000001", "2 lines, 10 units"),
        ("import", "more.csv", "receipts: 1 receipt, 1 line, 4 units received"),
        ("run", "primary", "run 2 (cli): ok, 1 shipment, 4 units"),  # run 1: the dry run
        ("void-shipment", "S0000003", "1 line, 4 units"),
        ("import", "count.csv", "adjustments: 1 adjustment, net change +5 units"),
        ("import", "back.csv", "returns: 1 return, 1 unit back on hand"),
        (
            "void-order",
            "1003",
            "0 committed units released (shipments voided: none); 2 backordered units cancelled",
        ),
    ]
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows), "oldest first"
    assert {row["user"] for row in rows} == {the_user(cli)}
    assert {row["host"] for row in rows} == {socket.gethostname()}
    assert all(ISO_SECONDS.match(row["at"]) for row in rows)


def test_the_json_export_has_the_same_rows_under_the_same_keys(cli: Cli) -> None:
    cli.ok("prefs", "--enable")
    cli.ok("schedules", "set", "8050", "--on", "--start", "17:30", "--end", "17:30")
    rows = json.loads(cli.export_text("activity", "json"))
    assert [list(row) for row in rows] == [ACTIVITY_COLUMNS] * 2
    assert [(row["action"], row["subject"], row["details"]) for row in rows] == [
        ("prefs", "Order Entry", "back order management: disabled -> enabled"),
        ("schedule", "8050", "on: off -> on; start: 18:00 -> 17:30; end: 18:00 -> 17:30"),
    ]
    assert all(isinstance(row["id"], int) for row in rows)


def test_a_script_cannot_log_a_change_under_a_formula(cli: Cli) -> None:
    """A subject is a person's text (a file name): the CSV export keeps a spreadsheet from
    running it, as every export does (SPEC 7)."""
    cli.import_ok("products", "=cmd.csv", PRODUCTS_CSV)
    (row,) = activity(cli)
    assert row["subject"] == "'=cmd.csv"


@pytest.mark.parametrize("place", ["sqlite"], indirect=True)
def test_on_sqlite_the_database_refuses_to_change_or_delete_a_row(cli: Cli) -> None:
    cli.ok("prefs", "--enable")
    connection = sqlite3.connect(cli.db)
    try:
        for statement in (
            "UPDATE activity SET details = 'nothing'",
            "DELETE FROM activity",
            "INSERT OR REPLACE INTO activity (id, at, login, host, action, subject, details)"
            " VALUES (1, '2020-01-01', 'someone', 'x', 'prefs', 'Order Entry', 'nothing')",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(statement)
        assert connection.execute("SELECT COUNT(*), MAX(details) FROM activity").fetchone() == (
            1,
            "back order management: disabled -> enabled",
        )
    finally:
        connection.close()


@pytest.mark.parametrize("place", ["sqlite"], indirect=True)
def test_grant_on_sqlite_says_the_file_is_the_boundary_and_changes_nothing(cli: Cli) -> None:
    done = cli.run("grant", "alice", "staff")
    assert done.returncode == 1
    assert "PostgreSQL database only" in done.stderr and "file's permissions" in done.stderr
    assert activity(cli) == []
    bad = cli.run("grant", "alice", "boss")
    assert bad.returncode == 2 and "invalid choice: 'boss'" in bad.stderr


@pytest.mark.subprocess
@pytest.mark.parametrize("place", ["sqlite"], indirect=True)
def test_on_sqlite_the_user_is_the_login_of_the_process_not_what_the_environment_says(cli: Cli) -> None:
    import pwd

    cli.env = {"USER": "=HYPERLINK()", "LOGNAME": "=HYPERLINK()"}
    cli.ok("prefs", "--enable")
    (row,) = activity(cli)
    assert row["user"] == pwd.getpwuid(os.getuid()).pw_name
