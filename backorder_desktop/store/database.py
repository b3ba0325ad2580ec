"""Opening the database: SQLite by default, PostgreSQL by URL, both behind one proxy."""

from __future__ import annotations

import logging
import os
import re
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import peewee

from backorder_desktop.store.errors import (
    ConnectionLost,
    DatabaseProblem,
    Kind,
    explain,
    kind_of,
)
from backorder_desktop.store.errors import (
    NoDatabase as NoDatabase,  # kept importable from here, where callers have long found it
)
from backorder_desktop.store.urls import BadUrl, connection_settings, shown

log = logging.getLogger(__name__)

db = peewee.DatabaseProxy()

# Times are stored as local ISO text in SQLite, the form peewee reads back;
# registering the adapter keeps that explicit (Python 3.12 deprecates the default).
sqlite3.register_adapter(datetime, lambda value: value.isoformat(" "))

# How long a writer waits for another's lock before it gives up with a clear message.
BUSY_TIMEOUT_SECONDS = float(os.environ.get("BACKORDER_BUSY_TIMEOUT", "30"))
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "cache_size": -64 * 1024,
}


def is_postgres(target: str) -> bool:
    """Whether a --db value names a PostgreSQL server rather than a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


class _Postgres(peewee.PostgresqlDatabase):
    """PostgreSQL whose connections come back with the server.

    When the server goes away, every open connection breaks. A read outside a
    transaction (a SELECT, or the BEGIN of a transaction) that finds its connection
    lost connects again and runs once more: nothing of it had happened. Nothing else is
    retried behind anyone's back: a transaction whose connection is lost fails (its
    ROLLBACK just drops the connection, its COMMIT is refused), and the next statement
    starts on a new connection. A connection that is merely in a failed transaction (a
    unique violation, say) is not lost: it is rolled back as usual.
    """

    def cursor(self, named_cursor: Any = None) -> Any:
        if not self.is_closed() and not self.in_transaction() and self._lost():
            self._drop_lost()
        return super().cursor(named_cursor)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        run = lambda: super(_Postgres, self).execute_sql(sql, params)  # noqa: E731
        return self._once_more(run) if _READ.match(sql) else run()

    def begin(self, isolation_level: Any = None) -> None:
        self._once_more(lambda: super(_Postgres, self).begin(isolation_level))

    def commit(self) -> None:
        if not self.is_closed() and self._lost():
            raise ConnectionLost("the connection to the server was lost; nothing was saved")
        super().commit()

    def rollback(self) -> None:
        if not self.is_closed() and self._lost():
            self._drop_lost()  # the server ended the transaction with the connection
            return
        super().rollback()

    def _lost(self) -> bool:
        """Whether this thread's connection is closed or broken (the driver knows after a failure)."""
        connection = self.connection()
        return bool(getattr(connection, "closed", False) or getattr(connection, "broken", False))

    def _once_more(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except (peewee.OperationalError, peewee.InterfaceError):
            if self.in_transaction() or self.is_closed() or not self._lost():
                raise
            self._drop_lost()
            return action()

    def _drop_lost(self) -> None:
        log.warning("the connection to %s was lost; connecting again", self.database)
        lost = self.connection()
        self.dispose()
        with suppress(Exception):
            lost.close()


# Statements safe to run again after a lost connection: reads.
_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)


