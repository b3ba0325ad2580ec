"""Database errors sorted by the driver's code, not its words.

A few errors come from the environment: the file is locked, read-only, on a full disk, cannot
be opened, is no database or a damaged one; the server is gone or refuses the user the rights.
The person can act on those, so they get a plain message (`explain`). Every other error is a
bug: the window shows its report and the command line says "internal error", both with the
traceback in the log. SQLite's class comes from `sqlite_errorcode`, PostgreSQL's from the
SQLSTATE; a psycopg connection error carries none, and means the server cannot be reached.
"""

from __future__ import annotations

import enum
import re
import sqlite3
import sys

import peewee

from backorder_desktop.store.urls import hide_password, shown


class Kind(enum.Enum):
    """A class of errors of the environment."""

    BUSY = "busy"
    READ_ONLY = "read-only"
    DISK_FULL = "disk full"
    CANNOT_OPEN = "cannot open"
    NOT_A_DATABASE = "not a database"
    CORRUPT = "corrupt"
    SERVER_GONE = "server gone"
    PERMISSION_DENIED = "permission denied"


class DatabaseProblem(Exception):
    """A problem of the environment (locked, read-only, not a database, too new), not a bug.

    KIND names its class when the driver reported it; None for what the program found itself
    (a database of a newer version, a folder where a file should be)."""

    def __init__(self, message: str, kind: Kind | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class NoDatabase(DatabaseProblem):
    """No database at the target yet (a missing or empty file, a PostgreSQL database with no tables)."""


class ConnectionLost(peewee.OperationalError):
    """A transaction whose connection to the server was lost before it could commit."""


_SQLITE: dict[int, Kind] = {
    sqlite3.SQLITE_BUSY: Kind.BUSY,  # another connection holds the lock past the busy timeout
    sqlite3.SQLITE_READONLY: Kind.READ_ONLY,
    sqlite3.SQLITE_FULL: Kind.DISK_FULL,
    sqlite3.SQLITE_IOERR: Kind.DISK_FULL,  # the disk failed a read or a write
    sqlite3.SQLITE_CANTOPEN: Kind.CANNOT_OPEN,
    sqlite3.SQLITE_NOTADB: Kind.NOT_A_DATABASE,
    sqlite3.SQLITE_CORRUPT: Kind.CORRUPT,
    sqlite3.SQLITE_PERM: Kind.PERMISSION_DENIED,
    sqlite3.SQLITE_AUTH: Kind.PERMISSION_DENIED,
}

# SQLSTATEs, whole or by their two-letter class (appendix A of PostgreSQL's manual).
_POSTGRES: dict[str, Kind] = {
    "55P03": Kind.BUSY,  # lock_not_available (lock_timeout)
    "40001": Kind.BUSY,  # serialization_failure
    "40P01": Kind.BUSY,  # deadlock_detected
    "25006": Kind.READ_ONLY,  # read_only_sql_transaction (a standby, a read-only session)
    "53100": Kind.DISK_FULL,  # disk_full
    "58030": Kind.DISK_FULL,  # io_error
    "XX001": Kind.CORRUPT,  # data_corrupted
    "XX002": Kind.CORRUPT,  # index_corrupted
    "08": Kind.SERVER_GONE,  # connection_exception
    "57P01": Kind.SERVER_GONE,  # admin_shutdown (pg_terminate_backend, a fast stop)
    "57P02": Kind.SERVER_GONE,  # crash_shutdown
    "57P03": Kind.SERVER_GONE,  # cannot_connect_now (starting up, shutting down)
    "57P05": Kind.SERVER_GONE,  # idle_session_timeout
    "42501": Kind.PERMISSION_DENIED,  # insufficient_privilege
    "28": Kind.PERMISSION_DENIED,  # invalid_authorization_specification
}

_MESSAGES = {
    Kind.BUSY: "the database is busy: another program holds its write lock; try again",
    Kind.READ_ONLY: "the database is read-only: check the file's permissions",
    Kind.DISK_FULL: "the disk is full or failing: free some space and try again",
    Kind.CANNOT_OPEN: "the database file cannot be opened: check the path and permissions",
    Kind.NOT_A_DATABASE: "this file is not a Backorder Desktop database (or it is damaged)",
    Kind.CORRUPT: "the database is damaged: restore it from a backup",
    Kind.SERVER_GONE: "the database server cannot be reached",
    Kind.PERMISSION_DENIED: "permission denied: ask an administrator for the rights this needs",
}
_SERVER_MESSAGES = {
    Kind.BUSY: "the database is busy: another session holds a lock it needs; try again",
    Kind.READ_ONLY: "the database is read-only here: the server takes no writes in this session",
    Kind.DISK_FULL: "the server's disk is full or failing: ask its administrator",
}

# libpq gives no SQLSTATE for a connection the server refuses: its words are all there is, and
# they only choose the wording within SERVER_GONE (the class itself never comes from them).
_REFUSED = (
    (
        re.compile(r"password authentication failed|no password supplied"),
        "the server refused the user name or password",
    ),
    (re.compile(r'database "[^"]*" does not exist'), "the server has no such database"),
    (re.compile(r'role "[^"]*" does not exist'), "the server has no such user"),
)

# The tables only administrators may write (SPEC 8): a write refused there is said so.
_ADMINISTRATORS_ONLY = re.compile(r"permission denied for table (schedule|preferences)\b")
_SETTINGS = {"schedule": "schedules", "preferences": "Order Entry preferences"}

# PostgreSQL's echo of the statement under its message ("LINE 1: CREATE …" and a caret line).
_STATEMENT_ECHO = re.compile(r"\s*(LINE \d+:|\^\s*$)")


def driver_error(error: BaseException) -> BaseException:
    """The driver's own exception inside ERROR (peewee keeps it as `orig`, at times twice)."""
    inner = getattr(error, "orig", None)
    while isinstance(inner, BaseException):
        error, inner = inner, getattr(inner, "orig", None)
    return error


def kind_of(error: BaseException) -> Kind | None:
    """The class of ERROR if the environment caused it; None for a bug (or no database error)."""
    if isinstance(error, DatabaseProblem):
        return error.kind
    if isinstance(error, ConnectionLost):
        return Kind.SERVER_GONE
    found = driver_error(error)
    if isinstance(found, sqlite3.Error):
        code = getattr(found, "sqlite_errorcode", None)
        return None if code is None else _SQLITE.get(code & 0xFF)  # the primary of an extended code
    if _is_psycopg(found):
        state = getattr(found, "sqlstate", None)
        if state is None:  # no answer from a server: it cannot be reached, or the line broke
            return Kind.SERVER_GONE if isinstance(found, sys.modules["psycopg"].OperationalError) else None
        return _POSTGRES.get(state) or _POSTGRES.get(state[:2])
    return None


# A unique key refused a row: SQLite's extended codes for a unique or primary key, PostgreSQL's
# SQLSTATE unique_violation. Not an error of the environment: the caller asked for it (a run's
# claim on its schedule slot) or it is a bug.
_SQLITE_UNIQUE = {sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY}
_POSTGRES_UNIQUE = "23505"


def is_unique_violation(error: BaseException) -> bool:
    """Whether ERROR is a row refused by a unique key, by the driver's code."""
    found = driver_error(error)
    if isinstance(found, sqlite3.Error):
        return getattr(found, "sqlite_errorcode", None) in _SQLITE_UNIQUE
    return _is_psycopg(found) and getattr(found, "sqlstate", None) == _POSTGRES_UNIQUE


def explain(error: BaseException, target: str) -> DatabaseProblem | None:
    """A DatabaseProblem a person can act on, naming TARGET without its password, for an error of
    the environment; None for a bug, which deserves its traceback instead."""
    if isinstance(error, DatabaseProblem):
        return error
    kind = kind_of(error)
    if kind is None:
        return None
    found = driver_error(error)
    from_server = _is_psycopg(found) or isinstance(error, ConnectionLost)
    message = (_SERVER_MESSAGES if from_server else {}).get(kind) or _MESSAGES[kind]
    if from_server or kind is Kind.PERMISSION_DENIED:
        # The server's words name the table, role or host; one line, without a password.
        said = str(found).split("\nCONTEXT:", 1)[0]  # not where in a function the server was
        lines = [line for line in said.splitlines() if not _STATEMENT_ECHO.match(line)]
        detail = hide_password(" ".join(" ".join(lines).split()), target)
        if kind is Kind.SERVER_GONE and getattr(found, "sqlstate", None) is None:
            message = next((said for words, said in _REFUSED if words.search(detail)), message)
        if kind is Kind.PERMISSION_DENIED and (table := _ADMINISTRATORS_ONLY.search(detail)):
            message = f"permission denied: changing the {_SETTINGS[table.group(1)]} needs an administrator"
        message = f"{message} ({detail})"
    return DatabaseProblem(f"{shown(target)}: {message}", kind)


def _is_psycopg(error: BaseException) -> bool:
    psycopg = sys.modules.get("psycopg")  # never imported here: with no psycopg, no psycopg error
    return psycopg is not None and isinstance(error, psycopg.Error)
