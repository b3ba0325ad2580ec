"""Schema versions: apply pending migration steps, refuse a database from a newer program."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from backorder_desktop.store.database import DatabaseProblem, db

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HISTORY_TABLE = "schema_migration"


def _runner() -> Runner:
    return Runner(db.obj, directory=str(MIGRATIONS), table_name=HISTORY_TABLE)


def program_version() -> int:
    """The newest schema version this program knows."""
    return max(m.idx for m in _runner().migrations())


def database_version() -> int:
    """The newest schema version applied to the open database (0 when empty)."""
    applied = [m.idx for m in _runner().status() if m.applied]
    return max(applied, default=0)


def migrate(sqlite_path: str | None = None) -> list[str]:
    """Bring the open database to the program's schema; return the steps applied.

    Before changing an existing SQLite file a copy is kept beside it, named
    after the version it held, so a failed upgrade can be undone by hand.
    """
    runner = _runner()
    status = runner.status()
    newest_known = max(m.idx for m in status if m.path is not None)
    unknown = [m.name for m in status if m.path is None and m.applied]
    if unknown or database_version() > newest_known:
        raise DatabaseProblem(
            f"this database was written by a newer version of Backorder Desktop "
            f"(schema {database_version()}, this program knows up to {newest_known}); "
            "install the newer version to open it"
        )
    pending = [m for m in status if not m.applied]
    if not pending:
        return []
    current = database_version()
    if sqlite_path and current > 0:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = Path(f"{sqlite_path}.v{current}-{stamp}.bak")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(sqlite_path, backup)
        log.info("copied the database to %s before migrating", backup)
    try:
        # Under the write lock, so two programs opening a new database at once
        # do not both create it; the second finds nothing left to apply.
        with db.atomic():
            if isinstance(db.obj, peewee.PostgresqlDatabase):
                db.execute_sql("SELECT pg_advisory_xact_lock(7792805)")
            applied: list[str] = runner.up()
    except peewee.DatabaseError:
        log.exception("migration failed; the database is left at version %s", current)
        raise
    log.info("applied schema steps %s", applied)
    return applied


def open_database(target: str) -> None:
    """Connect to TARGET and bring its schema up to date; DatabaseProblem if that cannot be."""
    from backorder_desktop.store.database import connect, explain, is_postgres

    connect(target)
    try:
        migrate(sqlite_path=None if is_postgres(target) else target)
    except peewee.DatabaseError as error:
        raise explain(error, target) from error
