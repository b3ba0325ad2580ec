"""Schema versions: apply pending migration steps, refuse a database from a newer program."""

from __future__ import annotations

import logging
import shlex
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from backorder_desktop import __version__
from backorder_desktop.store import groups, identity
from backorder_desktop.store.database import (
    close,
    connect,
    db,
    is_postgres,
    param,
    query,
    read_only,
    stop_creating,
)
from backorder_desktop.store.errors import DatabaseProblem, Kind, NoDatabase, explain
from backorder_desktop.store.urls import shown, without_password
from backorder_desktop.store.who import who

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HISTORY_TABLE = identity.HISTORY_TABLE
ACTIVITY_VERSION = 4  # the schema that made the activity log


def _runner() -> Runner:
    return Runner(db.obj, directory=str(MIGRATIONS), table_name=HISTORY_TABLE)


def program_version() -> int:
    """The newest schema version this program knows."""
    return max(m.idx for m in _runner().migrations())


def database_version() -> int:
    """The newest schema version applied to the open database (0 when empty)."""
    applied = [m.idx for m in _runner().status() if m.applied]
    return max(applied, default=0)


def migrate(sqlite_path: str | None = None, place: str = "the database") -> list[str]:
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
    unmarked = isinstance(db.obj, peewee.SqliteDatabase) and _mark_found() != _mark_due()
    if not pending and not unmarked:
        return []
    if read_only():
        if pending:
            raise DatabaseProblem(
                "the database is read-only and was written by an older version of Backorder Desktop;"
                " open it once where it can be written, to upgrade it"
            )
        return []  # an older file of ours, recognised by its history: marked when writable
    if not pending:
        with db.atomic():
            _mark()
        return []
    current = database_version()
    if isinstance(db.obj, peewee.PostgresqlDatabase) and current > 0:
        _refuse_unless_owner(current, place)
    if sqlite_path and current > 0:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = Path(f"{sqlite_path}.v{current}-{stamp}.bak")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(sqlite_path, backup)
        backup.chmod(0o600)  # the copy of a file an older version made readable by others is not
        log.info("copied the database to %s before migrating", backup)
    try:
        # Under the write lock, so two programs opening a new database at once
        # do not both create it; the second finds nothing left to apply.
        with db.atomic():
            if isinstance(db.obj, peewee.PostgresqlDatabase):
                db.execute_sql("SELECT pg_advisory_xact_lock(7792805)")
            applied: list[str] = runner.up()
            if current > 0 and applied:  # not when another program upgraded it meanwhile
                _log_upgrade(current)
            if applied:  # in the same transaction: an owner who cannot make them makes nothing
                groups.ensure(place)
                groups.give_rights_again()  # a table a step made has the groups' rights too
            if isinstance(db.obj, peewee.SqliteDatabase):
                _mark()
    except peewee.DatabaseError:
        log.exception("migration failed; the database is left at version %s", current)
        raise
    log.info("applied schema steps %s", applied)
    return applied


def _refuse_unless_owner(current: int, place: str) -> None:
    """Only the owner of a PostgreSQL database's tables can upgrade them: say so to anyone else,
    before trying."""
    ((owner, may),) = query(
        "SELECT tableowner, pg_has_role(session_user, tableowner, 'USAGE') FROM pg_tables"
        f" WHERE tablename = '{HISTORY_TABLE}' AND schemaname = current_schema()"
    )
    if not may:
        raise DatabaseProblem(
            f"{place}: this database was written by an older version of Backorder Desktop (schema {current});"
            f" its owner ({owner}) must open it once with this version to upgrade it",
            Kind.PERMISSION_DENIED,
        )


def _log_upgrade(before: int) -> None:
    """The activity row of an upgrade, in its transaction (a database made new has none)."""
    after = database_version()
    if after < ACTIVITY_VERSION:
        return
    person = who()
    db.execute_sql(
        "INSERT INTO activity (at, login, host, action, subject, details) VALUES"
        f" ({param()}, {param()}, {param()}, 'upgrade', {param()}, {param()})",
        (
            datetime.now(),
            person.user,
            person.host,
            f"schema {after}",
            f"schema: {before} -> {after} (Backorder Desktop {__version__})",
        ),
    )


_TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"


def _mark_found() -> tuple[int, int]:
    return int(query("PRAGMA application_id")[0][0]), int(query("PRAGMA user_version")[0][0])


def _mark_due() -> tuple[int, int]:
    return identity.APPLICATION_ID, database_version()


