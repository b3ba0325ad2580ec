"""A bug meets the command line (issue 11 item 1): one line saying it is an internal error,
exit 1 (SPEC 6: the operation failed), and the traceback in the log file for the report.

The bug is real: a database whose table lost a column the program reads, so the driver answers
"no such column" (SQLite) or undefined_column (PostgreSQL), which no person can fix from a
message and which must therefore never pass for a problem of the environment.
"""

from __future__ import annotations

import sqlite3

from tests.cli.conftest import Cli
from tests.places import is_postgres


def drop_column(db: str, table: str, column: str) -> None:
    """Damage the schema behind the program's back, as a hand-made change on the server would."""
    statement = f"ALTER TABLE {table} DROP COLUMN {column}"
    if is_postgres(db):
        import psycopg

        with psycopg.connect(db, autocommit=True) as connection:
            connection.execute(statement)
        return
    with sqlite3.connect(db) as connection:
        connection.execute(statement)
    connection.close()


def test_a_bug_is_an_internal_error_with_its_traceback_in_the_log(cli: Cli) -> None:
    drop_column(cli.db, "preferences", "allocation_order")

    done = cli.run("prefs")

    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: internal error"), lines[0]
    assert "allocation_order" in lines[0], "the line names what failed"
    assert "the log file has the details" in lines[0]
    log = (cli.home / "logs" / "backorder-desktop.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log, log
    assert "allocation_order" in log.split("Traceback (most recent call last)", 1)[1], log


def test_a_problem_of_the_environment_is_a_plain_line_and_no_internal_error(cli: Cli) -> None:
    if is_postgres(cli.db):
        import psycopg

        name = cli.db.rsplit("/", 1)[1]
        with psycopg.connect(cli.db, autocommit=True) as connection:
            connection.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        done = cli.run("prefs", "--enable")
        expected = "the database is read-only"
    else:
        cli.env["BACKORDER_BUSY_TIMEOUT"] = "0.2"
        holder = sqlite3.connect(cli.db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            done = cli.run("prefs", "--enable")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        expected = "the database is busy"

    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {cli.db}: {expected}"), line
    assert "internal error" not in line
