"""Where a test keeps the databases the program runs on: SQLite files in a folder, or
databases on one PostgreSQL server. The same test runs on either, since the program
takes both as `--db` (a file path or a `postgresql://` URL)."""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

import pytest

KINDS = ("sqlite", "postgresql")
T = TypeVar("T")


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def copy_database(source: Path, target: Path) -> Path:
    """Copy a SQLite database file (and any WAL beside it) to TARGET."""
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{source}{suffix}")
        if part.exists():
            shutil.copyfile(part, f"{target}{suffix}")
    return target


def _admin(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def postgres_database(server: str, template: str | None = None) -> str:
    """A new database on SERVER (a copy of TEMPLATE's, when given); returns its URL.

    On the suite's server (BACKORDER_TEST_POSTGRES), an empty database or a copy of a frozen
    one was most likely made ahead while the previous test ran (see _Spares). Not on a server
    of a test's own, which the test may stop and make anew."""
    if server == os.environ.get("BACKORDER_TEST_POSTGRES") and (template is None or template in _FROZEN):
        return _SPARES.take(server, template)
    return _create_database(server, template)


def frozen(db: str) -> str:
    """DB, marked as a database no one writes to any more: its copies may be made ahead."""
    _FROZEN.add(db)
    return db


_FROZEN: set[str] = set()


class _Spares:
    """New databases made ahead, in a thread of their own, while the tests run.

    Making a database costs the server 0.05 s on a quiet machine and 0.5 s on a busy one, and
    over a thousand tests make one. Each time a test takes a database of a kind (empty, or a
    copy of one frozen template), the thread makes the next one of that kind, so the server
    copies on the second core while the test runs on the first. What is left over is dropped
    when the tests end."""

    def __init__(self) -> None:
        self._ready: dict[tuple[str, str | None], list[str]] = {}
        self._wanted: queue.SimpleQueue[tuple[str, str | None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def take(self, server: str, template: str | None) -> str:
        key = (server, template)
        with self._lock:
            ready = self._ready.get(key)
            made = ready.pop() if ready else None
            if self._thread is None:
                self._thread = threading.Thread(target=self._make, name="spare-databases", daemon=True)
                self._thread.start()
                atexit.register(self._discard)
        self._wanted.put(key)
        return made or _create_database(server, template)

    def _make(self) -> None:
        while (key := self._wanted.get()) is not None:
            try:
                made = _create_database(*key)
            except Exception:  # the server went away (or was stopped): the test makes its own
                continue
            with self._lock:
                self._ready.setdefault(key, []).append(made)

    def _discard(self) -> None:
        self._wanted.put(None)
        if self._thread is not None:
            self._thread.join(60)
        with self._lock:
            left = [url for urls in self._ready.values() for url in urls]
            self._ready.clear()
        for url in left:
            with contextlib.suppress(Exception):  # a server started for the tests is gone already
                drop_postgres_database(url)


_SPARES = _Spares()


def _create_database(server: str, template: str | None) -> str:
    """A new database on SERVER, made now (a copy of TEMPLATE's, when given).

    A program that has just exited may still be leaving the template for a moment,
    and PostgreSQL refuses to copy a database someone is connected to: so try again
    for a few seconds before giving up."""
    import psycopg

    name = f"bo_{uuid.uuid4().hex[:12]}"
    statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{_name(template)}"' if template else "")
    deadline = time.monotonic() + 10
    with psycopg.connect(_admin(server), autocommit=True) as admin:
        if admin.info.server_version >= 150000:
            # PostgreSQL 15 copies a database through the WAL by default: 90 ms for a migrated
            # one here, against 25 ms for a file copy (the test server runs without fsync, so
            # the checkpoints a file copy takes cost next to nothing).
            statement += " STRATEGY = FILE_COPY"
        while True:
            try:
                admin.execute(statement)
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    return server.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    with psycopg.connect(_admin(url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')


@dataclass
class Place:
    """Databases of one kind for one test (or one session): made here, dropped by discard()."""

    kind: str
    folder: Path
    server: str | None = None
    made: list[str] = field(default_factory=list)

    def new(self, name: str) -> str:
        """The `--db` value of a new, empty database, made by `init` as a person makes one.

        Only `init` and `demo` create a database (SPEC 6): every new one here is a copy of
        one `init` made once per session and kind."""
        return self.copy(made_by_init(self.kind, self.server), name)

    def bare(self, name: str) -> str:
        """The `--db` value of a place with no database yet: a missing file, or a PostgreSQL
        database with no tables."""
        if self.kind == "sqlite":
            return str(self._file(name))
        assert self.server
        url = postgres_database(self.server)
        self.made.append(url)
        return url

    def copy(self, source: str, name: str) -> str:
        """The `--db` value of a private copy of SOURCE (made by a Place of the same kind)."""
        if self.kind == "sqlite":
            return str(copy_database(Path(source), self._file(name)))
        assert self.server
        url = postgres_database(self.server, template=source)
        self.made.append(url)
        return url

    def discard(self) -> None:
        """Drop the PostgreSQL databases made here (files go with their folder)."""
        while self.made:
            drop_postgres_database(self.made.pop())

    def _file(self, name: str) -> Path:
        path = self.folder / f"{name}.sqlite3"
        if path.exists():
            path = self.folder / f"{name}-{uuid.uuid4().hex[:8]}.sqlite3"
        return path


_MADE_BY_INIT: dict[str, str] = {}


def made_by_init(kind: str, server: str | None) -> str:
    """A database `init` made, once per session and kind (dropped when the session ends)."""
    key = server if kind == "postgresql" and server else "sqlite"
    if key not in _MADE_BY_INIT:
        if kind == "sqlite":
            db = str(Path(tempfile.mkdtemp(prefix="backorder-init-")) / "empty.sqlite3")
        else:
            assert server
            db = postgres_database(server)
            atexit.register(drop_postgres_database, db)
        program = Path(sys.executable).parent / "backorder-desktop"
        done = subprocess.run([str(program), "--db", db, "init"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"init failed: {done.stderr}"
        _MADE_BY_INIT[key] = frozen(db)
    return _MADE_BY_INIT[key]


def table_rows(db: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of DB, sorted: stronger than the exports, as it also
    sees product names, adjustments' reasons and the like. But for PostgreSQL's `team`: a
    test's database is a copy of a template, and the program's first opening gives a copy
    groups of its own (tests/cli/test_teams.py tests that)."""
    if is_postgres(db):
        import psycopg

        with psycopg.connect(db) as connection:
            tables = [
                t
                for (t,) in connection.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                )
                if t != "team"
            ]
            return {
                table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                for table in tables
            }
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


class Shelf:
    """What tests build once per session and kind of database (saved databases, the
    outcomes of batches of refused commands), kept until the session ends."""

    def __init__(self, folders: Callable[[str], Path], server: Callable[[], str]) -> None:
        self._folders = folders
        self._server = server
        self._places: dict[str, Place] = {}
        self._kept: dict[tuple[str, str], object] = {}

    def place(self, kind: str) -> Place:
        if kind not in self._places:
            server = self._server() if kind == "postgresql" else None
            self._places[kind] = Place(kind, self._folders(f"shelf-{kind}"), server)
        return self._places[kind]

    def once(self, kind: str, what: str, make: Callable[[Place], T]) -> T:
        """MAKE(place) the first time WHAT is asked for on KIND; what it made ever after."""
        key = (kind, what)
        if key not in self._kept:
            self._kept[key] = make(self.place(kind))
        return cast(T, self._kept[key])

    def discard(self) -> None:
        for place in self._places.values():
            place.discard()


# For a test that is about SQLite files only (the `place` fixture runs every other on both).
sqlite_only = pytest.mark.parametrize("place", ["sqlite"], indirect=True)