def _mark() -> None:
    """Mark the SQLite file as ours, with its schema version, in its header (where it can be
    read without opening it; part of the transaction it is written in)."""
    application_id, version = _mark_due()
    db.execute_sql(f"PRAGMA application_id = {application_id}")
    db.execute_sql(f"PRAGMA user_version = {version}")


def open_database(target: str, create: bool = False) -> str:
    """Connect to TARGET and bring its schema up to date; DatabaseProblem if that cannot be.

    TARGET must hold one of this program's databases; with CREATE, a missing or empty one is
    made. Anything else (another application's data, a text file, a database of a newer
    version) is refused before a byte of it changes. Returns what was done: "created",
    "upgraded" or "opened".
    """
    postgres = is_postgres(target)
    try:
        if not postgres and Path(target).is_dir():
            raise DatabaseProblem(f"{target}: this is a folder, not a database file")
        found = None if postgres else identity.inspect_sqlite(Path(target))
        if found is not None:
            _accept(found, target, create)
        connect(target, create=create and found is not None and found.state in ("missing", "empty"))
        if found is None:
            found = _inspect_postgres(target)
            try:
                _accept(found, target, create)
            except DatabaseProblem:
                close()
                raise
        stop_creating()
        applied = migrate(sqlite_path=None if postgres else target, place=shown(target))
        if postgres:
            groups.ensure(shown(target))
    except (peewee.DatabaseError, sqlite3.Error) as error:
        problem = explain(error, target)
        if problem is None:
            raise  # a bug: its traceback, not a message
        raise problem from error
    except OSError as error:
        raise DatabaseProblem(
            f"{shown(target)}: the file cannot be read ({error.strerror})", Kind.CANNOT_OPEN
        ) from error
    if found.state != "ours":
        return "created"
    return "upgraded" if applied else "opened"


def _accept(found: identity.Found, target: str, create: bool) -> None:
    """Refuse FOUND unless it is one of ours, or with CREATE a place for a new one."""
    place = shown(target)
    command = "init" if _is_default(target) else f"init --db {shlex.quote(without_password(target))}"
    how = f"create one with: backorder-desktop {command}"
    if found.state == "missing" and not create:
        folder = Path(target).parent
        if not folder.is_dir():
            raise NoDatabase(f"{place}: no database here, and the folder {folder} does not exist")
        raise NoDatabase(f"{place}: no database here; {how}")
    if found.state == "empty" and not create:
        where = "the database has no tables yet" if is_postgres(target) else "this file is empty"
        raise NoDatabase(f"{place}: {where}, not a Backorder Desktop database; {how}")
    if found.state == "not-sqlite":
        raise DatabaseProblem(
            f"{place}: this file is not a Backorder Desktop database; it was left untouched",
            Kind.NOT_A_DATABASE,
        )
    if found.state == "foreign":
        raise DatabaseProblem(
            f"{place}: this holds another application's data, not a Backorder Desktop database;"
            " it was left untouched",
            Kind.NOT_A_DATABASE,
        )
    known = _known_steps()
    ours = max(map(_step_number, known))
    if found.applied - known or found.version > ours:
        theirs = max([found.version, *map(_step_number, found.applied)])
        raise DatabaseProblem(
            f"{place}: this database was written by a newer version of Backorder Desktop "
            f"(schema {theirs}, this program knows up to {ours}); "
            "install the newer version to open it"
        )


def _known_steps() -> set[str]:
    return {path.stem for path in MIGRATIONS.glob("[0-9]*.py")}


def _step_number(name: str) -> int:
    number = name.split("_", 1)[0]
    return int(number) if number.isdigit() else 0


def _is_default(target: str) -> bool:
    from backorder_desktop.paths import default_database

    return target == default_database()


def _inspect_postgres(target: str) -> identity.Found:
    """What the open PostgreSQL database holds, in its current schema (read only)."""
    # From the catalogue, not information_schema, which hides the tables a role has no rights on.
    tables = {str(name) for (name,) in query(_TABLES_SQL)}
    applied: set[str] = set()
    if identity.HISTORY_TABLE in tables:
        ((user, may_read),) = query(
            f"SELECT session_user, has_table_privilege('{identity.HISTORY_TABLE}', 'SELECT')"
        )
        if not may_read:
            raise DatabaseProblem(
                f"{shown(target)}: permission denied: {user} has no rights in this database;"
                " an administrator can give"
                f" them with: backorder-desktop grant {user} staff",
                Kind.PERMISSION_DENIED,
            )
        applied = {str(name) for (name,) in query(f"SELECT name FROM {identity.HISTORY_TABLE}")}
    return identity.judge(tables, applied)