class _Sqlite(peewee.SqliteDatabase):
    """A SQLite file that is never created by accident and is read where it cannot be written.

    Each connection (one per thread) opens the file by URI: read-write when the file and its
    folder are writable, read-only otherwise (a read-only mount, an immutable file), so that
    exports and checks still work there and every write fails as read-only. Only while
    `creating` may a missing file be made: a file deleted under a running program is never
    silently replaced by an empty one.
    """

    creating = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mode = threading.local()

    def _connect(self) -> Any:
        from backorder_desktop.store.identity import reading_uri, sqlite_uri, writable

        path = Path(self.database)
        if self.creating and not path.exists():
            uri, read_only = sqlite_uri(path, "rwc"), False
        elif writable(path):
            uri, read_only = sqlite_uri(path, "rw"), False
        else:
            uri, read_only = reading_uri(path), True
        self._mode.read_only = read_only
        peewee_side: Any = self  # peewee's type stubs leave out its connection internals
        connection = sqlite3.connect(
            uri, uri=True, timeout=peewee_side._timeout, isolation_level=None, **self.connect_params
        )
        try:
            peewee_side._add_conn_hooks(connection)
        except Exception:
            connection.close()
            raise
        return connection

    def _set_pragmas(self, conn: Any) -> None:
        pragmas: list[tuple[str, object]] = getattr(self, "_pragmas", [])
        for pragma, value in pragmas:
            if pragma == "journal_mode" and self.read_only():
                continue  # a setting kept in the file: a reader cannot change it
            conn.execute(f"PRAGMA {pragma} = {value}")

    def read_only(self) -> bool:
        """Whether this thread's connection could only be opened for reading."""
        return bool(getattr(self._mode, "read_only", False))


def read_only() -> bool:
    """Whether the open database can only be read here (SQLite on a read-only file or mount)."""
    if isinstance(db.obj, _Sqlite):
        db.connect(reuse_if_open=True)
        return db.obj.read_only()
    return False


def connect(target: str, create: bool = False) -> peewee.Database:
    """Point the proxy at TARGET (a file path or a postgresql:// URL) and connect.

    A SQLite file is made only with CREATE; callers see first what a target holds
    (store.identity) before they connect to it.
    """
    if db.obj is not None:
        close()
    database: peewee.Database
    if is_postgres(target):
        try:
            settings = connection_settings(target)
        except BadUrl as error:
            raise DatabaseProblem(f"{shown(target)}: {error}") from None
        if not settings.get("database"):
            raise DatabaseProblem(
                f"{shown(target)}: the URL names no database (postgresql://user@host/dbname)"
            )
        database = _Postgres(**settings)
    else:
        path = Path(target)
        if not path.parent.exists():
            raise DatabaseProblem(f"{target}: the folder {path.parent} does not exist", Kind.CANNOT_OPEN)
        database = _Sqlite(
            str(path),
            pragmas=SQLITE_PRAGMAS,
            timeout=BUSY_TIMEOUT_SECONDS,
            # Every transaction takes the write lock at BEGIN: a read lock upgraded
            # later cannot wait on the busy timeout and would fail at once.
            lock_type="IMMEDIATE",
        )
        database.creating = create
    db.initialize(database)
    try:
        db.connect(reuse_if_open=True)
    except (peewee.DatabaseError, peewee.InterfaceError) as error:
        db.initialize(None)
        problem = explain(error, target)
        if problem is None:
            raise  # a bug: its traceback, not a message
        raise problem from error
    return database


def stop_creating() -> None:
    """From now on no connection may make the SQLite file (once it exists)."""
    if isinstance(db.obj, _Sqlite):
        db.obj.creating = False


def close() -> None:
    """Close this thread's connection, if any."""
    if db.obj is not None and not db.is_closed():
        db.close()


@contextmanager
def write() -> Iterator[None]:
    """One write transaction that holds the database's write lock from its start.

    On SQLite the BEGIN IMMEDIATE does it. On PostgreSQL the row of the ledger
    counter is locked first, so writers queue in the order they commit and a
    process's watermark over ledger ids never skips a row committed late.
    """
    failed: Exception | None = None
    try:
        with db.atomic():
            if isinstance(db.obj, peewee.PostgresqlDatabase):
                db.execute_sql("SELECT value FROM counter WHERE name = 'ledger' FOR UPDATE")
            try:
                yield
            except Exception as error:
                failed = error
                raise
    except (peewee.OperationalError, sqlite3.OperationalError) as error:
        # SQLite ends the transaction by itself on some errors (a full disk): the ROLLBACK that
        # follows fails too, and its error would hide the one that matters: the body's, or else
        # the COMMIT's that the ROLLBACK was raised while handling.
        cause = failed if failed is not None else _environment_under(error)
        if (
            kind_of(cause) is Kind.READ_ONLY
            and isinstance(db.obj, peewee.SqliteDatabase)
            and not db.in_transaction()
        ):
            # A file SQLite could only open for reading stays so for this connection: the next
            # write opens it again, and succeeds once the file is writable.
            close()
        if cause is not error:
            raise cause from None
        raise


