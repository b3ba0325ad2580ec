"""Real database errors in hand, provoked on scratch files, for tests that pass one to the
program (the window's error hooks, say) rather than make the program meet it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee


def locked_error(folder: Path) -> peewee.OperationalError:
    """The error of a writer that finds another program holding the write lock (SQLITE_BUSY)."""
    path = folder / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    writer = peewee.SqliteDatabase(str(path), timeout=0)
    try:
        writer.execute_sql("BEGIN IMMEDIATE")
    except peewee.OperationalError as error:
        return error
    finally:
        writer.close()
        holder.execute("ROLLBACK")
        holder.close()
    raise AssertionError("the second writer got the lock")
