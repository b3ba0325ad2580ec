"""Database errors sorted by the driver's code, not its words (issue 11 item 1): each error of the
environment is provoked for real and gets its class and a plain message; anything else is a bug.

SQLite's classes come from `sqlite_errorcode`, PostgreSQL's from the SQLSTATE (or, for a
connection that cannot be made or is lost, from the driver raising with none).
"""

from __future__ import annotations

import socket
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from backorder_desktop.domain import preferences, products
from backorder_desktop.store import database
from backorder_desktop.store.database import DatabaseProblem, query, write
from backorder_desktop.store.errors import Kind, explain, kind_of
from backorder_desktop.store.schema import open_database
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, postgres_database
from tests.provoked import locked_error


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def plain(error: BaseException, target: str) -> str:
    """The message a person reads for ERROR; fails the test if ERROR is taken for a bug."""
    problem = explain(error, target)
    assert problem is not None, f"an error of the environment taken for a bug: {error!r}"
    assert isinstance(problem, DatabaseProblem)
    return str(problem)


@pytest.fixture
def shop(db_path: Path) -> Iterator[str]:
    """A new SQLite database of ours, open on the proxy."""
    open_database(str(db_path), create=True)
    yield str(db_path)
    database.close()


# -- SQLite ---------------------------------------------------------------------------------


def test_a_file_another_program_holds_locked_is_busy(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    open_database(str(db_path), create=True)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program takes the write lock and keeps it
    try:
        with pytest.raises(peewee.OperationalError) as caught:
            preferences.save(backorders_enabled=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        database.close()
    assert kind_of(caught.value) is Kind.BUSY
    assert plain(caught.value, str(db_path)) == (
        f"{db_path}: the database is busy: another program holds its write lock; try again"
    )
    assert kind_of(locked_error(db_path.parent)) is Kind.BUSY, "the error the window's tests hand over"


def test_a_database_that_may_only_be_read_is_read_only(shop: str) -> None:
    query("PRAGMA query_only = 1")  # SQLite refuses every write on this connection
    with pytest.raises(peewee.OperationalError) as caught:
        preferences.save(backorders_enabled=True)
    assert kind_of(caught.value) is Kind.READ_ONLY
    assert plain(caught.value, shop) == f"{shop}: the database is read-only: check the file's permissions"


def test_a_database_with_no_room_left_is_full(shop: str) -> None:
    (pages,) = query("PRAGMA page_count")[0]
    query(f"PRAGMA max_page_count = {pages}")  # the file may not grow: as a disk with no room
    with pytest.raises(peewee.OperationalError) as caught, write():
        for n in range(2_000):
            query("INSERT INTO counter (name, value) VALUES (?, 0)", (f"filler {n} {'x' * 200}",))
    assert kind_of(caught.value) is Kind.DISK_FULL
    assert plain(caught.value, shop) == f"{shop}: the disk is full or failing: free some space and try again"


def test_a_file_that_is_not_a_database_says_so(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + bytes(84) + bytes(range(256)) * 16)
    with pytest.raises(DatabaseProblem) as caught:
        open_database(str(garbage))
    assert caught.value.kind is Kind.NOT_A_DATABASE
    assert str(caught.value) == f"{garbage}: this file is not a Backorder Desktop database (or it is damaged)"
    assert kind_of(caught.value.__cause__) is Kind.NOT_A_DATABASE


def test_a_database_with_a_damaged_page_is_corrupt(db_path: Path) -> None:
    open_database(str(db_path), create=True)
    (root,) = query("SELECT rootpage FROM sqlite_master WHERE name = 'product'")[0]
    (size,) = query("PRAGMA page_size")[0]
    database.close()  # the last connection folds the WAL into the file
    with db_path.open("r+b") as file:
        file.seek((root - 1) * size)
        file.write(b"\xff" * size)  # the products' page overwritten, as a failing disk would
    open_database(str(db_path))
    try:
        with pytest.raises(peewee.DatabaseError) as caught:
            query("SELECT name FROM product")  # the table itself, not an index beside it
    finally:
        database.close()
    assert kind_of(caught.value) is Kind.CORRUPT
    assert plain(caught.value, str(db_path)) == (
        f"{db_path}: the database is damaged: restore it from a backup"
    )


def test_a_file_that_cannot_be_opened_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite3"
    with pytest.raises(DatabaseProblem) as caught:
        database.connect(str(missing))  # not made: no one asked to create it
    assert caught.value.kind is Kind.CANNOT_OPEN
    assert (
        str(caught.value) == f"{missing}: the database file cannot be opened: check the path and permissions"
    )
    assert not missing.exists()


def test_a_statement_sqlite_does_not_authorise_is_permission_denied(shop: str) -> None:
    database.db.connection().set_authorizer(lambda *_: sqlite3.SQLITE_DENY)
    try:
        with pytest.raises(peewee.DatabaseError) as caught:
            query("SELECT COUNT(*) FROM product")
    finally:
        database.db.connection().set_authorizer(None)
    assert kind_of(caught.value) is Kind.PERMISSION_DENIED
    message = plain(caught.value, shop)
    assert message.startswith(f"{shop}: permission denied"), message


def test_a_column_that_does_not_exist_is_a_bug_on_sqlite(shop: str) -> None:
    with pytest.raises(peewee.OperationalError) as caught:
        query("SELECT no_such_column FROM product")
    assert "no such column" in str(caught.value)
    assert kind_of(caught.value) is None
    assert explain(caught.value, shop) is None, "a bug is not dressed up as a plain message"


def test_errors_that_are_not_the_databases_are_not_classified(shop: str) -> None:
    assert kind_of(RuntimeError("database is locked")) is None, "words alone say nothing"
    assert explain(RuntimeError("database is locked"), shop) is None
    assert kind_of(peewee.OperationalError("database is locked")) is None


# -- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def server_shop(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new PostgreSQL database of ours, open on the proxy."""
    url = postgres_database(require_postgres(request))
    open_database(url, create=True)
    try:
        yield url
    finally:
        database.close()
        drop_postgres_database(url)


def admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True)


def test_a_row_another_session_holds_locked_is_busy(server_shop: str) -> None:
    with admin(server_shop) as other:
        other.execute("BEGIN")
        other.execute("SELECT value FROM counter WHERE name = 'ledger' FOR UPDATE")
        database.db.execute_sql("SET lock_timeout = '200ms'")
        with pytest.raises(peewee.OperationalError) as caught, write():
            pass  # every write first locks the ledger counter's row
        other.execute("ROLLBACK")
    assert kind_of(caught.value) is Kind.BUSY
    message = plain(caught.value, server_shop)
    assert message.startswith(f"{server_shop}: the database is busy: "), message
    assert "try again" in message


def test_a_session_that_may_only_read_is_read_only(server_shop: str) -> None:
    database.db.execute_sql("SET default_transaction_read_only = on")
    with pytest.raises(peewee.DatabaseError) as caught:
        preferences.save(backorders_enabled=True)
    assert kind_of(caught.value) is Kind.READ_ONLY
    message = plain(caught.value, server_shop)
    assert message.startswith(f"{server_shop}: the database is read-only"), message


def test_a_server_that_ends_the_connection_is_gone(server_shop: str) -> None:
    (pid,) = query("SELECT pg_backend_pid()")[0]
    with pytest.raises(peewee.OperationalError) as caught, write(), admin(server_shop) as other:
        other.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))  # as an administrator may
        query("UPDATE preferences SET backorders_enabled = TRUE")
    assert kind_of(caught.value) is Kind.SERVER_GONE
    message = plain(caught.value, server_shop)
    assert message.startswith(f"{server_shop}: the database server cannot be reached ("), message