def _environment_under(error: BaseException) -> BaseException:
    """The error of the environment ERROR was raised while handling, if any; else ERROR."""
    found: BaseException | None = error
    while found is not None and kind_of(found) is None:
        found = found.__context__
    return found or error


def stamp(moment: datetime) -> object:
    """A time as a bulk statement's parameter: adapted once, not once per row."""
    if isinstance(db.obj, peewee.SqliteDatabase):
        return moment.isoformat(" ")
    return moment


def binary_text(expression: str) -> str:
    """EXPRESSION ordered as plain text (by code point), not by a language's collation."""
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        return f'{expression} COLLATE "C"'
    return expression


def unindexed(expression: str) -> str:
    """EXPRESSION as a term the planner must not start a query from. SQLite, with no statistics
    (no ANALYZE has been run), prefers an equality on an indexed column to a range on a partial
    index: it would read every open order by `orders_status`, which grows with the history,
    instead of the waiting lines by `order_line_waiting`, which grows with the backlog. The
    unary plus is SQLite's way to say so; PostgreSQL's planner keeps its own statistics."""
    if isinstance(db.obj, peewee.SqliteDatabase):
        return f"+{expression}"
    return expression


def param() -> str:
    """The driver's parameter placeholder, for hand-written bulk statements."""
    return str(db.param)


