"""Fixtures: every test gets a fresh database, opened through the real store.

`store` runs each domain test twice: on a SQLite file and on a PostgreSQL
database of a throwaway server (BACKORDER_TEST_POSTGRES, which .ci/run sets by
starting one with .ci/postgres.sh). Outside CI, without a server and without
the means to start one, the PostgreSQL half is skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Headless Qt, and a private home for logs and default databases, before anything imports them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BACKORDER_DESKTOP_HOME", tempfile.mkdtemp(prefix="backorder-test-home-"))

from backorder_desktop.store import database
from backorder_desktop.store.schema import open_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def postgres_server() -> str | None:
    """The URL of a PostgreSQL server to test against, started here if need be; None if none."""
    url = os.environ.get("BACKORDER_TEST_POSTGRES")
    if url:
        return url
    script = ROOT / ".ci" / "postgres.sh"
    try:
        started = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=180)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if started.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL, but no server could be started:\n{started.stderr}")
        return None
    url = started.stdout.strip().splitlines()[-1]
    os.environ["BACKORDER_TEST_POSTGRES"] = url
    return url


def fresh_postgres_database(server: str) -> str:
    """A new empty database on SERVER; returns its URL."""
    import psycopg

    name = f"bo_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(server: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "backorders.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """Where the test's database lives: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(db_path)
        return
    server = request.getfixturevalue("postgres_server")
    if server is None:
        pytest.skip("PostgreSQL: no server (set BACKORDER_TEST_POSTGRES, or install Debian's postgresql)")
    url = fresh_postgres_database(server)
    try:
        yield url
    finally:
        database.close()
        drop_postgres_database(server, url)


@pytest.fixture
def store(target: str) -> Iterator[str]:
    """A fresh, migrated database (SQLite in WAL mode, or PostgreSQL), open on the shared proxy."""
    open_database(target)
    yield target
    database.close()
