"""What a --db target holds, found out without changing a byte of it.

Only `init`, `demo` and the window (on its own default file, or when the person agrees)
create a database; everything else must first know that the target is one of ours. A SQLite
file is read through a read-only connection before any pragma: another application's file,
a text file and a database of a newer version are refused exactly as they were found.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote

# PRAGMA application_id of our SQLite files ("BkOr"): new files get it, older ones of ours
# (recognised by their migration history) get it at their next writable opening.
APPLICATION_ID = 0x426B4F72
HISTORY_TABLE = "schema_migration"
FIRST_STEP = "0001_initial"
# Tables of the first schema version: with FIRST_STEP in the history, the mark of a file of
# ours written before files carried the application id.
FIRST_TABLES = frozenset({"counter", "ledger", "watermark", "orders", "order_line", "product"})
SQLITE_HEADER = b"SQLite format 3\x00"

State = Literal["missing", "empty", "ours", "foreign", "not-sqlite"]


@dataclass(frozen=True)
class Found:
    """What a target holds: STATE, and for one of ours the migration steps applied to it."""

    state: State
    applied: frozenset[str] = field(default_factory=frozenset)
    application_id: int = 0
    version: int = 0  # PRAGMA user_version: the schema version, on files that carry our mark


def judge(tables: set[str], applied: set[str], application_id: int = 0) -> Found:
    """Ours, empty or foreign, from the tables a database holds and its migration history."""
    if application_id not in (0, APPLICATION_ID):
        return Found("foreign", application_id=application_id)
    if not tables:
        return Found("empty", application_id=application_id)
    if application_id == APPLICATION_ID or (FIRST_STEP in applied and tables >= FIRST_TABLES):
        return Found("ours", frozenset(applied), application_id)
    return Found("foreign", application_id=application_id)


def sqlite_uri(path: Path, mode: str, immutable: bool = False) -> str:
    """A SQLite URI for PATH opened in MODE (ro, rw, rwc)."""
    uri = f"file:{quote(str(path.absolute()), safe='/')}?mode={mode}"
    return uri + "&immutable=1" if immutable else uri


def inspecting_uri(path: Path) -> str:
    """How to look into PATH creating nothing beside it.

    A WAL file opened read-only makes its -wal and -shm files. Without a -wal file nothing
    is open on it and everything is in the main file: then it is read as immutable, with no
    side files (another application's file is left exactly as it was found).
    """
    return sqlite_uri(path, "ro", immutable=not Path(f"{path}-wal").exists())


def reading_uri(path: Path) -> str:
    """How a lasting connection reads PATH where it cannot write it.

    Read-only, it still sees what others commit (through the -shm file). Only where that
    file cannot be made (a read-only mount, a folder that cannot be written) is the file
    read as immutable: there nobody can change it meanwhile.
    """
    folder = path.absolute().parent
    side_files = Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    return sqlite_uri(path, "ro", immutable=not side_files and not os.access(folder, os.W_OK | os.X_OK))


def inspect_sqlite(path: Path) -> Found:
    """What the file at PATH holds; sqlite3.Error if SQLite cannot read it."""
    if not path.exists():
        return Found("missing")
    with path.open("rb") as file:
        header = file.read(100)
    if not header:
        return Found("empty")
    if not header.startswith(SQLITE_HEADER):
        return Found("not-sqlite")
    if not Path(f"{path}-wal").exists():
        # Nothing is open on it: the header is up to date and tells a file of another
        # application, or one of a newer version, without SQLite opening it at all.
        application_id = int.from_bytes(header[68:72], "big")
        if application_id not in (0, APPLICATION_ID):
            return Found("foreign", application_id=application_id)
    try:
        return _read(sqlite3.connect(inspecting_uri(path), uri=True))
    except sqlite3.DatabaseError:
        if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
            raise
        # Ours, read as immutable while another program wrote it back from its -wal file:
        # read it as SQLite readers do (its side files are ours to make).
        return _read(sqlite3.connect(sqlite_uri(path, "ro"), uri=True))


def _read(connection: sqlite3.Connection) -> Found:
    try:
        (application_id,) = connection.execute("PRAGMA application_id").fetchone()
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        tables = {
            name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        applied: set[str] = set()
        if HISTORY_TABLE in tables:
            applied = {str(n) for (n,) in connection.execute(f"SELECT name FROM {HISTORY_TABLE}")}
    finally:
        connection.close()
    found = judge(tables, applied, int(application_id))
    return Found(found.state, found.applied, found.application_id, int(version))


def writable(path: Path) -> bool:
    """Whether SQLite can write PATH: the file, and its folder for the -wal and -shm files."""
    folder = path.absolute().parent
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