def executemany(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Run one statement for many parameter rows in a single driver call.

    SQL is written with '?' placeholders and adapted to the driver's style.
    """
    if not rows:
        return
    statement = sql.replace("?", param())
    _in_bulk(lambda part: db.cursor().executemany(statement, part), rows)


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert ROWS, tuples in the order of COLUMNS, into TABLE in one bulk call: `executemany`
    on SQLite, COPY on PostgreSQL (no statement per row for the server to run)."""
    if not rows:
        return
    names = ", ".join(columns)
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        _in_bulk(lambda part: _copy(f"COPY {table} ({names}) FROM STDIN", part), rows)
    else:
        statement = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        _in_bulk(lambda part: db.cursor().executemany(statement, part), rows)


def add_to_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Add amounts to COLUMNS of TABLE's rows: each of ROWS is (id, amount for each column).
    One `executemany` on SQLite; on PostgreSQL one statement that joins the rows, sent as arrays
    (no statement per row). Rows are updated in order of id, which keeps the pages of a big
    update together."""
    if not rows:
        return
    rows = sorted(rows)
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        fields = ("id", *columns)
        arrays = ", ".join("%s::BIGINT[]" for _ in fields)
        sets = ", ".join(f"{c} = t.{c} + d.{c}" for c in columns)
        statement = (
            f"UPDATE {table} t SET {sets} FROM UNNEST({arrays}) AS d ({', '.join(fields)}) WHERE t.id = d.id"
        )

        def update(part: list[tuple[Any, ...]]) -> None:
            db.cursor().execute(statement, [list(values) for values in zip(*part, strict=True)])

        _in_bulk(update, rows)
    else:
        sets = ", ".join(f"{c} = {c} + ?{n}" for n, c in enumerate(columns, 2))
        statement = f"UPDATE {table} SET {sets} WHERE id = ?1"  # numbered: the rows as they are
        _in_bulk(lambda part: db.cursor().executemany(statement, part), rows)


def _copy(statement: str, rows: list[tuple[Any, ...]]) -> None:
    with db.cursor().copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _in_bulk(write_rows: Callable[[list[tuple[Any, ...]]], None], rows: list[tuple[Any, ...]]) -> None:
    """WRITE_ROWS(ROWS), a bulk write, with the driver's errors turned into peewee's, as for every
    other statement, so that callers see one kind; and the tests' stop point honoured."""
    with peewee.__exception_wrapper__:  # type: ignore[attr-defined]
        if _STOP_POINT is not None and db.in_transaction():
            rows = _STOP_POINT.write_up_to(write_rows, rows)
        if rows:
            write_rows(rows)


class _StopPoint:
    """FOR TESTS ONLY: the program signals itself once ROWS rows were written in bulk (by
    executemany, every bulk write's one way in) inside write transactions: SIGKILL, so that a
    kill test lands inside the transaction for certain, or SIGSTOP, so that a fault test can
    act at that moment and then let it go on with SIGCONT. Set by the environment variable
    BACKORDER_TEST_KILL_AFTER_ROWS or BACKORDER_TEST_PAUSE_AFTER_ROWS, read once at start;
    unset (always, outside the tests) it costs each bulk write one comparison with None."""

    def __init__(self, rows: int, signal_number: int) -> None:
        self.rows = rows
        self.signal_number = signal_number
        self.written = 0

    @classmethod
    def from_environment(cls) -> _StopPoint | None:
        for name, signal_name in (
            ("BACKORDER_TEST_KILL_AFTER_ROWS", "SIGKILL"),
            ("BACKORDER_TEST_PAUSE_AFTER_ROWS", "SIGSTOP"),
        ):
            if os.environ.get(name):
                return cls(int(os.environ[name]), getattr(signal, signal_name))
        return None

    def write_up_to(
        self, write_rows: Callable[[list[tuple[Any, ...]]], None], rows: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Write the rows before the stop point, signal this process there; return the rest."""
        before = self.rows - self.written
        self.written += len(rows)
        if not 0 < before <= len(rows):
            return rows
        write_rows(rows[:before])
        os.kill(os.getpid(), self.signal_number)
        return rows[before:]


_STOP_POINT = _StopPoint.from_environment()


def query(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a hand-written read, with '?' placeholders."""
    cursor = db.execute_sql(sql.replace("?", param()), params)
    return list(cursor.fetchall())


def stream(sql: str, params: tuple[Any, ...] = (), batch: int = 10_000) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a hand-written read, in lists of up to BATCH rows, read as they are used:
    a read of a million rows never holds them all. On PostgreSQL a cursor on the server (inside
    the caller's transaction) hands them over; on SQLite the statement steps as the rows are
    taken, so nothing may write on this connection until the last batch is read."""
    statement = sql.replace("?", param())
    with peewee.__exception_wrapper__:  # type: ignore[attr-defined]
        if isinstance(db.obj, peewee.PostgresqlDatabase):
            cursor = db.connection().cursor(name="backorder_stream")
            try:
                cursor.execute(statement, params)
                while rows := cursor.fetchmany(batch):
                    yield rows
            finally:
                cursor.close()
        else:
            cursor = db.execute_sql(statement, params)
            while rows := cursor.fetchmany(batch):
                yield rows


def reserve_ids(name: str, count: int) -> int:
    """Reserve COUNT consecutive ids of the sequence NAME; return the first.

    Ids come from the counter table rather than from autoincrement so that bulk
    inserts know their keys beforehand, on SQLite and PostgreSQL alike.
    """
    db.execute_sql(f"UPDATE counter SET value = value + {param()} WHERE name = {param()}", (count, name))
    (last,) = db.execute_sql(f"SELECT value FROM counter WHERE name = {param()}", (name,)).fetchone()
    return int(last) - count + 1


def files_on_disk() -> tuple[int, ...] | None:
    """How the open SQLite database stands on disk: the size and time of change of its file and of
    its write-ahead log, which every commit of any program changes (0s for a file not there).
    None on PostgreSQL. Reads nothing of the database, so it never waits on a writer."""
    if not isinstance(db.obj, _Sqlite):
        return None
    found: list[int] = []
    for suffix in ("", "-wal"):
        try:
            file = os.stat(f"{db.obj.database}{suffix}")
        except OSError:
            found += [0, 0]
        else:
            found += [file.st_size, file.st_mtime_ns]
    return tuple(found)