def test_a_server_that_cannot_be_reached_is_gone(request: pytest.FixtureRequest) -> None:
    require_postgres(request)
    url = f"postgresql://postgres@127.0.0.1:{unused_port()}/shop"
    with pytest.raises(DatabaseProblem) as caught:
        database.connect(url)
    assert caught.value.kind is Kind.SERVER_GONE
    assert str(caught.value).startswith(f"{url}: the database server cannot be reached ("), caught.value


def test_a_role_without_the_rights_is_permission_denied(server_shop: str) -> None:
    role = f"bo_clerk_{uuid.uuid4().hex[:8]}"
    with admin(server_shop) as other:
        other.execute(f'CREATE ROLE "{role}" NOLOGIN')
        try:
            database.db.execute_sql(f'SET ROLE "{role}"')  # a user the administrator granted nothing
            with pytest.raises(peewee.DatabaseError) as caught:
                products.save_products([products.ProductInput("P-1", "Pencils", False, "test")])
            database.db.execute_sql("RESET ROLE")
        finally:
            database.close()
            other.execute(f'DROP ROLE "{role}"')
    assert kind_of(caught.value) is Kind.PERMISSION_DENIED
    message = plain(caught.value, server_shop)
    assert message.startswith(f"{server_shop}: permission denied"), message
    assert "product" in message or "counter" in message, "the server's words name the table"


def test_a_column_that_does_not_exist_is_a_bug_on_postgresql(server_shop: str) -> None:
    with pytest.raises(peewee.DatabaseError) as caught:
        query("SELECT no_such_column FROM product")
    assert kind_of(caught.value) is None
    assert explain(caught.value, server_shop) is None
